import assert from "node:assert/strict";
import { findViolations, isAllowed, stripSource } from "./check_seams.ts";

const lines = (src: string) => findViolations(src).map((v) => v.line);

Deno.test("isAllowed() admits exactly the adapters, the entry points and tests", () => {
  for (
    const p of [
      "src/runtime/deno.ts",
      "src/runtime/deno_http.ts",
      "src/runtime/bun_fs.ts",
      "src/main_bun.ts",
      "src/x/y_test.ts",
    ]
  ) {
    assert.equal(isAllowed(p), true, p);
  }
  for (
    const p of [
      "src/runtime/types.ts",
      "src/runtime/_bun_types.d.ts",
      "src/cli.ts",
      "src/runtime/x/deno.ts",
      "src/main.ts",
    ]
  ) {
    assert.equal(isAllowed(p), false, p);
  }
});

Deno.test("findViolations() flags host globals and node: imports in code", () => {
  const src = [
    'import fs from "node:fs";',
    "Deno.exit(1);",
    "const x = Bun?.main;",
    "globalThis.process.env;",
    'const m = await import("node:os");',
    "const t = `${Deno.pid}`;",
    'export * from "node:path";',
    'if (/"/.test(s)) process.exit();',
  ].join("\n");
  assert.deepEqual(lines(src), [1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("findViolations() ignores comments, strings, templates and property names", () => {
  const src = [
    "// Deno.exit(1) and the child process.",
    "/* process.env and",
    '   import x from "node:fs" */',
    'const a = "Deno.exit";',
    "const b = 'from \"node:fs\"';",
    "const c = `process.env ${1 + 1} Bun.spawn`;",
    "child.process.pid;",
    "const isBun = typeof (globalThis as { Bun?: unknown }).Bun;",
    "const ratio = a / b; const re = /Deno\\./;",
  ].join("\n");
  assert.deepEqual(lines(src), []);
});

Deno.test("stripSource() keeps line structure and blanks only non-code", () => {
  const src = 'a("x") // c\n`t${b}u`';
  const { code, withStrings } = stripSource(src);
  assert.equal(code.length, src.length);
  assert.equal(code, 'a(" ")     \n` ${b} `');
  assert.equal(withStrings, 'a("x")     \n`t${b}u`');
});
