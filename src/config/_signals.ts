/**
 * Signal names and numbers as supervisord reads and prints them (Linux
 * values of Python's `signal` module).
 *
 * Python counterpart: supervisor/datatypes.py (`signal_number`, `SIGNUMS`)
 * and supervisor/options.py (`signame`).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";
import { pyParseInt, pyStrip } from "./_pytext.ts";

/**
 * Every attribute of Python's `signal` module whose name starts with `SIG`,
 * with its value. `SIG_DFL`/`SIG_IGN` (handlers) and `SIG_BLOCK`/
 * `SIG_UNBLOCK`/`SIG_SETMASK` (sigprocmask modes) are reachable by name
 * too, because supervisord looks names up with `getattr(signal, name)`.
 */
const SIGNALS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ["SIGHUP", 1],
  ["SIGINT", 2],
  ["SIGQUIT", 3],
  ["SIGILL", 4],
  ["SIGTRAP", 5],
  ["SIGABRT", 6],
  ["SIGIOT", 6],
  ["SIGBUS", 7],
  ["SIGFPE", 8],
  ["SIGKILL", 9],
  ["SIGUSR1", 10],
  ["SIGSEGV", 11],
  ["SIGUSR2", 12],
  ["SIGPIPE", 13],
  ["SIGALRM", 14],
  ["SIGTERM", 15],
  ["SIGSTKFLT", 16],
  ["SIGCHLD", 17],
  ["SIGCLD", 17],
  ["SIGCONT", 18],
  ["SIGSTOP", 19],
  ["SIGTSTP", 20],
  ["SIGTTIN", 21],
  ["SIGTTOU", 22],
  ["SIGURG", 23],
  ["SIGXCPU", 24],
  ["SIGXFSZ", 25],
  ["SIGVTALRM", 26],
  ["SIGPROF", 27],
  ["SIGWINCH", 28],
  ["SIGIO", 29],
  ["SIGPOLL", 29],
  ["SIGPWR", 30],
  ["SIGSYS", 31],
  ["SIGRTMIN", 34],
  ["SIGRTMAX", 64],
  ["SIG_DFL", 0],
  ["SIG_IGN", 1],
  ["SIG_BLOCK", 0],
  ["SIG_UNBLOCK", 1],
  ["SIG_SETMASK", 2],
]);

/** The numbers supervisord accepts: every value in the table above. */
const SIGNUMS: ReadonlySet<number> = new Set(SIGNALS_BY_NAME.values());

/**
 * The name `signame()` prints for each number. Where Python has aliases the
 * one defined last in the `signal` module wins (SIGABRT, SIGCHLD, SIGPOLL).
 */
const NAMES_BY_NUMBER: ReadonlyMap<number, string> = new Map(
  [...SIGNALS_BY_NAME]
    .filter(([name]) => !name.startsWith("SIG_"))
    .filter(([name]) => !["SIGIOT", "SIGCLD", "SIGIO"].includes(name))
    .map(([name, num]) => [num, name]),
);

/**
 * DT.signal: a signal number or name (`TERM`, `sigterm`, ` SIGHUP `).
 * Numbers must be known signal numbers (0–31, 34, 64 on Linux).
 */
export function signalNumber(s: string): number {
  let num: number;
  try {
    num = Number(pyParseInt(s));
  } catch {
    let name = pyStrip(s).toUpperCase();
    if (!name.startsWith("SIG")) name = "SIG" + name;
    const found = SIGNALS_BY_NAME.get(name);
    if (found === undefined) {
      throw new ValueConversionError(
        `value ${pyRepr(s)} is not a valid signal name`,
      );
    }
    num = found;
  }
  if (!SIGNUMS.has(num)) {
    throw new ValueConversionError(
      `value ${pyRepr(s)} is not a valid signal number`,
    );
  }
  return num;
}

/** DT.signame: `SIGTERM` for 15; `signal 35` where Linux has no name. */
export function signalName(n: number): string {
  return NAMES_BY_NUMBER.get(n) ?? `signal ${n}`;
}
