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

/** Where an HTTP server listens or a client connects. */
export type Endpoint =
  | { transport: "tcp"; hostname: string; port: number }
  | { transport: "unix"; path: string };

/**
 * A stream socket bound by {@linkcode Runtime.bindSocket}: blocking, closed
 * on exec (only a child given it as `SpawnOptions.stdinSocket` gets it).
 */
export interface BoundSocket {
  /** The descriptor in this process. */
  readonly fd: number;
  /** listen(2) with `backlog`. Throws a RuntimeError carrying the errno. */
  listen(backlog: number): void;
  /** Closes the descriptor; a unix socket's file stays. Later calls do nothing. */
  close(): void;
}

/** A listening HTTP server. */
export interface Listener {
  /** The bound endpoint; for TCP port 0 it carries the port actually bound. */
  readonly endpoint: Endpoint;
  /**
   * Stops listening and ends open connections, including streamed responses
   * (their body streams are cancelled). Both runtimes unlink the unix socket
   * path they bound.
   */
  close(): Promise<void>;
}

/**
 * An HTTP handler. Only the path and query of `req.url` are meaningful (for
 * unix sockets the host part is runtime-specific); the Host header is in
 * `req.headers`.
 */
export type Handler = ((req: Request) => Promise<Response>) & {
  /**
   * An optional fast path: the runtime's HTTP server first offers it each
   * request whose body has fully arrived, before making any fetch object;
   * `null` passes the request on to the handler as a `Request`. Whatever it
   * answers must be what the handler would answer.
   */
  readonly raw?: RawHandler;
};

/** A request as the runtime's HTTP server read it, before any fetch object is made. */
export interface RawRequest {
  /** The request method as sent (`POST`). */
  readonly method: string;
  /** The request target as sent (origin form: path and query). */
  readonly target: string;
  /** The first value of a header (name case-insensitive); null when absent. */
  header(name: string): string | null;
  /** The whole body (Content-Length bytes; empty without one). */
  readonly body: Uint8Array;
}

/** A complete answer to a {@linkcode RawRequest}. */
export interface RawResponse {
  /** The HTTP status. */
  readonly status: number;
  /** Header names and values, in the order they are sent (`Date` is added after `Server`). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The whole body. */
  readonly body: Uint8Array;
  /** Called once the body has been written or copied (the body's memory may then be reused). */
  readonly release?: () => void;
}

/** See {@linkcode Handler.raw}. */
export type RawHandler = (req: RawRequest) => Promise<RawResponse | null> | RawResponse | null;

/** What {@linkcode FileSystem.stat} reports (Python `os.stat`, following symlinks). */
export interface FileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** The full `st_mode` (type and permission bits). */
  mode: number;
  /** Owner user id; null when the host cannot tell. */
  uid: number;
  /** Owner group id; null when the host cannot tell. */
  gid: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /** Inode number (with `dev`, tells whether two paths are one file). */
  ino: number;
  /** Device number. */
  dev: number;
}

/** A file opened for appending. */
export interface AppendFile {
  /** Appends all of `data`. */
  write(data: Uint8Array): Promise<void>;
  /** Appends all of `data` synchronously (Python's log handlers write synchronously). */
  writeSync(data: Uint8Array): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * How {@linkcode FileSystem.openWriteSync} opens a file: `"append"`
 * (O_APPEND, created if missing), `"truncate"` (O_TRUNC, created if missing)
 * or `"exclusive"` (O_EXCL: created, EEXIST when it exists, as `mkstemp`).
 */
export type WriteOpenMode = "append" | "truncate" | "exclusive";

/** A file opened for synchronous writing (log files: Python writes them synchronously). */
export interface SyncWriteFile {
  /** Writes all of `data` before returning (partial writes are retried). */
  write(data: Uint8Array): void;
  /** What fstat(2) reports for the open file. */
  stat(): FileInfo;
  /**
   * False when the file cannot seek: a pipe, a socket or a terminal
   * (`/dev/stdout` in a container), where Python's `tell()` fails with
   * ESPIPE. Regular files and devices such as `/dev/null` seek.
   */
  seekable(): boolean;
  /** fsync(2): the data written so far is on disk before this returns (an atomic replace: temp, sync, rename). */
  sync(): void;
  /** Closes the descriptor; later calls do nothing. */
  close(): void;
}

/** `access()` modes, as in Python's `os` module. */
export const AccessMode = { F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4 } as const;

/**
 * File system operations. Failures throw {@linkcode RuntimeError} subclasses
 * carrying the errno name (`code: "ENOENT"`).
 */
export interface FileSystem {
  /** The whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** The whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string>;
  /** Up to `length` bytes from `offset` (fewer at end of file). */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Opens (creating if needed) a file for appending. */
  openAppend(path: string): Promise<AppendFile>;
  /** Creates or truncates `path` and writes `text`; `mode` applies to a new file. */
  writeTextFile(path: string, text: string, opts?: { mode?: number }): Promise<void>;
  /** Like Python `os.stat`; null when the path (or a parent) does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  /** Entry names, unsorted, without "." and "..". */
  readDir(path: string): Promise<string[]>;
  /** Renames (log rotation). */
  rename(from: string, to: string): Promise<void>;
  /** Hard link (used for the unix socket bind-then-link dance, SOCK.unix.create). */
  link(existing: string, newPath: string): Promise<void>;
  /** Removes a file or, with `recursive`, a directory tree. */
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  /** Creates a directory. */
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): Promise<void>;
  /** Changes permission bits. */
  chmod(path: string, mode: number): Promise<void>;
  /** Changes owner and group (-1 keeps one). */
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Synchronous `chmod` (Python `os.chmod`, e.g. on an fcgi socket file). */
  chmodSync(path: string, mode: number): void;
  /** Synchronous `chown`; -1 leaves the uid or gid unchanged, as in Python `os.chown`. */
  chownSync(path: string, uid: number, gid: number): void;
  /** The canonical absolute path (symlinks resolved). */
  realPath(path: string): Promise<string>;
  /** Like Python `os.access` (real uid/gid); false instead of throwing. */
  access(path: string, mode: number): Promise<boolean>;
  /** Synchronous `stat`, for config loading (Python reads config synchronously). */
  statSync(path: string): FileInfo | null;
  /** The names in a directory. */
  readDirSync(path: string): string[];
  /** The whole file. */
  readFileSync(path: string): Uint8Array;
  /** `access(2)` with an {@linkcode AccessMode} mask. */
  accessSync(path: string, mode: number): boolean;
  /**
   * Opens `path` for synchronous writing (log files). A file created by the
   * call gets permission bits `mode` (default 0o666) less the umask.
   */
  openWriteSync(path: string, how: WriteOpenMode, mode?: number): SyncWriteFile;
  /** Synchronous `rename` (log rotation). */
  renameSync(from: string, to: string): void;
  /** Like Python `os.remove`: unlinks a file; a directory fails with EISDIR. */
  unlinkSync(path: string): void;
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
