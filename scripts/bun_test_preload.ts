/**
 * Preload for `bun test`: maps the `Deno.test` calls our test files make onto
 * `bun:test`, so one set of `*_test.ts` files runs under both runtimes.
 *
 * Test files may use `Deno.test(name, fn)`, `Deno.test(name, options, fn)` and
 * `Deno.test({ name, fn, ignore })`; everything else they need from the host
 * comes from `node:*` modules, which both runtimes provide.
 */
import { test } from "bun:test";

type TestFn = () => void | Promise<void>;
interface TestDef {
  name: string;
  fn: TestFn;
  ignore?: boolean;
}

function denoTest(
  a: string | TestDef,
  b?: TestFn | Partial<TestDef>,
  c?: TestFn,
): void {
  let def: TestDef;
  if (typeof a === "string") {
    if (typeof b === "function") def = { name: a, fn: b };
    else def = { ...(b ?? {}), name: a, fn: c as TestFn };
  } else {
    def = a;
  }
  if (def.ignore) test.skip(def.name, def.fn);
  else test(def.name, def.fn, 120_000);
}

const g = globalThis as unknown as { Deno?: { test?: unknown } };
if (g.Deno === undefined) g.Deno = { test: denoTest };
