/**
 * Deletes the AUTO child logs of an earlier run (SURFACE LOG.child.cleanup):
 * every entry of childlogdir whose name matches, anchored at the start only,
 * `.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}` with the identifier inserted
 * unescaped (so it is a regular expression, as in Python; one that is not
 * valid makes the call throw a SyntaxError). Failures are logged at WARN
 * with Python's texts (MLOG.cleanup) and the cleanup goes on.
 *
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.clear_autochildlogdir`).
 * @module
 */

import { join } from "../config/pypath.ts";
import { pyRepr } from "../config/pyrepr.ts";
import type { Runtime } from "../runtime/types.ts";
import type { Logger } from "./types.ts";

/**
 * The pattern AUTO log names are matched with, anchored at the start like
 * Python's `re.match`. Since the tail `\.{0,1}\d{0,4}` may match nothing, a
 * name matches when it has `<something>---<identifier>-<non-space>.log`
 * anywhere after its first character.
 *
 * @param identifier The `[supervisord] identifier`, used as regex source.
 */
export function autoChildLogPattern(identifier: string): RegExp {
  // `[^\n]` is Python's `.` (without DOTALL); JavaScript's `.` also stops at \r, U+2028 and U+2029.
  return new RegExp(`^(?:[^\\n]+?---${identifier}-\\S+\\.log\\.{0,1}\\d{0,4})`);
}

/**
 * Removes the AUTO child logs of `identifier` from `childlogdir`. Logs
 * `Could not clear childlog dir` when the directory cannot be listed and
 * `Failed to clean up '<path>'` for each entry that cannot be removed
 * (directories included: like `os.remove`, only files are removed).
 *
 * @param rt The runtime (file system).
 * @param logger The main log.
 * @param childlogdir `[supervisord] childlogdir`.
 * @param identifier `[supervisord] identifier`.
 */
export function cleanupAutoChildLogs(rt: Runtime, logger: Logger, childlogdir: string, identifier: string): void {
  const pattern = autoChildLogPattern(identifier);
  let names: string[];
  try {
    names = rt.fs.readDirSync(childlogdir);
  } catch {
    logger.warn("Could not clear childlog dir");
    return;
  }
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const path = join(childlogdir, name);
    try {
      rt.fs.unlinkSync(path);
    } catch {
      logger.warn(`Failed to clean up ${pyRepr(path)}`);
    }
  }
}
