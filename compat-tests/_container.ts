/**
 * Shared pieces of the container-mode tests: a daemon whose stdout is a
 * real pipe (under Bun, `node:child_process` gives children socket pairs,
 * which `/dev/stdout` cannot be opened on), signalled through its pidfile.
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";

/**
 * A prefix for `ForegroundDaemon` that runs the daemon with its stdout on a
 * pipe read by `cat`; the exit status is the daemon's (pipefail).
 */
export const PIPED: string[] = ["/bin/bash", "-c", 'set -o pipefail; "$@" | cat', "piped"];

/** Sends `signal` to the daemon whose pid is in `pidfile` (the wrapper shell would not pass it on). */
export function signalFromPidfile(pidfile: string, signal: NodeJS.Signals): void {
  process.kill(Number(readFileSync(pidfile, "utf8").trim()), signal);
}
