/**
 * Helpers for the adapter contract suite (contract.ts): temp directories,
 * bounded waits, running a child to completion, reading /proc, and cleanup
 * of leftover process groups. Everything goes through the Runtime under test.
 *
 * Python counterpart: none (test support).
 * @module
 */

import type { Child, ExitStatus, Runtime, SpawnOptions } from "./types.ts";
import { NoSuchProcessError } from "./errors.ts";

/** The registration function a test runner provides. */
export type TestFn = (name: string, fn: () => Promise<void>) => void;

/** One contract test: its name and body. */
export type ContractCase = readonly [name: string, fn: (rt: Runtime) => Promise<void>];

/** A minimal environment for children. */
export const BASE_ENV: Readonly<Record<string, string>> = { PATH: "/usr/bin:/bin" };

let dirCounter = 0;

/** Runs `fn` with a fresh temp directory that is removed afterwards. */
export async function withTempDir<T>(rt: Runtime, fn: (dir: string) => Promise<T>): Promise<T> {
  const base = (rt.env()["TMPDIR"] ?? "/tmp").replace(/\/+$/, "") || "/tmp";
  const salt = Math.floor(Math.random() * 1e9).toString(36);
  const dir = await rt.fs.realPath(base).then((b) => `${b}/rt-contract-${rt.pid}-${++dirCounter}-${salt}`);
  await rt.fs.mkdir(dir, { mode: 0o755 });
  try {
    return await fn(dir);
  } finally {
    await rt.fs.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Resolves with `promise`, or rejects once `ms` have passed. */
export async function within<T>(rt: Runtime, promise: Promise<T>, ms: number, what: string): Promise<T> {
  let id = 0;
  const timeout = new Promise<never>((_, reject) => {
    id = rt.clock.setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    rt.clock.clearTimeout(id);
  }
}

/** Resolves after `ms` (used only to poll external state, never to order events). */
export function delay(rt: Runtime, ms: number): Promise<void> {
  return new Promise((resolve) => rt.clock.setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it returns true or `ms` pass. */
export async function pollUntil(rt: Runtime, check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = rt.clock.monotonic() + ms;
  while (!(await check())) {
    if (rt.clock.monotonic() > deadline) throw new Error(`Timed out after ${ms} ms: ${what}`);
    await delay(rt, 10);
  }
}

/** Reads a stream (possibly partly read already) to its end as text ("" for null). */
export async function readText(stream: ReadableStream<Uint8Array> | null): Promise<string> {
  if (stream === null) return "";
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Sends SIGKILL to a child's process group, ignoring a group that is gone. */
export function killGroup(rt: Runtime, pid: number): void {
  try {
    rt.kill(-pid, "SIGKILL");
  } catch (e) {
    if (!(e instanceof NoSuchProcessError)) throw e;
  }
}

/** Spawns, lets `use` interact, and always kills the group and drains the child. */
export async function withChild<T>(rt: Runtime, opts: SpawnOptions, use: (child: Child) => Promise<T>): Promise<T> {
  const child = rt.spawn(opts);
  try {
    return await use(child);
  } finally {
    killGroup(rt, child.pid);
    await child.stdin?.close();
    await child.stdout?.cancel().catch(() => {});
    await child.stderr?.cancel().catch(() => {});
    await within(rt, child.exited, 10_000, `exit of ${child.pid}`);
  }
}

/** What a finished child produced. */
export interface RunResult {
  status: ExitStatus;
  stdout: string;
  stderr: string;
}

/** Runs a child to completion (stdin closed at once), within 20 s. */
export function run(rt: Runtime, opts: SpawnOptions, stdin?: string): Promise<RunResult> {
  return withChild(rt, opts, async (child) => {
    if (stdin !== undefined) await child.stdin?.write(new TextEncoder().encode(stdin));
    await child.stdin?.close();
    const [stdout, stderr, status] = await within(
      rt,
      Promise.all([readText(child.stdout), readText(child.stderr), child.exited]),
      20_000,
      `run ${opts.argv.join(" ")}`,
    );
    return { status, stdout, stderr };
  });
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, …]. */
export async function procStat(rt: Runtime, pid: number): Promise<string[] | null> {
  try {
    const text = await rt.fs.readTextFile(`/proc/${pid}/stat`);
    return text.slice(text.lastIndexOf(")") + 2).trim().split(" ");
  } catch {
    return null;
  }
}

/** True when the process is gone or a zombie. */
export async function isGone(rt: Runtime, pid: number): Promise<boolean> {
  const stat = await procStat(rt, pid);
  return stat === null || stat[0] === "Z" || stat[0] === "X";
}

/** True when running as root (uid/gid and chown tests need it). */
export function isRoot(rt: Runtime): boolean {
  return rt.euid() === 0;
}
