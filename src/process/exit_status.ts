/**
 * How a child's end is reported: the `exitstatus` number (the exit code, or
 * -1 for a death by signal) and the status text supervisord puts in its log
 * lines (`exited: x (exit status 1; not expected)`, `stopped: x (terminated
 * by SIGTERM)`), per SURFACE PROC.status_text and DT.signame.
 *
 * Python counterpart: supervisor/options.py (`decode_wait_status`,
 * `signame`).
 * @module
 */

import { signalName, signalNumber } from "../config/datatypes.ts";
import type { ExitStatus } from "../runtime/types.ts";
import type { SpawnErrorKind } from "./exec_args.ts";

/**
 * How the last start or run of a process ended: the child's exit status,
 * or the spawn error that kept it from running (its kind; null when the
 * runtime's spawn itself failed).
 */
export type RunEnd = { status: ExitStatus } | { spawnError: SpawnErrorKind | null };

/** Python's `(exitstatus, msg)` pair from `decode_wait_status`. */
export interface DecodedStatus {
  /** The exit code, or -1 when a signal ended the child. */
  exitstatus: number;
  /** `exit status <n>`, `terminated by <SIGNAME>[ (core dumped)]`, … */
  text: string;
}

/**
 * Python `decode_wait_status` over a raw `waitpid()` status word, for
 * callers (and tests) that have one.
 *
 * @param sts The status word.
 * @returns The exit status and its text.
 */
export function decodeWaitStatus(sts: number): DecodedStatus {
  const termsig = sts & 0x7f;
  if (termsig === 0) {
    const es = (sts >> 8) & 0xff;
    return { exitstatus: es, text: `exit status ${es}` };
  }
  // WIFSIGNALED: ((sts & 0x7f) + 1) >> 1 > 0, i.e. not 0 and not 0x7f (stopped).
  if (termsig !== 0x7f) {
    const core = (sts & 0x80) !== 0 ? " (core dumped)" : "";
    return { exitstatus: -1, text: `terminated by ${signalName(termsig)}${core}` };
  }
  return { exitstatus: -1, text: `unknown termination cause 0x${hex4(sts)}` };
}

function hex4(n: number): string {
  return (n >>> 0).toString(16).padStart(4, "0");
}

/** A runtime signal name ("SIGTERM", "SIGIO") as a number, or undefined. */
function signalNumberOf(name: string): number | undefined {
  try {
    return signalNumber(name);
  } catch {
    return undefined;
  }
}

/**
 * Decodes the runtime's {@linkcode ExitStatus} the way Python decodes the
 * wait status: a normal exit gives `exit status <code>` (the code masked
 * to 0..255); a signal death gives -1 and `terminated by <SIGNAME>` with
 * supervisord's name for the number (so a runtime's `SIGIO` prints as
 * `SIGPOLL`, its `SIGIOT` as `SIGABRT`). The runtimes never report a core
 * dump, so ` (core dumped)` is never appended (a known gap, see
 * runtime/types.ts). A status with neither a code nor a signal (the runtime
 * could not learn how the child ended) decodes to -1 and `unknown
 * termination cause`, which Python never prints.
 *
 * @param status How the child ended, from `Child.exited`.
 * @returns The exit status number and its text.
 */
export function decodeExitStatus(status: ExitStatus): DecodedStatus {
  if (status.code !== null) return decodeWaitStatus((status.code & 0xff) << 8);
  if (status.signal !== null) {
    const num = signalNumberOf(status.signal);
    if (num !== undefined && num > 0 && num < 0x7f) return decodeWaitStatus(num);
    return { exitstatus: -1, text: `terminated by ${status.signal}` };
  }
  return { exitstatus: -1, text: "unknown termination cause" };
}
