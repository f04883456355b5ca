import { deepEqual, equal } from "node:assert/strict";
import { stripAnsi } from "./strip_ansi.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Expected results printed by Python's supervisor.dispatchers.stripEscapes. */
const PYTHON_CASES: Array<[string, string]> = [
  ["plain", "plain"],
  ["\x1b[31mred\x1b[0m tail", "red tail"],
  ["a\x1b[1;2Hb", "ab"],
  ["x\x1b[", "x"],
  ["x\x1b[12", "x"],
  ["\x1bX keep", "\x1bX keep"],
  ["\x1b[\x1b[m-ok", "-ok"],
  ["q\x1b[31", "q"],
  ["\x1b[m", ""],
  ["a\x1b[0z m-rest", "a-rest"],
  ["\x1b\x1b[Kz", "\x1bz"],
];

Deno.test("[LOG.child.strip_ansi] stripAnsi() matches Python's stripEscapes byte for byte", () => {
  for (const [input, expected] of PYTHON_CASES) {
    equal(dec.decode(stripAnsi(enc.encode(input))), expected, JSON.stringify(input));
  }
});

Deno.test("stripAnsi() returns the chunk itself when it holds no escape, and never touches its input", () => {
  const plain = enc.encode("no escapes \x1b here");
  equal(stripAnsi(plain), plain);
  const colored = enc.encode("\x1b[1mbold\x1b[0m");
  const copy = colored.slice();
  equal(dec.decode(stripAnsi(colored)), "bold");
  deepEqual(colored, copy);
});

Deno.test("stripAnsi() ends a sequence only at H f A B C D R s u J K h l p m", () => {
  for (const t of "HfABCDRsuJKhlpm") equal(dec.decode(stripAnsi(enc.encode(`<\x1b[9${t}>`))), "<>", t);
  equal(dec.decode(stripAnsi(enc.encode("<\x1b[9X>m!"))), "<!");
});
