/**
 * The runtime seam: every effect the core has on the host (processes,
 * signals, files, sockets, time, the process's own identity) goes through one
 * injected {@linkcode Runtime} object. Adapters for Deno (`deno.ts`) and Bun
 * (`bun.ts`) implement it; `fake.ts` implements it in memory for unit tests.
 *
 * How children start. Every adapter runs a child through the exec shim
 * (`exec_shim.ts`): `/bin/sh -c <script>` ignores SIGPIPE and SIGXFSZ, applies
 * the umask, changes directory (printing supervisord's failure text), merges
 * stderr into stdout when asked, then `exec`s the program. The child is
 * started in a new session (`setsid`, the runtimes' `detached` option) rather
 * than with supervisord's `setpgrp()`; either way its process group id equals
 * its pid, so `kill(-pid)` reaches the whole group; unlike Python's children
 * they have no controlling terminal. A child's stdin, stdout and stderr are
 * pipes, as Python's `make_pipes` makes them, so it can open `/dev/stdout`
 * or `/proc/self/fd/2` (Bun's own spawn would give socket pairs; bun_pipe.ts
 * makes the pipes through FFI).
 *
 * Resource limits (`minfds`/`minprocs`, SURFACE DAEMON.rlimits) are read and
 * set with getrlimit/setrlimit through each runtime's FFI (libc.so.6), with
 * /proc/self/limits and util-linux `prlimit` as the fallback; see
 * {@linkcode Runtime.getRlimit}. Both Deno and Bun raise their own soft
 * RLIMIT_NOFILE to the hard limit when they start (as Node does) and the
 * value from before is lost; the core takes it from a record in the
 * environment and gives children Python's soft limit through
 * `SpawnOptions.nofileSoft` (daemon_rlimits.ts). RLIMIT_NPROC is untouched.
 *
 * Switching user: the runtimes' own uid/gid switch clears the supplementary
 * groups, so when `SpawnOptions.groups` is given and util-linux `setpriv` is
 * installed, the shim is started through `setpriv`, which sets uid, gid and
 * the groups Python sets; without `setpriv` the child has no supplementary
 * groups.
 *
 * fcgi-program sockets: `bindSocket` creates a close-on-exec stream socket
 * through libc (FFI on both runtimes); a child given it as
 * `SpawnOptions.stdinSocket` gets it as fd 0, which the exec shim keeps for
 * the program. Bun's spawn takes the descriptor; Deno's cannot, so the Deno
 * adapter puts the socket on its own fd 0 for the synchronous spawn call and
 * restores fd 0 right after (deno_socket.ts).
 *
 * Orphans: the runtimes wait only for the children they started, so
 * `reapOrphans` lists the other zombie children in /proc and waits for each
 * by pid (libc `waitpid` through FFI; see _orphans.ts); Python's
 * `waitpid(-1)` would take the runtimes' own children too.
 *
 * Known gaps on both runtimes (documented once, here): the open-files soft
 * limit above when nothing recorded it, no `fork()`, no "core dumped" flag in exit statuses. Per runtime: Deno cannot send signals beyond
 * SIGSYS, and its children start with the glibc-internal signals 32 and 33
 * ignored too. The exec shim's own residual differences are listed in
 * exec_shim.ts.
 *
 * Python counterpart: supervisor/options.py (the `ServerOptions` syscall
 * façade: fork/execve/kill/waitpid/setpgrp/umask/chdir/stat) and
 * supervisor/poller.py; child exit arrives on {@linkcode Child.exited}
 * instead of SIGCHLD + waitpid.
 * @module
 */

export {
  AddressInUseError,
  AddressLookupError,
  AlreadyExistsError,
  BrokenPipeError,
  ConnectionRefusedError,
  IsADirectoryError,
  NoSuchProcessError,
  NotADirectoryError,
  NotFoundError,
  PermissionDeniedError,
  RuntimeError,
} from "./errors.ts";

export * from "./spawn_types.ts";
export * from "./net_types.ts";
export * from "./fs_types.ts";

import type { Child, ExitStatus, HandledSignal, Signal, SpawnOptions } from "./spawn_types.ts";
import type { BoundSocket, Endpoint, Handler, Listener } from "./net_types.ts";
import type { FileSystem } from "./fs_types.ts";

/** Wall and monotonic time plus timers, so tests can drive time. */
export interface Clock {
  /** Wall-clock ms since the epoch (API timestamps, log lines). */
  now(): number;
  /** Monotonic ms from an arbitrary origin (startsecs, backoff, stopwaitsecs). */
  monotonic(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): number;
  /** Cancels a timer; unknown ids are ignored. */
  clearTimeout(id: number): void;
}

