/**
 * `FakeRuntime`: a {@linkcode Runtime} that touches nothing on the host, for
 * unit tests of the core. It has a manual clock, an in-memory file system
 * (fake_fs.ts), scripted children the test drives (fake_child.ts: write
 * output, exit, die by a signal), recorded spawns and kills, signal delivery
 * with `raise()`, settable resource limits (fake_rlimit.ts), captured
 * stdout/stderr, in-memory HTTP serving, modules served from memory
 * (`modules`), and an `exit()` that throws a catchable {@linkcode FakeExit}.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyOptions`,
 * `DummyProcess`), which the Python tests swap in for `ServerOptions`.
 * @module
 */

import type {
  Endpoint,
  ExitStatus,
  FileWatcher,
  HandledSignal,
  Handler,
  Listener,
  OutputStream,
  Rlimit,
  RlimitResource,
  Runtime,
  Signal,
  SpawnOptions,
} from "./types.ts";
import { type FakeBoundSocket, FakeSockets } from "./fake_sockets.ts";
import { signalName } from "./types.ts";
import { NoSuchProcessError, NotADirectoryError, NotFoundError } from "./errors.ts";
import { FakeFileSystem, normalizePath } from "./fake_fs.ts";
import { ManualClock } from "./fake_clock.ts";
import { FakeStdinStream } from "./fake_stdin.ts";
import { FakeChild, FakeExit } from "./fake_child.ts";
import { FakeRlimits } from "./fake_rlimit.ts";
import { FakeHttp } from "./_fake_http.ts";
import { capture, type Hold, holdWrites } from "./_fake_output.ts";
import { platformNotice, type PlatformProfile, platformProfile, unavailableFeatures } from "./_platform.ts";

export { FakeFileSystem, normalizePath } from "./fake_fs.ts";
export { ManualClock } from "./fake_clock.ts";
export { FakeStdinStream } from "./fake_stdin.ts";
export { FakeRlimits } from "./fake_rlimit.ts";
export { FakeBoundSocket, FakeSockets } from "./fake_sockets.ts";
export { FakeChild, FakeExit, FakeStdin } from "./fake_child.ts";

/** Signals whose default action does not end a process. */
const NON_FATAL = new Set(["SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGWINCH"]);

/** Options for a {@linkcode FakeRuntime}. */
export interface FakeRuntimeOptions {
  /** The environment (default: `PATH` only). */
  env?: Record<string, string>;
  /** The working directory (default `/`). */
  cwd?: string;
  /** The real uid (default 1000). */
  uid?: number;
  /** The real gid (default 1000). */
  gid?: number;
  /** The effective uid (default: the real uid). */
  euid?: number;
  /** The umask (default 0o022). */
  umask?: number;
  /** This process's pid (default 4242; children count from pid + 1000). */
  pid?: number;
  /** The host name (default `fakehost`). */
  hostname?: string;
  /** What `args` reports. */
  args?: string[];
  /**
   * The host the runtime stands for: `os` and `arch` as Deno.build or
   * process.platform/arch spell them (default linux/x64), and the C library
   * FFI opened (default the platform's first name; null for none).
   */
  platform?: { os: string; arch: string; libc?: string | null };
}

