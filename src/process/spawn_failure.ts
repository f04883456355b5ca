/**
 * The spawnerr text for a child that could not be created at all (SURFACE
 * PROC.spawnerr, the pipe and fork half): `Runtime.spawn()` threw.
 *
 * Python makes the pipes and forks in two steps with two message families;
 * our runtimes do both inside one `spawn()` call, so the errno decides which
 * family applies: EMFILE (pipe creation, `make_dispatchers`) gives `too many
 * open files to spawn '<name>'`; ENFILE, which in Python can only come from
 * pipe creation too, gives `unknown error making dispatchers for '<name>':
 * ENFILE`; EAGAIN (`fork`) gives `Too many processes in process table to
 * spawn '<name>'`; anything else `unknown error during fork for '<name>':
 * <ERRNO>`.
 *
 * Python counterpart: supervisor/process.py (`Subprocess.spawn`, the
 * `make_dispatchers` and `options.fork()` error branches).
 * @module
 */

import { RuntimeError } from "../runtime/types.ts";

/**
 * Python's `errno.errorcode.get(code, code)`: the symbolic name, or the
 * number when there is none; "UNKNOWN" when the host gave neither.
 */
function errnoText(error: unknown): string {
  if (error instanceof RuntimeError) {
    if (error.code !== "UNKNOWN") return error.code;
    return error.errno !== 0 ? String(error.errno) : "UNKNOWN";
  }
  return "UNKNOWN";
}

/**
 * The spawnerr text for an error `Runtime.spawn()` threw.
 *
 * @param processName The process name (`ProcessConfig.name`), printed
 *   verbatim between single quotes as Python's `'%s'` does.
 * @param error What `spawn()` threw: normally a {@linkcode RuntimeError}
 *   carrying the errno name; anything else reads as errno `UNKNOWN`.
 * @returns The text to log as `spawnerr: <text>` and record as spawnerr.
 */
export function spawnFailureText(processName: string, error: unknown): string {
  const code = errnoText(error);
  switch (code) {
    case "EMFILE":
      return `too many open files to spawn '${processName}'`;
    case "ENFILE":
      return `unknown error making dispatchers for '${processName}': ${code}`;
    case "EAGAIN":
      return `Too many processes in process table to spawn '${processName}'`;
    default:
      return `unknown error during fork for '${processName}': ${code}`;
  }
}

/**
 * The spawnerr text when a process's log files could not be opened for a new
 * run (Python `make_dispatchers` raising OSError).
 *
 * @param processName The process name.
 * @param error What `ChildOutput.open()` threw.
 */
export function dispatcherFailureText(processName: string, error: unknown): string {
  const code = errnoText(error);
  if (code === "EMFILE") return `too many open files to spawn '${processName}'`;
  return `unknown error making dispatchers for '${processName}': ${code}`;
}
