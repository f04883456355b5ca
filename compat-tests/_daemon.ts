/**
 * A supervisord (ours or the reference) running in the foreground for a
 * differential test: its main-log lines as they are echoed to stdout, a way
 * to wait for a line, to signal it, and to await its exit. The whole process
 * group is killed when the test disposes of it, so nothing outlives a test.
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { readdirSync, readFileSync } from "node:fs";
import { ourCommand, REFERENCE } from "./_harness.ts";

/** Which implementation to start. */
export type Side = "ours" | "reference";

/** A running foreground supervisord. */
export class ForegroundDaemon {
  readonly #child: ChildProcess;
  #out = "";
  #err = "";
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  /** `opts.prefix` runs the daemon under a wrapper command (e.g. `unshare …`). */
  constructor(
    readonly side: Side,
    args: string[],
    opts: { cwd: string; env: Record<string, string>; prefix?: string[] },
  ) {
    const argv = [...opts.prefix ?? [], ...(side === "ours" ? ourCommand() : [REFERENCE]), ...args];
    this.#child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      this.#out += d;
      for (const w of [...this.#waiters]) w();
    });
    this.#child.stderr!.setEncoding("utf8").on("data", (d: string) => this.#err += d);
    this.exited = new Promise((resolve) => {
      this.#child.on("close", (code, signal) => {
        for (const w of [...this.#waiters]) w();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Everything written to stdout so far. */
  get stdout(): string {
    return this.#out;
  }

  get stderr(): string {
    return this.#err;
  }

  /** Main-log lines without their timestamps. */
  lines(): string[] {
    return this.#out.split("\n").filter((l) => l !== "").map((l) =>
      l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, "")
    );
  }

  /** Resolves once a line matches `pattern` `count` times; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 20_000, count = 1): Promise<void> {
    return this.waitUntil(
      () => this.lines().filter((l) => pattern.test(l)).length >= count,
      String(pattern),
      timeoutMs,
    );
  }

  /**
   * Resolves once `seen()` holds, checked whenever the daemon writes to
   * stdout or exits (and every 100 ms, for conditions on files); rejects
   * after `timeoutMs` or when the daemon exits first.
   */
  waitUntil(seen: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (seen()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => check(), 100);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.#waiters.delete(check);
        reject(
          new Error(`${this.side}: timed out waiting for ${what}; log so far:\n${this.#out}\nstderr:\n${this.#err}`),
        );
      }, timeoutMs);
      const check = () => {
        if (!seen() && this.#child.exitCode === null && this.#child.signalCode === null) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(check);
        if (seen()) resolve();
        else reject(new Error(`${this.side}: exited before ${what}; log:\n${this.#out}\nstderr:\n${this.#err}`));
      };
      this.#waiters.add(check);
    });
  }

  /** Sends `signal` to the daemon itself. */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.#child.pid!, signal);
  }

  /**
   * Kills whatever is left: the daemon's process group and, when a failed
   * test leaves the daemon running, its children too (they run in sessions
   * of their own, so the group does not reach them).
   */
  [Symbol.dispose](): void {
    const pid = this.#child.pid!;
    for (const child of descendants(pid)) {
      try {
        process.kill(-child, "SIGKILL");
      } catch { /* not a group leader, or gone */ }
      try {
        process.kill(child, "SIGKILL");
      } catch { /* already gone */ }
    }
    try {
      process.kill(-pid, "SIGKILL");
    } catch { /* already gone */ }
  }
}

/** Pids of the live descendants of `root`, read from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const found: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/**
 * Masks what legitimately differs between two runs: temp paths, pids and the
 * random part of AUTO log names.
 */
export function maskLogLine(line: string, tmp: string): string {
  return line
    .replaceAll(tmp, "<TMP>")
    .replace(/\bpid \d+/g, "pid <PID>")
    .replace(/\((\d+)\) with SIGKILL/g, "(<PID>) with SIGKILL")
    .replace(/---(\S+?)-[a-z0-9_]{8}\.log/g, "---$1-<RAND>.log");
}
