import assert from "node:assert/strict";
import { shlexSplit, shlexTokenize } from "./shlex.ts";

Deno.test("shlexSplit() splits on whitespace and honours quotes", () => {
  assert.deepEqual(shlexSplit("  /bin/echo  a\tb\nc "), ["/bin/echo", "a", "b", "c"]);
  assert.deepEqual(shlexSplit("/bin/sh -c 'echo $HOME; exit 1'"), ["/bin/sh", "-c", "echo $HOME; exit 1"]);
  assert.deepEqual(shlexSplit(`x"y z"'w'`), ["xy zw"]);
  assert.deepEqual(shlexSplit("a '' b"), ["a", "", "b"]);
  assert.deepEqual(shlexSplit(""), []);
});

Deno.test("shlexSplit() applies POSIX backslash rules", () => {
  assert.deepEqual(shlexSplit("a\\ b"), ["a b"]);
  assert.deepEqual(shlexSplit(`"a\\"b\\\\c\\d"`), [`a"b\\c\\d`]);
  assert.deepEqual(shlexSplit("'a\\b'"), ["a\\b"]);
});

Deno.test("shlexSplit() keeps # as an ordinary character", () => {
  assert.deepEqual(shlexSplit("cmd # arg#x"), ["cmd", "#", "arg#x"]);
});

Deno.test("shlexSplit() throws Python's errors", () => {
  assert.throws(() => shlexSplit("/bin/sh -c 'echo x"), {
    name: "ValueConversionError",
    message: "No closing quotation",
  });
  assert.throws(() => shlexSplit("trailing\\"), { message: "No escaped character" });
  assert.throws(() => shlexSplit(`"x\\`), { message: "No escaped character" });
});

Deno.test("shlexTokenize() emits words, quoted strings and single characters", () => {
  const wc = "/.+-():";
  assert.deepEqual(shlexTokenize("A=1,B=2", wc), ["A", "=", "1", ",", "B", "=", "2"]);
  assert.deepEqual(shlexTokenize(`A="a b",B='c,d'`, wc), ["A", "=", '"a b"', ",", "B", "=", "'c,d'"]);
  assert.deepEqual(shlexTokenize("P=/x/y:z", wc), ["P", "=", "/x/y:z"]);
  assert.deepEqual(shlexTokenize("P=/x", ""), ["P", "=", "/", "x"]);
  assert.deepEqual(shlexTokenize(`A=x"y"`, wc), ["A", "=", `x"y"`]);
});

Deno.test("shlexTokenize() treats Latin-1 letters as non-word characters", () => {
  assert.deepEqual(shlexTokenize("A=éb"), ["A", "=", "é", "b"]);
});

Deno.test("shlexTokenize() skips # comments to the end of the line", () => {
  assert.deepEqual(shlexTokenize("A=1 # c\nB=2"), ["A", "=", "1", "B", "=", "2"]);
  // Inside a word the comment is cut out and the word goes on.
  assert.deepEqual(shlexTokenize("A=1#c\nB"), ["A", "=", "1B"]);
});

Deno.test("shlexTokenize() throws on an unclosed quote", () => {
  assert.throws(() => shlexTokenize(`A="x`), { message: "No closing quotation" });
});
