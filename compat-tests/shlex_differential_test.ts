/**
 * Differential test: `shlexSplit()` and `shlexTokenize()` against CPython's
 * `shlex.split()` and `list(shlex.shlex(s))` (with supervisor's extra word
 * characters) in the reference interpreter.
 *
 * Python counterpart: CPython 3.11 Lib/shlex.py.
 * @module
 */

import assert from "node:assert/strict";
import { shlexSplit, shlexTokenize } from "../src/config/shlex.ts";
import { fuzzInputs, hasPython, type Outcome, outcomeOf, PY_OUTCOME, runPython } from "./_python.ts";

const SPLIT_CASES: string[] = [
  "",
  "   ",
  "/bin/echo hello",
  "  /bin/echo   a\tb\nc\r d  ",
  "/bin/sh -c 'echo $HOME; exit 1'",
  `/bin/sh -c "echo \\"hi\\" \\\\ \\$x \\n"`,
  "a\\ b c",
  "a\\\\b",
  "a\\'b",
  `a\\"b`,
  "'a\\b'",
  `"a\\b"`,
  `"a\\\\b"`,
  `"a\\"b"`,
  "''",
  `""`,
  "a '' b",
  `a "" b`,
  "a''b",
  `x"y z"w`,
  `'a'"b"c`,
  "# not a comment",
  "cmd # arg",
  "cmd#arg",
  "/bin/sh -c 'echo x",
  `"unterminated`,
  "trailing\\",
  `"in quotes\\`,
  "'single \\",
  "é ß ü 日本 😀",
  "a\x0bb\x0cc",
  "a\u00a0b",
  "tab\\\tafter",
  "newline\\\nafter",
  `"nested 'single' inside"`,
  `'nested "double" inside'`,
  "$HOME ~ * ? > < | & ; ( )",
  'a=b c="d e"',
  "\\",
  "\\\\",
  "''''",
  `""""`,
  `"'"`,
  `'"'`,
  "--opt=\"a b\" --x='c d'",
];

const TOKEN_CASES: string[] = [
  "",
  "A=1,B=2",
  `A="a b",B='c,d'`,
  "A=/x/y:z,B=a.b+c-d(e)",
  "A=1;B=2",
  "A=1 B=2",
  "A=x y",
  "A=$HOME",
  "A==1",
  "A=",
  `A=""`,
  "A=1,,B=2",
  "A=1 # comment\nB=2",
  "A=1#c\nB=2",
  "A=1#c\n,B=2",
  "# only a comment",
  "#",
  "A=1 #",
  "KEY=value,key2=Value2",
  "A=é",
  "é=1",
  "A=éb",
  "A=ßx",
  "A=日本",
  `A=x"y"`,
  `A="x`,
  `A='x`,
  `A='it''s'`,
  `"A"=1`,
  "A = 1 , B = 2",
  "A=1\tB=2",
  "A=1\nB=2",
  "A=1\r\nB=2",
  "A=a\\b",
  "A=1!B=2",
  "A=%(here)s",
  "PATH=/usr/bin:/bin,LANG=C.UTF-8",
  "A=1,B=2,",
  "A=-1,B=+2,C=(x),D=:",
  "A=\"a,b\",B='c=d'",
  "A='\"x\"'",
  "A=1 2 3 4 5",
  "ABC_def=1",
  "😀=1",
];

function ours(fn: () => string[]): Outcome {
  return outcomeOf(fn);
}

Deno.test({
  name: "[SPAWN.split] shlexSplit() matches CPython's shlex.split()",
  ignore: !hasPython,
  fn: () => {
    assert.ok(SPLIT_CASES.length >= 40);
    const py = runPython(
      PY_OUTCOME + "import shlex\nemit([outcome(shlex.split, s) for s in INPUT])",
      SPLIT_CASES,
    ) as Outcome[];
    SPLIT_CASES.forEach((s, i) => {
      assert.deepEqual(ours(() => shlexSplit(s)), py[i], `case ${JSON.stringify(s)}`);
    });
  },
});

Deno.test({
  name: "[DT.kvpairs] shlexTokenize() matches CPython's non-POSIX shlex.shlex tokens",
  ignore: !hasPython,
  fn: () => {
    assert.ok(TOKEN_CASES.length >= 40);
    const py = runPython(
      PY_OUTCOME +
        "import shlex\n" +
        "def tokens(s):\n" +
        "    lexer = shlex.shlex(s)\n" +
        "    lexer.wordchars += '/.+-():'\n" +
        "    return list(lexer)\n" +
        "emit([outcome(tokens, s) for s in INPUT])",
      TOKEN_CASES,
    ) as Outcome[];
    TOKEN_CASES.forEach((s, i) => {
      assert.deepEqual(
        ours(() => shlexTokenize(s, "/.+-():")),
        py[i],
        `case ${JSON.stringify(s)}`,
      );
    });
  },
});

Deno.test({
  name: "[SPAWN.split,DT.kvpairs] shlexSplit() and shlexTokenize() match CPython on fuzzed input",
  ignore: !hasPython,
  fn: () => {
    const alphabet = [
      "a",
      "B",
      "1",
      " ",
      "\t",
      "\n",
      "'",
      '"',
      "\\",
      "#",
      "=",
      ",",
      ";",
      "/",
      ".",
      "-",
      "é",
      "😀",
      "$",
    ];
    const inputs = fuzzInputs(3000, alphabet, 42);
    const py = runPython(
      PY_OUTCOME +
        "import shlex\n" +
        "def tokens(s):\n" +
        "    lexer = shlex.shlex(s)\n" +
        "    lexer.wordchars += '/.+-():'\n" +
        "    return list(lexer)\n" +
        "emit([[outcome(shlex.split, s), outcome(tokens, s)] for s in INPUT])",
      inputs,
    ) as [Outcome, Outcome][];
    inputs.forEach((s, i) => {
      const [split, toks] = py[i]!;
      assert.deepEqual(ours(() => shlexSplit(s)), split, `split ${JSON.stringify(s)}`);
      assert.deepEqual(ours(() => shlexTokenize(s, "/.+-():")), toks, `tokens ${JSON.stringify(s)}`);
    });
  },
});
