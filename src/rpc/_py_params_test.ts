import { equal, throws } from "node:assert/strict";
import { groupParam, namespecParam, signalParam, truthParam } from "./_py_params.ts";
import { RpcError } from "./faults.ts";
import { Double } from "./xmlrpc_value.ts";

const pyError = (name: string, message: string) => (e: unknown) =>
  e instanceof Error && !(e instanceof RpcError) && e.name === name && e.message === message;
const fault = (text: string) => (e: unknown) => e instanceof RpcError && e.message === text;

Deno.test("namespecParam() passes strings and raises AttributeError for the rest, as split_namespec does", () => {
  equal(namespecParam("grp:*"), "grp:*");
  throws(() => namespecParam(5), pyError("AttributeError", "'int' object has no attribute 'split'"));
  throws(() => namespecParam(new Double(1)), pyError("AttributeError", "'float' object has no attribute 'split'"));
  throws(() => namespecParam({}), pyError("AttributeError", "'dict' object has no attribute 'split'"));
});

Deno.test("groupParam() is the name, null for hashable non-strings, INCORRECT_PARAMETERS for lists and structs", () => {
  equal(groupParam("grp"), "grp");
  equal(groupParam(5), null);
  equal(groupParam(null), null);
  equal(groupParam(false), null);
  throws(() => groupParam([]), fault("INCORRECT_PARAMETERS"));
  throws(() => groupParam({ a: 1 }), fault("INCORRECT_PARAMETERS"));
});

Deno.test("signalParam() follows signal_number: int() first, then the name", () => {
  equal(signalParam("HUP"), 1);
  equal(signalParam("sigterm"), 15);
  equal(signalParam(" 9 "), 9);
  equal(signalParam(9), 9);
  equal(signalParam(new Double(15.9)), 15);
  equal(signalParam(true), 1);
  equal(signalParam(false), 0); // SIG_DFL is 0, so Python counts 0 as a signal number
  throws(() => signalParam(0n + 99n), fault("BAD_SIGNAL: 99"));
  throws(() => signalParam("NOPE"), fault("BAD_SIGNAL: NOPE"));
  throws(() => signalParam(new Double(Infinity)), pyError("OverflowError", "cannot convert float infinity to integer"));
  throws(() => signalParam(new Double(NaN)), pyError("AttributeError", "'float' object has no attribute 'strip'"));
  throws(
    () => signalParam(new Date(0)),
    pyError("AttributeError", "'datetime.datetime' object has no attribute 'strip'"),
  );
});

Deno.test("truthParam() is Python's truth value, with the default when absent", () => {
  equal(truthParam(undefined, true), true);
  for (const falsy of [false, 0, "", [], {}, null, new Double(0)]) equal(truthParam(falsy, true), false);
  for (const truthy of [true, 1, "x", [0], { a: 0 }, new Double(0.5), new Date(0)]) {
    equal(truthParam(truthy, false), true);
  }
});
