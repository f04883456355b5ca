/**
 * One supervisord under test (Python's or ours): launched in its own session
 * on a config in a temporary directory, watched through its main log file
 * and /proc only (no XML-RPC), and cleaned up so that no child survives.
 *
 * A daemon that exits early (ours, while supervision is not built) or never
 * reaches what a scenario waits for raises `BenchAbort`; its message is the
 * reason shown as `n/a (<reason>)` in the report.
 *
 * Deno script code (scripts/ may use Deno APIs).
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { closeSync, openSync, readSync } from "node:fs";
import { descendants, isAlive, type ProcId } from "./bench_proc.ts";
import type { SideId } from "./bench_report.ts";

/** A scenario repetition that produced no value; the message says why. */
export class BenchAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchAbort";
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The main-log events the benchmark counts (SURFACE §4.6). */
export const LOG_KINDS = ["spawned", "success", "exited", "stopped", "gave up", "spawnerr"] as const;
export type LogKind = typeof LOG_KINDS[number];

const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]{4} (spawned|success|exited|stopped|gave up|spawnerr):/;

/** Classifies one main-log line; null for lines the benchmark does not count. */
export function logKind(line: string): LogKind | null {
  const m = LOG_LINE.exec(line);
  return m === null ? null : m[1] as LogKind;
}

/** Follows a growing log file and counts lifecycle lines by kind. */
export class LogWatcher {
  readonly counts: Record<LogKind, number> = {
    spawned: 0,
    success: 0,
    exited: 0,
    stopped: 0,
    "gave up": 0,
    spawnerr: 0,
  };
  #offset = 0;
  #partial = "";
  readonly #buf = new Uint8Array(1 << 16);
  readonly #decoder = new TextDecoder();
  constructor(readonly path: string) {}

  /** Reads whatever was appended since the last poll (a missing file reads as empty). */
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return;
    }
    try {
      for (;;) {
        const n = readSync(fd, this.#buf, 0, this.#buf.length, this.#offset);
        if (n <= 0) break;
        this.#offset += n;
        this.#consume(this.#decoder.decode(this.#buf.subarray(0, n), { stream: true }));
      }
    } finally {
      closeSync(fd);
    }
  }

  #consume(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) {
      const kind = logKind(line);
      if (kind !== null) this.counts[kind]++;
    }
  }

  /** A short summary such as `success 12, spawned 20`, for timeout messages. */
  summary(): string {
    return LOG_KINDS.filter((k) => this.counts[k] > 0).map((k) => `${k} ${this.counts[k]}`).join(", ") ||
      "no lifecycle lines";
  }
}

/** The first and last few KiB written to a stream. */
interface Captured {
  head: string;
  tail: string;
}

/** Reads a stream to its end, keeping its first and last `max` characters. */
async function drainTail(stream: ReadableStream<Uint8Array>, into: Captured, max = 4096): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    if (into.head.length < max) into.head += text.slice(0, max - into.head.length);
    into.tail = (into.tail + text).slice(-max);
  }
}

/**
 * The line that best explains an exit: the first `error:` line (how Deno
 * and Bun report an uncaught error, before any backtrace), else the last
 * non-empty line. ANSI colours are removed.
 */
export function explainOutput(text: string): string {
  // deno-lint-ignore no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.find((l) => /^(error|\w*Error):/i.test(l)) ?? lines[lines.length - 1] ?? "";
}

/** Every daemon not yet closed, for emergency cleanup on SIGINT. */
export const liveDaemons = new Set<Daemon>();

/** A launched supervisord. */
export class Daemon {
  readonly pid: number;
  readonly launchedAt: number;
  readonly log: LogWatcher;
  exitedAt: number | null = null;
  status: Deno.CommandStatus | null = null;
  readonly #exited: Promise<void>;
  readonly #drained: Promise<unknown>;
  readonly #stdout: Captured = { head: "", tail: "" };
  readonly #stderr: Captured = { head: "", tail: "" };
  readonly #seen = new Map<string, ProcId>();
  /** The run's directory (the config's), shown as `$RUN` in reasons. */
  readonly #runDir: string;

