/**
 * Contract suite, `importModule`: TypeScript and JavaScript modules outside
 * the program (as plugins are), a fresh import after the file changed, and
 * one error shape per failure (missing file, missing import, syntax error,
 * a module that throws) on every runtime.
 *
 * Python counterpart: the `pkg_resources` import supervisor/options.py
 * does for `supervisor.rpcinterface_factory` (`import_spec`).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import { NotFoundError } from "./errors.ts";
import { type ContractCase, withTempDir } from "./_contract_util.ts";

const TS_MODULE = `import { twice } from "./helper.ts";
interface Options { factor: number }
export const version: number = VERSION;
export function scale(n: number, o: Options = { factor: 1 }): number { return twice(n) * o.factor; }
`;

/** The import cases (the fake runtime serves modules from memory and is skipped). */
export const importCases: ContractCase[] = [
  ["importModule loads a TypeScript module and its imports; fresh evaluates it again", async (rt) => {
    if (rt.name === "fake") return;
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/helper.ts`, "export const twice = (n: number): number => n * 2;\n");
      await rt.fs.writeTextFile(`${dir}/plug in.ts`, TS_MODULE.replace("VERSION", "1"));
      const first = await rt.importModule(`${dir}/plug in.ts`);
      assert.equal(first.version, 1);
      assert.equal((first.scale as (n: number, o: { factor: number }) => number)(3, { factor: 5 }), 30);
      assert.equal(await rt.importModule(`${dir}/plug in.ts`), first, "a second import is the same module");
      await rt.fs.writeTextFile(`${dir}/plug in.ts`, TS_MODULE.replace("VERSION", "2"));
      const second = await rt.importModule(`${dir}/plug in.ts`, { fresh: true });
      assert.equal(second.version, 2, "a fresh import sees the edited file");
      assert.equal(first.version, 1, "the earlier instance is unchanged");
    });
  }],
  ["importModule loads .js and .mjs modules", async (rt) => {
    if (rt.name === "fake") return;
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/a.js`, "export const kind = 'js';\n");
      await rt.fs.writeTextFile(`${dir}/b.mjs`, "export default function b() { return 'mjs'; }\n");
      assert.equal((await rt.importModule(`${dir}/a.js`)).kind, "js");
      assert.equal(((await rt.importModule(`${dir}/b.mjs`)).default as () => string)(), "mjs");
    });
  }],
  ["importModule failures: missing file or import, syntax error, a module that throws", async (rt) => {
    if (rt.name === "fake") return;
    await withTempDir(rt, async (dir) => {
      await assert.rejects(
        rt.importModule(`${dir}/none.ts`),
        (e) => e instanceof NotFoundError && e.message === `Cannot find module '${dir}/none.ts'`,
      );
      await rt.fs.writeTextFile(`${dir}/dep.ts`, 'import "./gone.ts";\nexport const x = 1;\n');
      await assert.rejects(
        rt.importModule(`${dir}/dep.ts`),
        (e) => e instanceof NotFoundError && e.message.startsWith("Cannot find module '") && !e.message.includes("\n"),
      );
      await rt.fs.writeTextFile(`${dir}/bad.ts`, "export const v = ;\n");
      await assert.rejects(
        rt.importModule(`${dir}/bad.ts`),
        (e) => e instanceof SyntaxError && e.message.endsWith(`(${dir}/bad.ts:1:18)`) && !e.message.includes("\n"),
      );
      await rt.fs.writeTextFile(`${dir}/throws.mjs`, "throw new RangeError('no thanks');\n");
      await assert.rejects(
        rt.importModule(`${dir}/throws.mjs`),
        (e) => e instanceof RangeError && e.message === "no thanks",
      );
    });
  }],
];
