/**
 * `[supervisord] shell_expansion = true` (EXTENSIONS.md §5B): shell-style
 * `${…}` references in every value of every section the daemon reads,
 * expanded once after the files are read and before supervisord's own
 * `%(...)s` expansion.
 *
 * Forms: `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`,
 * `${NAME?message}`, `${NAME:+alt}`, `${NAME+alt}`, and `$$` for a literal `$`.
 * A bare `$NAME` (shell code in `command=`) is left alone. An unset variable
 * without a default is a load error naming it, never an empty string. A
 * value taken from the environment has its `%` doubled, so `%(...)s`
 * expansion leaves it as it is; a default is config text like the rest of
 * the line. Off (the default), `${PORT}` stays literal, as in Python.
 *
 * Python counterpart: none (Supervisor/supervisor#838; Docker Compose's
 * interpolation is the model).
 * @module
 */

import { boolean } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import type { IniParser } from "./ini.ts";

/** Where a variable's value comes from: the daemon's environment first, then `[supervisord] env_file`. */
export type ShellLookup = (name: string) => string | undefined;

const REF = /\$\$|\$\{([^}]*)\}|\$\{/g;
const FORM = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/**
 * Expands the `${…}` references of one value.
 *
 * @param value The raw value.
 * @param lookup The variables.
 * @param where `section.key`, for errors.
 * @throws {ValueConversionError} On an unset variable without a default, a
 *   `?` form whose variable is unset (or empty with `:?`), a nested `${`, or
 *   a malformed reference.
 *
 * @example
 * ```ts
 * expandShell("web --port ${PORT:-8080} $HOME", () => undefined, "program:web.command");
 * // "web --port 8080 $HOME"
 * ```
 */
export function expandShell(value: string, lookup: ShellLookup, where: string): string {
  return value.replace(REF, (ref: string, body: string | undefined) => {
    if (ref === "$$") return "$";
    if (body === undefined) throw new ValueConversionError(`unterminated ${ref} in '${where}'`);
    const m = FORM.exec(body);
    if (m === null) throw new ValueConversionError(`bad substitution '${ref}' in '${where}'`);
    const [, name, op, word = ""] = m as unknown as [string, string, string | undefined, string | undefined];
    if (word.includes("${")) throw new ValueConversionError(`nested \${…} in '${ref}' in '${where}' is not supported`);
    const raw = lookup(name);
    const set = raw !== undefined;
    const nonEmpty = set && raw !== "";
    const own = (v: string) => v.replaceAll("%", "%%");
    switch (op) {
      case undefined:
        if (!set) throw new ValueConversionError(`${ref} in '${where}': ${name} is not set (use \${${name}:-default})`);
        return own(raw);
      case ":-":
        return nonEmpty ? own(raw) : word;
      case "-":
        return set ? own(raw) : word;
      case ":?":
      case "?":
        if (op === ":?" ? nonEmpty : set) return own(raw!);
        throw new ValueConversionError(
          `${ref} in '${where}': ${word !== "" ? word : `${name} is ${op === ":?" ? "empty or " : ""}not set`}`,
        );
      case ":+":
        return nonEmpty ? word : "";
      default:
        return set ? word : "";
    }
  });
}

/** The `shell_expansion` key of `[supervisord]`, read raw (it is needed before any other key). */
export function shellExpansionOn(parser: IniParser): boolean {
  const raw = parser.get("supervisord", "shell_expansion");
  return raw === undefined ? false : boolean(raw);
}

/**
 * Expands, in place, every value of `only` sections, or by default of every
 * section except `[supervisorctl]` (which the stock client reads) and
 * `[include]` (already applied).
 */
export function applyShellExpansion(parser: IniParser, lookup: ShellLookup, only?: readonly string[]): void {
  for (const section of parser.sections()) {
    if (only !== undefined ? !only.includes(section) : section === "supervisorctl" || section === "include") continue;
    for (const key of parser.options(section)) {
      const value = parser.get(section, key);
      if (value === undefined || !value.includes("$")) continue;
      parser.set(section, key, expandShell(value, lookup, `${section}.${key}`));
    }
  }
}
