/**
 * The runtime seam's process types: signal names and numbers, what
 * {@linkcode Runtime.spawn} takes, and the child it returns. `types.ts`
 * re-exports everything here; import from there.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions` fork/execve/
 * kill/waitpid façade) and the `signal` module's names.
 * @module
 */

import type { BoundSocket } from "./net_types.ts";

/** Linux signal numbers, SIGHUP..SIGSYS, by Python's `signal.Signals` name. */
export const SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

/** A signal name from {@linkcode SIGNALS}. */
export type SignalName = keyof typeof SIGNALS;

/** A signal by name or by number (numbers 1..31 map onto {@linkcode SIGNALS}). */
export type Signal = SignalName | number;

/** The signals supervisord handles for itself (SURFACE SIG.handled). */
export type HandledSignal =
  | "SIGCHLD"
  | "SIGHUP"
  | "SIGINT"
  | "SIGQUIT"
  | "SIGTERM"
  | "SIGUSR1"
  | "SIGUSR2";

/**
 * Returns the name of signal `n`, or undefined outside SIGHUP..SIGSYS.
 *
 * @param n The signal number.
 * @returns The name, e.g. `"SIGTERM"` for 15.
 */
export function signalName(n: number): SignalName | undefined {
  for (const [name, num] of Object.entries(SIGNALS)) {
    if (num === n) return name as SignalName;
  }
  return undefined;
}

/** How one standard stream of a child is connected. */
export type StdioMode = "pipe" | "null" | "inherit";

/** What to run and how; see {@linkcode Runtime.spawn}. */
export interface SpawnOptions {
  /**
   * The file to execute. The core resolves PATH and checks it first (Python
   * `get_execv_args`). A relative path is resolved against `cwd`, as Python's
   * `execve` after `chdir` does.
   */
  path: string;
  /** The complete argv, with argv[0] as the user wrote it (may differ from `path`). */
  argv: readonly string[];
  /** The complete environment; nothing of the parent's is inherited. */
  env: Readonly<Record<string, string>>;
  /** Directory to change to; failure prints supervisord's text and exits 127. */
  cwd?: string;
  /** User id to switch to (the runtime does setuid; needs root). */
  uid?: number;
  /** Group id to switch to (the runtime does setgid; needs root). */
  gid?: number;
  /**
   * Supplementary groups to set along with `uid` and `gid` (setgroups; needs
   * root). Applied through util-linux `setpriv` when it is installed; the
   * runtimes' own uid/gid switch clears them otherwise.
   */
  groups?: readonly number[];
  /** Umask to apply in the child; when absent the child inherits ours. */
  umask?: number;
  /** Soft RLIMIT_NOFILE for the child (`ulimit -Sn`), at most our hard limit; when absent it inherits ours. */
  nofileSoft?: number;
  /** Send stderr into the stdout pipe (dup2(stdout, 2)); `Child.stderr` is null. */
  redirectStderr?: boolean;
  /** Default "pipe". */
  stdin?: StdioMode;
  /** Default "pipe". */
  stdout?: StdioMode;
  /** Default "pipe"; ignored with `redirectStderr`. */
  stderr?: StdioMode;
  /**
   * A socket from {@linkcode Runtime.bindSocket} to give the child as its
   * fd 0 instead of a stdin pipe (an fcgi-program's listening socket, SURFACE
   * SPAWN.fds); `stdin` is then ignored and `Child.stdin` is null. The
   * socket stays open in this process.
   */
  stdinSocket?: BoundSocket;
}

/** How a child ended: exactly one of `code` and `signal` is non-null. */
export interface ExitStatus {
  /** Exit code when the child exited normally. */
  code: number | null;
  /** Signal name (e.g. "SIGTERM") when a signal killed the child. */
  signal: string | null;
}

/** A byte sink, e.g. a child's stdin pipe. */
export interface ByteWriter {
  /** Writes all of `data`; rejects (e.g. BrokenPipeError) once the reader is gone. */
  write(data: Uint8Array): Promise<void>;
  /** Closes the sink; the reader sees EOF. */
  close(): Promise<void>;
}

/** A running child process. */
export interface Child {
  /** The child's process id. */
  readonly pid: number;
  /** The stdin pipe, when `stdin` was "pipe". */
  readonly stdin: ByteWriter | null;
  /** The stdout pipe, when `stdout` was "pipe". */
  readonly stdout: ReadableStream<Uint8Array> | null;
  /** The stderr pipe, when `stderr` was "pipe" and stderr is not redirected. */
  readonly stderr: ReadableStream<Uint8Array> | null;
  /** Settles once the child is reaped; never rejects. */
  readonly exited: Promise<ExitStatus>;
}
