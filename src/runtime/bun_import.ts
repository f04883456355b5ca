/**
 * `importModule` for the Bun adapter: `import()` of the path, which works
 * from a `bun build --compile` binary too (Bun transpiles TypeScript at
 * run time). Bun keeps one instance per path whatever the query, so a fresh
 * import first drops the module from the loader's cache (`require.cache`,
 * which Bun shares between CommonJS and ES modules).
 *
 * Python counterpart: none (supervisord imports factories with
 * `pkg_resources`).
 * @module
 */

import { stat } from "node:fs/promises";
import { NotFoundError } from "./errors.ts";
import { importFailure } from "./_import_error.ts";

/** Imports the module at absolute `path`; see `Runtime.importModule`. */
export async function bunImportModule(
  path: string,
  opts: { fresh?: boolean } = {},
): Promise<Record<string, unknown>> {
  if (!((await stat(path).catch(() => null))?.isFile() ?? false)) {
    throw new NotFoundError(`Cannot find module '${path}'`);
  }
  if (opts.fresh) {
    const cache = (import.meta as unknown as { require: { cache: Record<string, unknown> } }).require.cache;
    delete cache[path];
  }
  try {
    return await import(path);
  } catch (e) {
    throw importFailure(e, path);
  }
}