/** A running watch from {@linkcode Runtime.watch}. */
export interface FileWatcher {
  /** Stops the watch; no callback runs afterwards. Later calls do nothing. */
  close(): void;
}

/** A resource limit the core manages: RLIMIT_NOFILE (`minfds`) or RLIMIT_NPROC (`minprocs`). */
export type RlimitResource = "nofile" | "nproc";

/**
 * The value that stands for "unlimited" (RLIM_INFINITY) in {@linkcode Rlimit},
 * as in Python's `resource` module on Linux.
 */
export const RLIM_INFINITY: number = -1;

/** Soft and hard values of one resource limit; {@linkcode RLIM_INFINITY} (-1) means unlimited. */
export interface Rlimit {
  /** The soft limit; -1 for unlimited. */
  soft: number;
  /** The hard limit; -1 for unlimited. */
  hard: number;
}

/** A standard stream of this process. */
export interface OutputStream {
  /** Writes all of `data` before returning. */
  write(data: Uint8Array | string): void;
  /**
   * Writes all of `data` without blocking the event loop; resolves once it
   * is written, so a reader that stalls holds the promise (the console
   * stream's backpressure). Rejects with a RuntimeError (EPIPE: nobody
   * reads). `data` must not change until the promise settles.
   */
  writeAsync(data: Uint8Array): Promise<void>;
  /** True when the stream is a terminal. */
  isTerminal(): boolean;
  /** The terminal's width in columns; null when the stream is not a terminal. */
  columns(): number | null;
}

/**
 * This process's standard input, read as raw bytes (the interactive
 * supervisorctl shell, its confirmation prompts and `fg` read lines from it;
 * splitting into lines is the core's job).
 */
export interface InputStream {
  /**
   * Resolves with the next bytes available (on a terminal in canonical mode,
   * usually one line), or null at end of input. Call again only once the
   * previous read has settled.
   */
  read(): Promise<Uint8Array | null>;
  /** True when the stream is a terminal. */
  isTerminal(): boolean;
  /**
   * Puts the terminal in raw mode (no echo, no line buffering, Ctrl-C
   * delivered as a byte) or back in cooked mode. False when standard input
   * is not a terminal, and nothing changes.
   */
  setRaw(raw: boolean): boolean;
}

/** Everything the core may do to or learn from the host. */
export interface Runtime {
  /** Which runtime this is. */
  readonly name: "deno" | "bun" | "fake";
  /** This process's id. */
  readonly pid: number;
  /** The parent's process id. */
  readonly ppid: number;
  /** The runtime or compiled binary executable. */
  readonly execPath: string;
  /**
   * argv[0] as invoked (from /proc/self/cmdline when readable), so the CLI
   * can dispatch on the basename (`supervisorctl` vs `supervisord`).
   */
  readonly argv0: string;
  /** Command-line arguments after the program (and script) name. */
  readonly args: readonly string[];
  /**
   * The argv prefix that starts this same program again (self re-exec for
   * daemon mode), e.g. `[deno, "run", "-A", main.ts]` or `[binary]`.
   */
  readonly selfCommand: readonly string[];

  /**
   * Starts a child through the exec shim, in a new session and process group.
   * Throws a RuntimeError (e.g. EAGAIN, EPERM on setuid) when no process
   * could be created.
   */
  spawn(opts: SpawnOptions): Child;
  /** Sends a signal; negative `pid` = process group. Throws NoSuchProcessError (ESRCH). */
  kill(pid: number, signal: Signal): void;
  /** Runs `handler` on each delivery of `signal`; returns the unsubscribe function. */
  onSignal(signal: HandledSignal, handler: () => void): () => void;
  /**
   * Waits for the exited children this process did not start with
   * `spawn()`: processes reparented to it, as they are to PID 1 in a
   * container, that would otherwise stay zombies. Returns each one reaped;
   * children started with `spawn()` are never touched. Empty unless this
   * process is PID 1 (no subreaper is set, so orphans go nowhere else) and
   * when the runtime cannot wait for a pid (no FFI).
   */
  reapOrphans(): Array<{ pid: number; status: ExitStatus }>;
  /**
   * Sends one message to the system log as Python's `syslog.syslog(msg)`
   * does for supervisord (ident `supervisord`, LOG_USER, LOG_INFO). Does
   * nothing when the runtime cannot reach syslog(3) (no FFI).
   */
  syslog(message: string): void;
  /**
   * One line naming the features this platform leaves out (no /proc on
   * macOS, no C library reachable through FFI, ...), for the daemon to log
   * once at start; null when everything is available. Chosen at start from
   * the host's os, arch and which C library opened (runtime/_platform.ts).
   */
  platformNotice(): string | null;
  /**
   * Sends `data` as one datagram to the unix datagram socket at `path` (a
   * leading `@` names an abstract socket), as sd_notify(3) does with
   * NOTIFY_SOCKET. Throws a RuntimeError when the send fails (ENOENT,
   * ECONNREFUSED, ...) and ENOSYS where the platform cannot send one.
   */
  sendDatagram(path: string, data: Uint8Array): void;

