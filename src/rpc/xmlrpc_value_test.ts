import { equal } from "node:assert/strict";
import { Double, pyFloatRepr, pyReprValue, pyStr, pyTypeName } from "./xmlrpc_value.ts";

Deno.test("pyFloatRepr() matches Python repr(float) around the notation switch points", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"],
    [1, "1.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [123456789, "123456789.0"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [1.2345678901234568e17, "1.2345678901234568e+17"],
    [1e100, "1e+100"],
    [-2.5e-300, "-2.5e-300"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  for (const [x, want] of cases) equal(pyFloatRepr(x), want, String(x));
});

Deno.test("pyStr()/pyReprValue()/pyTypeName() render decoded values as Python would", () => {
  equal(pyStr(5), "5");
  equal(pyStr(true), "True");
  equal(pyStr("x"), "x");
  equal(pyStr(null), "None");
  equal(pyStr(new Double(2)), "2.0");
  equal(pyStr([1, "a", false]), "[1, 'a', False]");
  equal(pyStr({ a: [1], "it's": null }), `{'a': [1], "it's": None}`);
  equal(pyStr(new Uint8Array([0, 39, 65])), `b"\\x00'A"`);
  equal(pyStr(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02 03:04:05");
  equal(pyReprValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 0))), "datetime.datetime(2024, 1, 2, 3, 4)");
  equal(pyStr(2n ** 70n), "1180591620717411303424");
  equal(pyTypeName(1), "int");
  equal(pyTypeName(1.5), "float");
  equal(pyTypeName(new Double(1)), "float");
  equal(pyTypeName("s"), "str");
  equal(pyTypeName([]), "list");
  equal(pyTypeName({}), "dict");
  equal(pyTypeName(true), "bool");
  equal(pyTypeName(new Date(0)), "datetime.datetime");
});