  /**
   * Starts `argv` with `-c <conf>` in a new session; `cwd` resolves relative
   * commands. `consume` reads the daemon's stdout instead of the default
   * capture (the console scenario measures it).
   */
  constructor(
    readonly side: SideId,
    argv: readonly string[],
    conf: string,
    mainLog: string,
    cwd: string,
    env = {},
    consume?: (stdout: ReadableStream<Uint8Array>) => Promise<void>,
  ) {
    const [cmd, ...args] = argv;
    this.log = new LogWatcher(mainLog);
    this.#runDir = conf.slice(0, conf.lastIndexOf("/")) || "/";
    const command = new Deno.Command(cmd!, {
      args: [...args, "-c", conf, "-n"],
      cwd,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    });
    this.launchedAt = performance.now();
    const child = command.spawn();
    this.pid = child.pid;
    liveDaemons.add(this);
    const stdout = consume === undefined ? drainTail(child.stdout, this.#stdout) : consume(child.stdout);
    this.#drained = Promise.allSettled([stdout, drainTail(child.stderr, this.#stderr)]);
    this.#exited = child.status.then((s) => {
      this.exitedAt = performance.now();
      this.status = s;
    });
  }

  /** True once the daemon process has exited (and been reaped). */
  get exited(): boolean {
    return this.status !== null;
  }

  /** `exited: status 1: <last line it printed>`, after its output is drained. */
  async exitReason(): Promise<string> {
    await Promise.race([this.#drained, sleep(1000)]);
    const s = this.status;
    const how = s === null ? "still running" : s.signal !== null ? `signal ${s.signal}` : `status ${s.code}`;
    const err = this.#stderr;
    const text = err.head.trim() !== "" ? `${err.head}\n${err.tail}` : `${this.#stdout.head}\n${this.#stdout.tail}`;
    const why = explainOutput(text).replaceAll(this.#runDir, "$RUN");
    return `exited: ${how}${why === "" ? "" : `: ${why}`}`;
  }

  /**
   * Polls the main log (and `cond`) every `intervalMs` until `cond()` holds;
   * returns the `performance.now()` at which it did. Throws `BenchAbort` if
   * the daemon exits first or `timeoutMs` passes.
   */
  async waitFor(what: string, cond: () => boolean, timeoutMs: number, intervalMs = 2): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.log.poll();
      if (cond()) return performance.now();
      if (this.exited) throw new BenchAbort(await this.exitReason());
      if (performance.now() > deadline) {
        throw new BenchAbort(`timeout: ${what} not seen after ${timeoutMs / 1000} s (${this.log.summary()})`);
      }
      await sleep(intervalMs);
    }
  }

  /** Waits until `count` main-log lines of `kind` have been written. */
  waitForLines(kind: LogKind, count: number, timeoutMs: number, intervalMs = 2): Promise<number> {
    return this.waitFor(`${count} "${kind}:" lines`, () => this.log.counts[kind] >= count, timeoutMs, intervalMs);
  }

  /** Resolves with the exit time, or throws `BenchAbort` after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<number> {
    await Promise.race([this.#exited, sleep(timeoutMs)]);
    if (this.exitedAt === null) throw new BenchAbort(`timeout: daemon still running ${timeoutMs / 1000} s later`);
    return this.exitedAt;
  }

  /** Records the daemon's current descendants, to check later that none survives it. */
  track(): void {
    if (this.exited) return;
    for (const st of descendants(this.pid)) this.#seen.set(`${st.pid}/${st.starttime}`, st);
  }

  /** Records descendants, then sends SIGTERM; returns the time it was sent. */
  terminate(): number {
    this.track();
    const t = performance.now();
    Deno.kill(this.pid, "SIGTERM");
    return t;
  }

  /**
   * Stops the daemon (SIGTERM, then SIGKILL to its process group after
   * 15 s), then SIGKILLs every recorded descendant still alive. Returns
   * those survivors: a correct daemon leaves none.
   */
  async close(): Promise<ProcId[]> {
    if (!this.exited) {
      this.track();
      tryKill(this.pid, "SIGTERM");
      const deadline = performance.now() + 15_000;
      while (!this.exited && performance.now() < deadline) {
        this.track();
        await sleep(50);
      }
    }
    tryKill(-this.pid, "SIGKILL");
    if (!this.exited) tryKill(this.pid, "SIGKILL");
    await this.#exited;
    const survivors = [...this.#seen.values()].filter(isAlive);
    killAll(survivors);
    for (let i = 0; i < 100 && survivors.some(isAlive); i++) await sleep(20);
    await Promise.race([this.#drained, sleep(1000)]); // survivors may have held the output pipes
    liveDaemons.delete(this);
    return survivors;
  }

  /** Emergency stop (SIGINT to the benchmark): SIGKILL the group and every recorded descendant. */
  kill(): void {
    this.track();
    tryKill(-this.pid, "SIGKILL");
    if (!this.exited) tryKill(this.pid, "SIGKILL");
    killAll([...this.#seen.values()]);
  }
}

function killAll(ids: readonly ProcId[]): void {
  for (const id of ids) {
    if (!isAlive(id)) continue;
    tryKill(id.pid, "SIGKILL");
    tryKill(-id.pid, "SIGKILL"); // supervisord children lead their own process groups
  }
}

function tryKill(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone (ESRCH) or not a group leader
  }
}