  /**
   * Imports the ES module (TypeScript or JavaScript) at absolute `path`, as
   * the compiled binary can too, and resolves to its namespace object. With
   * `fresh`, the module is evaluated again even when imported before, so an
   * edited file takes effect (the modules it imports stay as they were).
   * Rejects with NotFoundError when there is no such file, and with what
   * the module throws (SyntaxError for a file that does not parse) otherwise.
   */
  importModule(path: string, opts?: { fresh?: boolean }): Promise<Record<string, unknown>>;

  /**
   * Creates a stream socket bound to `at`, not yet listening (Python
   * `socket.socket()` + `bind()`, for fcgi-program sockets). TCP sockets get
   * SO_REUSEADDR and bind to the IPv4 address of `hostname`, a dotted quad
   * or a name resolved with getaddrinfo(3) (AF_INET). Throws a RuntimeError
   * carrying the errno (EADDRINUSE, ENOENT, EACCES, ENAMETOOLONG for a unix
   * path of 108 bytes or more, …) or an {@linkcode AddressLookupError}.
   */
  bindSocket(at: Endpoint): BoundSocket;
  /** Serves HTTP/1.1; a Response with a stream body goes out chunked, flushed per chunk. */
  serve(at: Endpoint, handler: Handler): Promise<Listener>;
  /**
   * Sends one HTTP/1.1 request (origin-form target, no proxies) and resolves
   * once the response head arrives; the body streams. Throws
   * ConnectionRefusedError, NotFoundError (no socket file), ….
   */
  request(at: Endpoint, req: Request): Promise<Response>;
  /**
   * Opens a stream connection to `at` and closes it at once (a `tcp://`
   * health probe). Resolves once connected; rejects with
   * ConnectionRefusedError, NotFoundError (no socket file),
   * AddressLookupError, or a RuntimeError with code ETIMEDOUT when no
   * connection is made within `timeoutMs` (the attempt is then abandoned).
   */
  connect(at: Endpoint, timeoutMs: number): Promise<void>;
  /**
   * Watches `path` for changes through the kernel's file events (inotify):
   * a directory (with `recursive`, its whole tree, directories created later
   * included), or a file itself. Events in the first moments of a watch may
   * be missed. `onChange` gets the absolute paths each event names (a file
   * created, written, removed or renamed; reads are not reported), and
   * `onError` a RuntimeError when the watch fails after it started. Throws
   * NotFoundError for a missing path, and RuntimeError with code ENOSPC when
   * the inotify watch limit (fs.inotify.max_user_watches) is reached.
   */
  watch(
    path: string,
    recursive: boolean,
    onChange: (paths: readonly string[]) => void,
    onError: (e: Error) => void,
  ): FileWatcher;

  /** Files. */
  readonly fs: FileSystem;
  /** Wall and monotonic time, and timers. */
  readonly clock: Clock;

  /** A copy of this process's environment. */
  env(): Record<string, string>;
  /** The working directory. */
  cwd(): string;
  /** Changes the working directory. */
  chdir(path: string): void;
  /** uname nodename (Python `%(host_node_name)s`). */
  hostname(): string;
  /** The real user id. */
  uid(): number;
  /** The real group id. */
  gid(): number;
  /** The effective user id. */
  euid(): number;
  /** Returns the umask; with `mask`, sets it and returns the previous one. */
  umask(mask?: number): number;
  /**
   * This process's `resource` limit (getrlimit(2)); -1 stands for unlimited.
   * Null when the host cannot tell (Python skips a limit its platform lacks).
   */
  getRlimit(resource: RlimitResource): Rlimit | null;
  /**
   * Sets this process's `resource` limit (setrlimit(2)); -1 stands for
   * unlimited. Throws PermissionDeniedError (EPERM: raising the hard limit
   * without CAP_SYS_RESOURCE, or open files above fs.nr_open) or RuntimeError
   * (EINVAL: soft above hard). Children spawned afterwards inherit the limit.
   */
  setRlimit(resource: RlimitResource, soft: number, hard: number): void;
  /** Standard input; nothing reads it until the core asks. */
  readonly stdin: InputStream;
  /** Standard output. */
  readonly stdout: OutputStream;
  /** Standard error. */
  readonly stderr: OutputStream;
  /** Ends this process with `code`. */
  exit(code: number): never;
}
