import assert from "node:assert/strict";
import {
  firstNonSpace,
  isPySpace,
  pyCompare,
  pyIsSpace,
  pyLower,
  pyParseInt,
  pyRstrip,
  pyStrip,
  pyStripChars,
} from "./_pytext.ts";

Deno.test("pyIsSpace() matches Python's str.isspace() set", () => {
  for (const cp of [0x09, 0x1c, 0x20, 0x85, 0xa0, 0x2028, 0x3000]) assert.ok(pyIsSpace(cp), cp.toString(16));
  for (const cp of [0x00, 0x41, 0x200b, 0xfeff, 0x180e]) assert.ok(!pyIsSpace(cp), cp.toString(16));
});

Deno.test("pyStrip() trims Python whitespace but keeps a BOM", () => {
  assert.equal(pyStrip("\x1c\u3000 a b \x85\n"), "a b");
  assert.equal(pyStrip("\ufeffa"), "\ufeffa");
  assert.equal(pyStripChars(`'"x"'`, `'"`), "x");
});

Deno.test("isPySpace() tests one UTF-16 code unit like str.isspace()", () => {
  for (const ch of ["\t", "\x1f", "\x85", "\u2029"]) assert.ok(isPySpace(ch), JSON.stringify(ch));
  for (const ch of [undefined, "", "a", "\ufeff", "\u200b"]) assert.ok(!isPySpace(ch), JSON.stringify(ch));
});

Deno.test("firstNonSpace() and pyRstrip() use the same whitespace as pyStrip()", () => {
  assert.equal(firstNonSpace("\x1c\u3000 a "), 3);
  assert.equal(firstNonSpace(" \x85\n"), -1);
  assert.equal(firstNonSpace("\ufeff "), 0);
  assert.equal(pyRstrip(" a\x1f\u2028 \n"), " a");
  assert.equal(pyRstrip("a\ufeff"), "a\ufeff");
  assert.equal(pyStrip(" \x85\n"), "");
});

Deno.test("pyLower() lower-cases like Python 3.11 (Unicode 14.0)", () => {
  assert.equal(pyLower("Program:Foo"), "program:foo");
  assert.equal(pyLower("ΟΔΟΣ"), "οδος");
  assert.equal(pyLower("\u0130"), "i\u0307");
  // Letters added after Unicode 14.0 have no lower-case mapping in Python 3.11.
  assert.equal(pyLower("A\ua7cbB\u{16ea0}"), "a\ua7cbb\u{16ea0}");
});

Deno.test("pyParseInt() reads base 10 and base 8 like int()", () => {
  assert.equal(pyParseInt(" -1_2 "), -12n);
  assert.equal(pyParseInt("99999999999999999999"), 99999999999999999999n);
  assert.equal(pyParseInt("0o_17", 8), 15n);
  assert.equal(pyParseInt("017", 8), 15n);
  assert.throws(() => pyParseInt("0o", 8), { message: "invalid literal for int() with base 8: '0o'" });
  assert.throws(() => pyParseInt("\x1c5"), { message: "invalid literal for int() with base 10: '\\x1c5'" });
});

Deno.test("pyParseInt() enforces Python's 4300-digit limit in base 10", () => {
  assert.throws(() => pyParseInt("1".repeat(4301)), {
    message: "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; " +
      "use sys.set_int_max_str_digits() to increase the limit",
  });
  assert.equal(pyParseInt("1".repeat(4301), 8) > 0n, true);
});

Deno.test("pyCompare() orders by code point", () => {
  assert.deepEqual(["b", "\u{1F600}", "\uff5e", "B", "a"].sort(pyCompare), ["B", "a", "b", "\uff5e", "\u{1F600}"]);
});
