import assert from "node:assert/strict";
import { choice, duration, pyFloat } from "./ext_values.ts";

Deno.test("duration() reads seconds, fractions and the units ms, s, m, h, d", () => {
  assert.equal(duration("30"), 30);
  assert.equal(duration("1.5"), 1.5);
  assert.equal(duration(" 500ms "), 0.5);
  assert.equal(duration("30s"), 30);
  assert.equal(duration("5m"), 300);
  assert.equal(duration("2h"), 7200);
  assert.equal(duration("1d"), 86400);
  assert.equal(duration("2S"), 2);
  assert.equal(duration(".5"), 0.5);
  assert.equal(duration("0"), 0);
});

Deno.test("duration() rejects anything else with the unit hint", () => {
  for (const bad of ["5x", "", "-1", "1 2", "ms", "1e3"]) {
    assert.throws(
      () => duration(bad),
      { message: `invalid duration '${bad.trim()}' (use 500ms, 30s, 5m, 2h, 1d)` },
      bad,
    );
  }
});

Deno.test("pyFloat() reads what Python's float() reads, with its error text", () => {
  assert.equal(pyFloat(" 1.5 "), 1.5);
  assert.equal(pyFloat("2"), 2);
  assert.equal(pyFloat("1e1"), 10);
  assert.equal(pyFloat("-0.25"), -0.25);
  assert.equal(pyFloat("1_0"), 10);
  assert.throws(() => pyFloat("abc"), { message: "could not convert string to float: 'abc'" });
});

Deno.test("choice() accepts a listed value in any case and names the choices otherwise", () => {
  assert.equal(choice("console_format", " JSON", ["prefixed", "raw", "json"]), "json");
  assert.throws(() => choice("console_format", "xml", ["prefixed", "raw", "json"]), {
    message: "console_format must be one of prefixed, raw, json",
  });
});
