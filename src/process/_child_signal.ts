/**
 * Sending a signal to a process's child (or its process group), with
 * supervisord's log lines for a child that already exited and for any other
 * failure. `Subprocess.kill` and `Subprocess.signal` do the state changes
 * around it.
 *
 * Python counterpart: supervisor/process.py (the `options.kill` calls of
 * `Subprocess.kill` and `Subprocess.signal` and their `except` branches).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import type { Runtime } from "../runtime/types.ts";
import { NoSuchProcessError } from "../runtime/errors.ts";

/** Whose child gets the signal. */
export interface SignalTarget {
  /** The process name. */
  readonly name: string;
  /** The child's pid (log lines). */
  readonly pid: number;
  readonly runtime: Runtime;
  readonly logger: Logger;
}

/**
 * Sends `sig` to `pid` (negative: the process group). Returns null when it
 * was sent or the child had already exited, else the text of the unknown
 * problem, which is logged as critical.
 */
export function signalChild(
  target: SignalTarget,
  pid: number,
  sig: number,
  what: "killing" | "sending sig",
): string | null {
  try {
    target.runtime.kill(pid, sig);
  } catch (e) {
    if (e instanceof NoSuchProcessError) {
      const just = what === "killing" ? "just" : "just now";
      target.logger.debug(
        `unable to signal ${target.name} (pid ${target.pid}), it probably ${just} exited on its own: ${e.message}`,
      );
      return null;
    }
    const msg = `unknown problem ${what} ${target.name} (${target.pid}):${e instanceof Error ? e.stack : String(e)}`;
    target.logger.critical(msg);
    return msg;
  }
  return null;
}
