/**
 * Differential test: `pyFormat()` and `expandValue()` against CPython's
 * `str % dict` and supervisor's `expand()` in the reference interpreter.
 *
 * Python counterpart: CPython 3.11 `PyUnicode_Format`,
 * supervisor/options.py `expand()`.
 * @module
 */

import assert from "node:assert/strict";
import { expandValue, pyFormat, PyFormatError, type PyFormatValue } from "../src/config/pyformat.ts";
import { fuzzInputs, hasPython, type Outcome, outcomeOf, PY_OUTCOME, runPython } from "./_python.ts";

type Dict = Record<string, PyFormatValue>;

const ENV: Dict = {
  ENV_HOME: "/root",
  ENV_SHELL: "/bin/bash",
  here: "/etc/supervisor",
  program_name: "web",
  group_name: "web",
  host_node_name: "vm",
  process_num: 3,
  numprocs: 12,
};
const NUMS: Dict = { n: 42, neg: -255, zero: 0, big: 123456789, s: "text", u: "héllo ☃ 😀", e: "" };
const PARENS: Dict = { "a(b)": "nested", "": "empty key", "x y": "spaced", "é": 5 };

const CASES: [string, Dict][] = [
  ["no percent at all", ENV],
  ["", ENV],
  ["/bin/echo %(program_name)s", ENV],
  ["%(here)s/%(program_name)s_%(process_num)02d.log", ENV],
  ["%(process_num)d of %(numprocs)d", ENV],
  ["%(process_num)5d|%(process_num)-5d|%(process_num)05d", ENV],
  ["%(process_num)+d %(process_num) d %(neg)+d %(neg) d", { ...ENV, neg: -7 }],
  ["%(process_num)x %(numprocs)X %(numprocs)o", ENV],
  ["%(numprocs)#x %(numprocs)#X %(numprocs)#o", ENV],
  ["%(neg)#x|%(neg)#010x|%(neg)#-10X|%(neg)+#o", NUMS],
  ["%(n).5d|%(n)8.5d|%(n)-8.5d|%(neg).5x|%(n)#.5x|%(n)#08.5x", NUMS],
  ["%(n)i %(n)u %(n)hd %(n)ld %(n)Ld", NUMS],
  ["%(n)r %(s)r %(u)r %(u)a %(s)a %(n)a", NUMS],
  ["%(s)10s|%(s)-10s|%(s).2s|%(s)10.2s|%(s)-10.2s|%(s)010s", NUMS],
  ["%(u)8s|%(u).3s|%(u)-9.4r", NUMS],
  ["%(n)s %(n)10s %(n).1s %(n)+s %(n) 5s", NUMS],
  ["%(n)e %(n)E %(n)f %(n)F %(n)g %(n)G", NUMS],
  ["%(big)e %(big).2e %(big).0e %(big)#.0e %(big)g %(big).3g %(big)#g", NUMS],
  ["%(zero)e %(zero)f %(zero)g %(zero)#g %(zero).0f %(zero)#.0f", NUMS],
  ["%(neg)e %(neg)+f %(neg)012.3f %(n)+012.3f %(n) f %(n)-12.1f|", NUMS],
  ["%(a).0e %(b).0e %(c).1e %(d).2g %(e2)g %(f)g", { a: 25, b: 35, c: 125, d: 995, e2: 100000, f: 1000000 }],
  ["%(a).3g %(a)#.3g %(a)#.1g %(b)#.1g %(b).1g", { a: 123456, b: 50 }],
  ["%(n).20f|%(n)#.10e|%(n)30.3e", NUMS],
  ["%(a)c%(b)c%(c)c%(d)c", { a: 65, b: "é", c: "😀", d: 0x263a }],
  ["%(a)5c|%(a)-5c|%(a).0c", { a: 65 }],
  ["%(a)c", { a: 0x110000 }],
  ["%(a)c", { a: -1 }],
  ["%(a)c", { a: "ab" }],
  ["%(a)c", { a: "" }],
  ["%c", { a: 1 }],
  ["%%", ENV],
  ["100%% done, %(process_num)d%%", ENV],
  ["%s", ENV],
  ["%s", { a: "x", b: 5, c: "it's", d: "é\n" }],
  ["%r|%a", { a: "x" }],
  ["%s", {}],
  ["%(a)s %s", { a: "x" }],
  ["%s %(a)s", { a: "x" }],
  ["%s %s", { a: "x" }],
  ["%d", { a: 1 }],
  ["%x", { a: 1 }],
  ["%f", { a: 1 }],
  ["%(missing)s", ENV],
  ["%(here)s %(nope)s %(also_nope)s", ENV],
  ["%()s", ENV],
  ["%()s|%(a(b))s|%(x y)s|%(é)d", PARENS],
  ["%(a", ENV],
  ["%(a(b)s", PARENS],
  ["%(here)", ENV],
  ["%(missing)", ENV],
  ["%", ENV],
  ["abc %", ENV],
  ["%(here)s %", ENV],
  ["%-", ENV],
  ["%5", ENV],
  ["%.", ENV],
  ["%(process_num)05", ENV],
  ["%(process_num).", ENV],
  ["%(process_num)l", ENV],
  ["%(here)b", ENV],
  ["abcd %b", ENV],
  ["%(here)s %(here)y", ENV],
  ["é😀 %z", ENV],
  ["%(here)\u00e9", ENV],
  ["%(here)\u0007", ENV],
  ["%(here)%", ENV],
  ["%5%", ENV],
  ["%(here)d", ENV],
  ["%(here)i", ENV],
  ["%(here)u", ENV],
  ["%(here)x", ENV],
  ["%(here)o", ENV],
  ["%(here)X", ENV],
  ["%(here)e", ENV],
  ["%(here)g", ENV],
  ["%d", ENV],
  ["%e", ENV],
  ["%*s", ENV],
  ["%.*s", ENV],
  ["%(here)*s", ENV],
  ["%(process_num)*s", ENV],
  ["%(process_num)*", ENV],
  ["%(process_num).*d", ENV],
  ["%(n)99999999999999999999d", NUMS],
  ["%(n).99999999999d", NUMS],
  ["%(n)#-8x|%(n)-#8o|%(n)#8X|% 08d|%+ d", { n: 255, ...{} }],
  ["%(u)s and %(e)s and %(e)5s|", NUMS],
  ["%(s)s%(s)s%(s)s", NUMS],
  ["%(ENV_HOME)s:%(ENV_SHELL)r", ENV],
];

