/**
 * What a process waiting out a backoff delay says about it (EXTENSIONS.md
 * §4): supervisord's description with the time left added, only for a
 * program whose restart policy is a {@linkcode BackoffPolicy}. XML-RPC
 * changes only in this free text; our ctl and the web UI show it as they
 * show any description.
 *
 * Python counterpart: supervisor/rpcinterface.py (`_interpretProcessInfo`,
 * the BACKOFF and EXITED descriptions this extends).
 * @module
 */

import { ProcessState } from "../states.ts";
import { BackoffPolicy } from "./backoff_policy.ts";
import type { Subprocess } from "./subprocess.ts";
import type { Supervisor } from "./supervisor.ts";

/**
 * The description of a process waiting out a backoff delay: supervisord's
 * text with `; retry 4 in 8.0s` (BACKOFF) or `; restarting in 8.0s` (EXITED
 * with a restart pending) added; `base` unchanged otherwise.
 *
 * @param proc The process.
 * @param base supervisord's description.
 * @param now Monotonic ms.
 */
export function describeBackoff(proc: Subprocess, base: string, now: number): string {
  const at = pendingStartAt(proc);
  const policy = proc.policy;
  if (at === null || !(policy instanceof BackoffPolicy) || !policy.extended) return base;
  const left = `${(Math.max(0, at - now) / 1000).toFixed(1)}s`;
  return proc.state === ProcessState.BACKOFF
    ? `${base}; retry ${policy.failures} in ${left}`
    : `${base}; restarting in ${left}`;
}

/**
 * When a process's pending automatic start is due (monotonic ms): a retry
 * in BACKOFF, or a restart while EXITED; null when none is pending.
 */
export function pendingStartAt(proc: Subprocess): number | null {
  const policy = proc.policy;
  if (!(policy instanceof BackoffPolicy) || policy.nextAt === null) return null;
  const waiting = proc.state === ProcessState.BACKOFF || (proc.state === ProcessState.EXITED && proc.restartPending);
  return waiting ? policy.nextAt : null;
}

/** Adds the backoff descriptions to the engine's describers; returns the function that removes them. */
export function installBackoffDescriptions(sup: Supervisor): () => void {
  const clock = sup.host.runtime.clock;
  return sup.addDescriber((proc, base) => describeBackoff(proc, base, clock.monotonic()));
}
