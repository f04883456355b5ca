/**
 * `[supervisord] statefile = PATH` (EXTENSIONS.md §7): where the daemon
 * remembers operator stops. `%(here)s` is expanded as in other keys, `~` is
 * the home directory, a relative path is relative to the config file's
 * directory, and the directory must exist.
 *
 * Python counterpart: none (supervisor/datatypes.py `existing_dirpath`, as
 * `pidfile` uses it, is the model).
 * @module
 */

import type { PathProbe } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { abspath, dirname, expandUser } from "./pypath.ts";
import { pyRepr } from "./pyrepr.ts";

/** The absolute statefile path, or null when the key is unset or empty. */
export function statefilePath(raw: string | null, here: string, probe: PathProbe): string | null {
  const text = raw?.trim() ?? "";
  if (text === "") return null;
  const path = abspath(expandUser(text, probe.home), here);
  const dir = dirname(path);
  if (!probe.isDirectory(dir)) throw new ValueConversionError(`statefile directory ${pyRepr(dir)} does not exist`);
  return path;
}
