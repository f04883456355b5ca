/**
 * One shape for the ways a dynamic `import()` fails, whichever runtime ran
 * it: a module that does not parse becomes a SyntaxError whose message ends
 * in `(path:line:column)`, a module that cannot be found a NotFoundError
 * (`Cannot find module '…'`), each on one line and without terminal
 * colours. Anything else (what the module itself threw) passes unchanged.
 *
 * Deno reports both as a TypeError with code `ERR_MODULE_NOT_FOUND` and a
 * multi-line, coloured message; Bun as a `BuildMessage` (with `position`)
 * or a `ResolveMessage`.
 *
 * Python counterpart: none (Python reports an import failure as
 * `ImportError`; supervisord turns it into a config error).
 * @module
 */

import { NotFoundError } from "./errors.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const AT = /^\s*at (file:\/\/\S+?):(\d+):(\d+)\s*$/;

interface BunPosition {
  file: string;
  line: number;
  column: number;
}

/** The error to report for an `import()` of `path` that rejected with `e`. */
export function importFailure(e: unknown, path: string): unknown {
  if (!(e instanceof Error)) return e;
  if (e.name === "BuildMessage") {
    const pos = (e as Error & { position?: BunPosition | null }).position;
    return new SyntaxError(pos ? `${e.message} (${pos.file}:${pos.line}:${pos.column})` : e.message, { cause: e });
  }
  if (e.name === "ResolveMessage") return new NotFoundError(e.message, { cause: e });
  if ((e as Error & { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") return e;
  const lines = e.message.replace(ANSI, "").split("\n");
  const head = lines[0] ?? "";
  const at = lines.map((l) => AT.exec(l)).find((m) => m !== null);
  const where = at ? `${filePath(at[1]!)}:${at[2]}:${at[3]}` : path;
  if (head.startsWith("SyntaxError: ")) {
    return new SyntaxError(`${head.slice("SyntaxError: ".length)} (${where})`, { cause: e });
  }
  const missing = /^Module not found "([^"]+)"/.exec(head);
  const name = missing ? filePath(missing[1]!) : path;
  return new NotFoundError(`Cannot find module '${name}'${at ? ` imported from ${where}` : ""}`, { cause: e });
}

function filePath(url: string): string {
  return url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
}

/** The `file:` URL of absolute `path` (`?` and `#` in names escaped). */
export function fileUrl(path: string): URL {
  const url = new URL("file:///");
  url.pathname = path;
  return url;
}
