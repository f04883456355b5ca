/**
 * `importModule` for the Deno adapter: `import()` of the file's URL. Deno
 * keeps one instance per URL, so a fresh import adds a query that names a
 * new generation.
 *
 * Python counterpart: none (supervisord imports factories with
 * `pkg_resources`).
 * @module
 */

import { NotFoundError } from "./errors.ts";
import { fileUrl, importFailure } from "./_import_error.ts";

let generation = 0;
const imported = new Set<string>();

/** Imports the module at absolute `path`; see `Runtime.importModule`. */
export async function denoImportModule(
  path: string,
  opts: { fresh?: boolean } = {},
): Promise<Record<string, unknown>> {
  try {
    if (!(await Deno.stat(path)).isFile) throw new NotFoundError(`Cannot find module '${path}'`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new NotFoundError(`Cannot find module '${path}'`, { cause: e });
    throw e;
  }
  const url = fileUrl(path);
  // The first import of a path needs no query (stack traces then show the plain file URL).
  if (opts.fresh && imported.has(path)) url.search = `?generation=${++generation}`;
  imported.add(path);
  try {
    return await import(url.href);
  } catch (e) {
    throw importFailure(e, path);
  }
}
