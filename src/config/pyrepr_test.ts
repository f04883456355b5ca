import assert from "node:assert/strict";
import { pyRepr, pyReprList } from "./pyrepr.ts";

Deno.test("pyRepr() picks double quotes only when the text has ' and no \"", () => {
  assert.equal(pyRepr("abc"), "'abc'");
  assert.equal(pyRepr("/bin/sh -c 'echo x"), `"/bin/sh -c 'echo x"`);
  assert.equal(pyRepr(`a'b"c`), `'a\\'b"c'`);
  assert.equal(pyRepr(`say "hi"`), `'say "hi"'`);
});

Deno.test("pyRepr() escapes backslash, newline, tab and control characters", () => {
  assert.equal(pyRepr("garbage\n"), "'garbage\\n'");
  assert.equal(pyRepr("a\\b\tc\r"), "'a\\\\b\\tc\\r'");
  assert.equal(pyRepr("\x00\x1b\x7f"), "'\\x00\\x1b\\x7f'");
  assert.equal(pyRepr("\u00a0\u2028\ufeff"), "'\\xa0\\u2028\\ufeff'");
});

Deno.test("pyRepr() keeps printable non-ASCII text as is", () => {
  assert.equal(pyRepr("héllo wörld ☃ 日本 😀"), "'héllo wörld ☃ 日本 😀'");
});

Deno.test("pyReprList() renders a Python list of strings", () => {
  assert.equal(pyReprList(["extra"]), "['extra']");
  assert.equal(pyReprList(["a", "b'c"]), `['a', "b'c"]`);
  assert.equal(pyReprList([]), "[]");
});