/** An in-memory Runtime; see the module documentation. */
export class FakeRuntime implements Runtime {
  readonly name = "fake";
  readonly pid: number;
  readonly ppid = 1;
  readonly execPath = "/usr/local/bin/supervisord";
  readonly argv0 = "supervisord";
  readonly args: readonly string[];
  readonly selfCommand: readonly string[] = ["/usr/local/bin/supervisord"];
  readonly clock = new ManualClock();
  readonly fs: FakeFileSystem;
  /** Every child spawned, in order. */
  readonly spawns: FakeChild[] = [];
  /** Every kill() call, in order (including ones that failed with ESRCH). */
  readonly kills: Array<{ pid: number; signal: Signal }> = [];
  /**
   * When true, a fatal signal sent with kill() ends the child at once. When
   * false (the default) only SIGKILL does; other signals are just recorded,
   * and the test ends the child with `exit()`/`terminate()`.
   */
  killExits = false;
  /** When set, the next spawn() throws it (then it is cleared). */
  spawnError: Error | null = null;
  /** Exit codes passed to exit(), in order. */
  readonly exits: number[] = [];
  /** The environment `env()` copies; tests may change it. */
  envVars: Record<string, string>;
  /** The working directory `cwd()` reports. */
  cwdPath: string;
  /** What `uid()` reports. */
  uidValue: number;
  /** What `gid()` reports. */
  gidValue: number;
  /** What `euid()` reports (also the owner of files created). */
  euidValue: number;
  /** The current umask. */
  umaskValue: number;
  /** What `hostname()` reports. */
  hostnameValue: string;
  readonly #platform: PlatformProfile;
  readonly #platformHost: { os: string; arch: string; libc: string | null };
  #nextPid: number;
  readonly #signalHandlers = new Map<string, Set<() => void>>();
  readonly #http: FakeHttp;
  readonly #out: string[] = [];
  readonly #err: string[] = [];

