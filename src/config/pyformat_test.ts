import assert from "node:assert/strict";
import { ValueConversionError } from "./errors.ts";
import { expandValue, pyFormat, PyFormatError, type PyFormatValue } from "./pyformat.ts";

const EXP: Record<string, PyFormatValue> = {
  ENV_HOME: "/root",
  here: "/etc/supervisor",
  program_name: "web",
  process_num: 3,
  numprocs: 12,
};

function formatError(format: string, values = EXP): PyFormatError {
  try {
    pyFormat(format, values);
  } catch (e) {
    if (e instanceof PyFormatError) return e;
    throw e;
  }
  throw new Error(`no error for ${format}`);
}

Deno.test("pyFormat() returns a string without % unchanged", () => {
  assert.equal(pyFormat("plain text", EXP), "plain text");
  assert.equal(pyFormat("", {}), "");
});

Deno.test("pyFormat() expands %(name)s and numeric conversions", () => {
  assert.equal(pyFormat("%(here)s/%(program_name)s.log", EXP), "/etc/supervisor/web.log");
  assert.equal(pyFormat("w_%(process_num)02d", EXP), "w_03");
  assert.equal(pyFormat("%(process_num)d/%(numprocs)x/%(numprocs)#X", EXP), "3/c/0XC");
  assert.equal(pyFormat("%(process_num)-4d|%(process_num)+d|%(process_num) d", EXP), "3   |+3| 3");
  assert.equal(pyFormat("%(numprocs)#o %(numprocs).4d", EXP), "0o14 0012");
});

Deno.test("pyFormat() renders %r, %a, %c, precision and width like Python", () => {
  const v = { s: "é'x", n: 65 };
  assert.equal(pyFormat("%(s)r %(s)a %(n)r", v), `"é'x" "\\xe9'x" 65`);
  assert.equal(pyFormat("%(n)c|%(s).1s|%(s)5s|%(s)-5s|", v), "A|é|  é'x|é'x  |");
});

Deno.test("pyFormat() renders float conversions of integers, rounding half to even", () => {
  assert.equal(pyFormat("%(n)f %(n)e %(n)g", { n: 3 }), "3.000000 3.000000e+00 3");
  assert.equal(pyFormat("%(a).0e %(b).0e", { a: 25, b: 35 }), "2e+01 4e+01");
  assert.equal(pyFormat("%(n)g %(n)#g %(n)G", { n: 1000000 }), "1e+06 1.00000e+06 1E+06");
  assert.equal(pyFormat("%(n)08.2f", { n: -3 }), "-0003.00");
});

Deno.test("pyFormat() turns %% into % and a lone %s into the whole dict's repr", () => {
  assert.equal(pyFormat("100%%", EXP), "100%");
  assert.equal(pyFormat("echo %s", { a: "x", it: "it's", n: 5 }), `echo {'a': 'x', 'it': "it's", 'n': 5}`);
});

Deno.test("pyFormat() raises KeyError for a missing name", () => {
  const e = formatError("%(missing)s");
  assert.equal(e.kind, "key");
  assert.equal(e.key, "missing");
  assert.equal(e.pyType, "KeyError");
  assert.equal(e.message, "'missing'");
});

Deno.test("pyFormat() reports Python's format errors", () => {
  const cases: [string, string][] = [
    ["%", "incomplete format"],
    ["%(here)s %", "incomplete format"],
    ["%(here", "incomplete format key"],
    ["abcd %b", "unsupported format character 'b' (0x62) at index 6"],
    ["%(here)é", "unsupported format character '?' (0xe9) at index 7"],
    ["%(here)d", "%d format: a real number is required, not str"],
    ["%(here)x", "%x format: an integer is required, not str"],
    ["%(here)f", "must be real number, not str"],
    ["%d", "%d format: a real number is required, not dict"],
    ["%s %s", "not enough arguments for format string"],
    ["%*s", "* wants int"],
    ["%(process_num)*d", "not enough arguments for format string"],
    ["%(here)c", "%c requires int or char"],
    ["%(n)c", "%c arg not in range(0x110000)"],
  ];
  for (const [format, message] of cases) {
    const e = formatError(format, { ...EXP, n: 0x110000 });
    assert.equal(e.kind, "format", format);
    assert.equal(e.message, message, format);
  }
});

Deno.test("expandValue() words unknown names as supervisord does", () => {
  assert.throws(
    () => expandValue("%(foo)s", { b: "1", a: "2" }, "program:a.command"),
    (e: unknown) =>
      e instanceof ValueConversionError &&
      e.message ===
        "Format string '%(foo)s' for 'program:a.command' contains names ('foo') " +
          "which cannot be expanded. Available names: a, b",
  );
});

Deno.test("expandValue() words format errors as supervisord does", () => {
  assert.throws(
    () => expandValue("/bin/x %(here)d", EXP, "program:a.command"),
    {
      name: "ValueConversionError",
      message: "Format string '/bin/x %(here)d' for 'program:a.command' is badly formatted: " +
        "%d format: a real number is required, not str",
    },
  );
  assert.equal(expandValue("%(here)s", EXP, "supervisord.logfile"), "/etc/supervisor");
});
