/**
 * Shared pieces of the differential tests: how to start our supervisord
 * (Deno entry, Bun entry or the compiled binary) and the reference
 * `/usr/bin/supervisord`, run a command with a deadline, and mask what
 * legitimately differs between two runs (temp paths, pids, times).
 *
 * Which of our entries runs is chosen by `SUPERVISOR_TS_BIN` (a path to a
 * binary such as `dist/supervisord`); without it, the entry of the runtime
 * running the tests is used.
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";

/** The reference implementation. */
export const REFERENCE = "/usr/bin/supervisord";
/** The stock client. */
export const REFERENCE_CTL = "/usr/bin/supervisorctl";
/** Repository root. */
export const ROOT = resolve(import.meta.dirname ?? ".", "..");

/** True when the reference supervisord is installed. */
export function haveReference(): boolean {
  return existsSync(REFERENCE);
}

/** argv (program first) that starts our supervisord. */
export function ourCommand(): string[] {
  const bin = process.env.SUPERVISOR_TS_BIN;
  if (bin) return [resolve(ROOT, bin)];
  const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
  if (isBun) return [process.execPath, join(ROOT, "src/main_bun.ts")];
  return [process.execPath, "run", "-A", "--quiet", join(ROOT, "src/main_deno.ts")];
}

/** Which of our entries {@link ourCommand} starts, for test names. */
export function ourEntryName(): string {
  if (process.env.SUPERVISOR_TS_BIN) return "binary";
  return typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
}

/** What a finished command left behind. */
export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  stdin?: string;
}

/** Runs `argv`, killing its whole process group at the deadline. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/root" },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => stdout += d);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => stderr += d);
    child.stdin!.end(opts.stdin ?? "");
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* already gone */ }
    }, opts.timeoutMs ?? 15_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A fresh temp directory, removed by the returned disposer. */
export function tempDir(prefix = "svts-"): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** The environment both implementations get, so `ENV_*` names agree. */
export function fixedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/root", ...extra };
}

/**
 * Masks what may differ between two runs: the temp directory, and the program
 * name in supervisord's `For help, use <argv0> -h` line.
 */
export function normalise(text: string, tmp: string): string {
  return text
    .replaceAll(tmp, "<TMP>")
    .replace(/^For help, use .* -h$/gm, "For help, use <ARGV0> -h");
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