  /**
   * Creates the runtime.
   *
   * @param opts Identity, environment and arguments.
   */
  constructor(opts: FakeRuntimeOptions = {}) {
    this.envVars = { ...(opts.env ?? { PATH: "/usr/bin:/bin" }) };
    this.cwdPath = opts.cwd ?? "/";
    this.uidValue = opts.uid ?? 1000;
    this.gidValue = opts.gid ?? 1000;
    this.euidValue = opts.euid ?? this.uidValue;
    this.umaskValue = opts.umask ?? 0o022;
    this.pid = opts.pid ?? 4242;
    this.#nextPid = this.pid + 1000;
    this.hostnameValue = opts.hostname ?? "fakehost";
    const host = opts.platform ?? { os: "linux", arch: "x64" };
    this.#platform = platformProfile(host.os, host.arch);
    this.#platformHost = {
      os: host.os,
      arch: host.arch,
      libc: host.libc === undefined ? this.#platform.libcNames[0] ?? null : host.libc,
    };
    this.args = opts.args ?? [];
    this.fs = new FakeFileSystem({
      cwd: () => this.cwdPath,
      now: () => this.clock.now(),
      uid: () => this.euidValue,
      gid: () => this.gidValue,
      umask: () => this.umaskValue,
    });
    this.fs.seedDir(this.cwdPath);
    this.sockets = new FakeSockets(this.fs);
    this.#http = new FakeHttp(this.fs);
  }

  spawn(opts: SpawnOptions): FakeChild {
    if (this.spawnError !== null) {
      const e = this.spawnError;
      this.spawnError = null;
      throw e;
    }
    const child = new FakeChild(this.#nextPid++, opts);
    this.spawns.push(child);
    return child;
  }

  /** The most recently spawned child; throws when there is none. */
  get lastChild(): FakeChild {
    const child = this.spawns.at(-1);
    if (child === undefined) throw new Error("No child was spawned");
    return child;
  }

  kill(pid: number, signal: Signal): void {
    this.kills.push({ pid, signal });
    const name = typeof signal === "number" ? signalName(signal) ?? `SIG${signal}` : signal;
    if (pid === this.pid) {
      this.raise(name);
      return;
    }
    const target = Math.abs(pid);
    const child = this.spawns.find((c) => c.pid === target && c.status === null);
    if (child === undefined) throw new NoSuchProcessError(`kill ${pid}: No such process`);
    if (name === "SIGKILL" || (this.killExits && !NON_FATAL.has(name))) child.terminate(name);
  }

  onSignal(signal: HandledSignal, handler: () => void): () => void {
    const set = this.#signalHandlers.get(signal) ?? new Set();
    this.#signalHandlers.set(signal, set);
    const once = () => handler();
    set.add(once);
    return () => void set.delete(once);
  }

  /** Exited orphans the next `reapOrphans()` returns (tests push onto it). */
  readonly orphans: Array<{ pid: number; status: ExitStatus }> = [];

  reapOrphans(): Array<{ pid: number; status: ExitStatus }> {
    return this.orphans.splice(0);
  }

  /** What `syslog()` was given, in order. */
  readonly syslogged: string[] = [];

  syslog(message: string): void {
    this.syslogged.push(message);
  }

  /** Datagrams `sendDatagram()` sent, in order, with their text decoded. */
  readonly datagrams: Array<{ path: string; text: string }> = [];
  /** When set, `sendDatagram()` throws it (every time, until cleared). */
  datagramError: Error | null = null;

  sendDatagram(path: string, data: Uint8Array): void {
    if (this.datagramError !== null) throw this.datagramError;
    this.datagrams.push({ path, text: new TextDecoder().decode(data) });
  }

  platformNotice(): string | null {
    const { os, arch, libc } = this.#platformHost;
    return platformNotice(os, arch, unavailableFeatures(this.#platform, { libc }));
  }

  /**
   * Modules `importModule()` finds, by absolute path: a namespace object, or
   * a function that makes one (called on every import, so a test can count
   * evaluations). A path not listed rejects with NotFoundError.
   */
  readonly modules: Map<string, Record<string, unknown> | (() => Record<string, unknown>)> = new Map();
  /** Every importModule() call, in order. */
  readonly imports: Array<{ path: string; fresh: boolean }> = [];
  readonly #imported = new Map<string, Record<string, unknown>>();

  importModule(path: string, opts: { fresh?: boolean } = {}): Promise<Record<string, unknown>> {
    this.imports.push({ path, fresh: opts.fresh ?? false });
    const source = this.modules.get(path);
    if (source === undefined) return Promise.reject(new NotFoundError(`Cannot find module '${path}'`));
    const cached = opts.fresh ? undefined : this.#imported.get(path);
    if (cached !== undefined) return Promise.resolve(cached);
    try {
      const namespace = typeof source === "function" ? source() : source;
      this.#imported.set(path, namespace);
      return Promise.resolve(namespace);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Bound sockets: read `sockets.bound`, set `sockets.bindError`. */
  readonly sockets: FakeSockets;

  bindSocket(at: Endpoint): FakeBoundSocket {
    return this.sockets.bind(at);
  }

  /** Delivers `signal` to this process: runs its handlers synchronously. */
  raise(signal: string): void {
    for (const h of [...(this.#signalHandlers.get(signal) ?? [])]) h();
  }

  /** Number of handlers currently subscribed to `signal`. */
  signalHandlerCount(signal: string): number {
    return this.#signalHandlers.get(signal)?.size ?? 0;
  }

  serve(at: Endpoint, handler: Handler): Promise<Listener> {
    return this.#http.serve(at, handler);
  }

  /**
   * Calls the handler serving `at` directly; no bytes are exchanged. A body
   * gets the Content-Length header an HTTP client would send.
   */
  request(at: Endpoint, req: Request): Promise<Response> {
    return this.#http.request(at, req);
  }

  /**
   * Connects when something serves `at` (see {@linkcode serve}); refused
   * otherwise, or NotFoundError for a unix socket file that does not exist.
   */
  connect(at: Endpoint, _timeoutMs: number): Promise<void> {
    return this.#http.connect(at);
  }

  /** The watches started and not yet closed, in order. */
  readonly watches: Array<
    { path: string; recursive: boolean; onChange: (paths: readonly string[]) => void; onError: (e: Error) => void }
  > = [];
  /** When set, the next watch() throws it (then it is cleared). */
  watchError: Error | null = null;

  /** Starts a watch on any path; the test reports changes with {@linkcode fileChanged}. */
  watch(
    path: string,
    recursive: boolean,
    onChange: (paths: readonly string[]) => void,
    onError: (e: Error) => void,
  ): FileWatcher {
    if (this.watchError !== null) {
      const e = this.watchError;
      this.watchError = null;
      throw e;
    }
    const entry = { path, recursive, onChange, onError };
    this.watches.push(entry);
    return {
      close: () => {
        const i = this.watches.indexOf(entry);
        if (i >= 0) this.watches.splice(i, 1);
      },
    };
  }

  /** Reports a change of `path` to every watch on it or on a directory above it (its parent, when not recursive). */
  fileChanged(path: string): void {
    for (const w of [...this.watches]) {
      const root = w.path.endsWith("/") ? w.path : `${w.path}/`;
      const inside = path.startsWith(root) && (w.recursive || !path.slice(root.length).includes("/"));
      if (path === w.path || inside) w.onChange([path]);
    }
  }

  env(): Record<string, string> {
    return { ...this.envVars };
  }

  cwd(): string {
    return this.cwdPath;
  }

  chdir(path: string): void {
    const info = this.fs.statSync(path);
    if (info === null) throw new NotFoundError(`chdir '${path}': No such file or directory`);
    if (!info.isDirectory) throw new NotADirectoryError(`chdir '${path}': Not a directory`);
    this.cwdPath = normalizePath(path, this.cwdPath);
  }

  hostname(): string {
    return this.hostnameValue;
  }

  uid(): number {
    return this.uidValue;
  }

  gid(): number {
    return this.gidValue;
  }

  euid(): number {
    return this.euidValue;
  }

  umask(mask?: number): number {
    const previous = this.umaskValue;
    if (mask !== undefined) this.umaskValue = mask;
    return previous;
  }

  /** Resource limits: set `rlimits.limits`, `canRaiseHard`, `setError`; read `rlimits.calls`. */
  readonly rlimits: FakeRlimits = new FakeRlimits(() => this.euidValue);

  getRlimit(resource: RlimitResource): Rlimit | null {
    return this.rlimits.get(resource);
  }

  setRlimit(resource: RlimitResource, soft: number, hard: number): void {
    this.rlimits.set(resource, soft, hard);
  }

  /** Standard input: the test feeds it with `feedStdin()` and ends it with `endStdin()`. */
  readonly stdin: FakeStdinStream = new FakeStdinStream();

  /** Queues `text` (UTF-8) for the next `stdin.read()`. */
  feedStdin(text: string): void {
    this.stdin.feed(new TextEncoder().encode(text));
  }

  /** Ends standard input: once the queued bytes are read, `stdin.read()` resolves null. */
  endStdin(): void {
    this.stdin.end();
  }

  /** What `stdout.isTerminal()` reports. */
  stdoutTerminal = false;
  /** What `stdout.columns()` reports. */
  stdoutColumns: number | null = null;
  readonly #stdoutHold: Hold = { held: false, pending: [] };
  readonly stdout: OutputStream = capture(
    this.#out,
    this.#stdoutHold,
    () => this.stdoutTerminal,
    () => this.stdoutColumns,
  );
  readonly stderr: OutputStream = capture(this.#err, { held: false, pending: [] }, () => false, () => null);

  /**
   * Stalls stdout as a reader that stops reading does: `writeAsync` calls
   * stay pending (their bytes are not in {@linkcode stdoutText}) until the
   * returned function is called, which writes them in order and resolves
   * them. Synchronous writes are not held.
   */
  holdStdout(): () => void {
    return holdWrites(this.#stdoutHold, this.#out);
  }

  /** Bytes of `writeAsync` calls held by {@linkcode holdStdout}. */
  heldStdoutBytes(): number {
    return this.#stdoutHold.pending.reduce((n, p) => n + p.data.length, 0);
  }

  /** Everything written to stdout so far. */
  stdoutText(): string {
    return this.#out.join("");
  }

  /** Everything written to stderr so far. */
  stderrText(): string {
    return this.#err.join("");
  }

  exit(code: number): never {
    this.exits.push(code);
    throw new FakeExit(code);
  }
}
