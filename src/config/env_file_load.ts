/**
 * `[supervisord] env_file` (EXTENSIONS.md §5A): read at every load (start,
 * reload, reread), beneath `[supervisord] environment` and every program's
 * own keys. Unlike a program's files, a missing non-optional file fails the
 * load, since nothing would be read later.
 *
 * Python counterpart: none (supervisor/options.py `ServerOptions.read_config`
 * reads `[supervisord] environment`, the model for the merge).
 * @module
 */

import { EnvFileError, envFileRefs, readEnvFiles } from "./env_file.ts";
import { ValueConversionError } from "./errors.ts";
import { dirname, isAbs } from "./pypath.ts";
import { pyRepr } from "./pyrepr.ts";
import type { OptionReader } from "./_reader.ts";

/**
 * The variables of `[supervisord] env_file` (empty when unset). Warnings go
 * to `parseWarnings`; errors are `ValueConversionError`s naming the section.
 */
export function supervisordEnvFile(
  reader: OptionReader,
  here: string,
  configfile: string,
  readFile: (path: string) => Uint8Array,
  parseWarnings: string[],
): Record<string, string> {
  const file = reader.parser.sectionFile("supervisord");
  const where = ` in section 'supervisord' (file: ${pyRepr(file ?? configfile)})`;
  try {
    const base = file !== undefined && isAbs(file) ? dirname(file) : here;
    const refs = envFileRefs((key) => reader.get("supervisord", key, null, { here }), base);
    if (refs === null) return {};
    const got = readEnvFiles(refs, readFile);
    parseWarnings.push(...got.warnings);
    const out: Record<string, string> = {};
    for (const [k, v] of got.vars) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
    return out;
  } catch (e) {
    if (e instanceof EnvFileError || e instanceof ValueConversionError) {
      throw new ValueConversionError(e.message + where);
    }
    throw e;
  }
}