function ourOutcome(format: string, values: Dict): Outcome {
  return outcomeOf(
    () => pyFormat(format, values),
    (e) => e instanceof PyFormatError ? e.pyType : "?",
  );
}

Deno.test({
  name: "[GEN.pyfmt,EXP.engine] pyFormat() matches CPython's str % dict over the case table",
  ignore: !hasPython,
  fn: () => {
    assert.ok(CASES.length >= 60);
    const py = runPython(
      PY_OUTCOME + "emit([outcome(lambda f, d: f % d, f, d) for f, d in INPUT])",
      CASES,
    ) as Outcome[];
    CASES.forEach(([format, values], i) => {
      assert.deepEqual(ourOutcome(format, values), py[i], `case ${JSON.stringify(format)}`);
    });
  },
});

Deno.test({
  name: "[EXP.errors,GEN.pyrepr] expandValue() matches supervisor's expand() messages",
  ignore: !hasPython,
  fn: () => {
    const py = runPython(
      PY_OUTCOME +
        "from supervisor.options import expand\n" +
        "emit([outcome(expand, f, d, 'program:a.command') for f, d in INPUT])",
      CASES,
    ) as Outcome[];
    CASES.forEach(([format, values], i) => {
      const ours = outcomeOf(() => expandValue(format, values, "program:a.command"));
      assert.deepEqual(ours, py[i], `case ${JSON.stringify(format)}`);
    });
  },
});

Deno.test({
  name: "[GEN.pyfmt] pyFormat() matches CPython on fuzzed format strings",
  ignore: !hasPython,
  fn: () => {
    const alphabet = [
      "%",
      "%",
      "%",
      "(s)",
      "(n)",
      "(z)",
      "(big)",
      "(",
      ")",
      "s",
      "d",
      "r",
      "x",
      "X",
      "o",
      "e",
      "g",
      "f",
      "c",
      "a",
      "#",
      "0",
      "-",
      "+",
      " ",
      "5",
      "12",
      ".",
      "*",
      "l",
      "é",
      "b",
    ];
    const formats = fuzzInputs(4000, alphabet, 7, 8);
    const values: Dict = { s: "str", n: -42, z: 0, big: 98765, c: 97 };
    const py = runPython(
      PY_OUTCOME + "emit([outcome(lambda f: f % INPUT[1], f) for f in INPUT[0]])",
      [formats, values],
    ) as Outcome[];
    formats.forEach((format, i) => {
      assert.deepEqual(ourOutcome(format, values), py[i], `case ${JSON.stringify(format)}`);
    });
  },
});

Deno.test({
  name: "[GEN.pyfmt] pyFormat() matches CPython over a grid of flags, widths, precisions and conversions",
  ignore: !hasPython,
  fn: () => {
    const values: Dict = { s: "str", u: "é😀x", n: -42, p: 7, z: 0, big: 98765, huge: Number.MAX_SAFE_INTEGER };
    const formats: string[] = [];
    for (const key of Object.keys(values)) {
      for (const flags of ["", "#", "0", "-", "+", " ", "#0", "-0", "+ ", "#-+", "0 "]) {
        for (const width of ["", "1", "7", "15"]) {
          for (const prec of ["", ".", ".0", ".1", ".3", ".12"]) {
            for (const conv of "sraidouxXeEfFgGc") {
              formats.push(`<%(${key})${flags}${width}${prec}${conv}>`);
            }
          }
        }
      }
    }
    const py = runPython(
      PY_OUTCOME + "emit([outcome(lambda f: f % INPUT[1], f) for f in INPUT[0]])",
      [formats, values],
    ) as Outcome[];
    formats.forEach((format, i) => {
      assert.deepEqual(ourOutcome(format, values), py[i], `case ${JSON.stringify(format)}`);
    });
  },
});
