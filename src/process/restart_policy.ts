/**
 * When a process is started again on its own: after a failed start (the
 * backoff retries and when to give up) and after an exit from RUNNING
 * (autorestart). A {@linkcode Subprocess} asks its policy at those two
 * moments and keeps no schedule of its own.
 *
 * The default reproduces supervisord exactly: retry `n` comes `n` seconds
 * after the `n`th failed start (1 s, 2 s, 3 s…), the process gives up
 * (FATAL) once more than `startretries` starts have failed in a row, and an
 * exit from RUNNING is followed at once by a new start when `autorestart`
 * asks for one (`true`, or `unexpected` with an exit code not in
 * `exitcodes`).
 *
 * Python counterpart: supervisor/process.py (`Subprocess.change_state`'s
 * backoff delay, the BACKOFF and EXITED branches of `transition`,
 * `_check_and_adjust_for_system_clock_rollback` aside).
 * @module
 */

import type { ProcessConfig } from "../config/schema.ts";

/** What a process asks before starting again on its own. Delays are milliseconds. */
export interface RestartPolicy {
  /**
   * A start failed for the `attempt`th time in a row: the process entered
   * BACKOFF (`attempt` counts from 1; events report it as `tries`).
   *
   * @returns How long to wait before the next try, or null to give up (the
   *   process goes to FATAL).
   */
  retryDelay(attempt: number): number | null;
  /**
   * The process exited after reaching RUNNING, with exit code `exitstatus`
   * (null when it was not an exit code), `uptime` milliseconds after it was
   * started.
   *
   * @returns How long to wait before starting it again, or null to leave
   *   it EXITED.
   */
  restartDelay(exitstatus: number | null, uptime: number): number | null;
}

/** The config keys supervisord's own policy reads. */
export type RestartConfig = Pick<ProcessConfig, "startretries" | "autorestart" | "exitcodes">;

/** supervisord's policy for a process config (see the module documentation). */
export function defaultRestartPolicy(config: RestartConfig): RestartPolicy {
  return {
    retryDelay: (attempt) => (attempt > config.startretries ? null : attempt * 1000),
    restartDelay: (exitstatus) => {
      const auto = config.autorestart;
      if (auto === true) return 0;
      if (auto === "unexpected" && !config.exitcodes.includes(exitstatus ?? -1)) return 0;
      return null;
    },
  };
}
