/**
 * Orphan reaping, the part both adapters share. When supervisord is PID 1
 * (a container's entrypoint), processes that outlive their parent are
 * reparented to it, and when they exit they stay zombies until it waits
 * for them. Python reaps with `waitpid(-1, WNOHANG)` each loop; the JS
 * runtimes only wait for the children they spawned, and a `waitpid(-1)`
 * would steal those statuses from them. So on SIGCHLD an adapter running as
 * PID 1 lists its zombie children from /proc (the per-thread `children`
 * files, else every /proc/<pid>/stat), leaves out the ones it spawned
 * itself, and waits for each of the rest by pid (libc `waitpid` through
 * FFI).
 *
 * Python counterpart: supervisor/supervisord.py (`Supervisor.reap`) and
 * supervisor/options.py (`ServerOptions.waitpid`).
 * @module
 */

import type { ExitStatus } from "./types.ts";
import { SIGNALS } from "./types.ts";

/** The /proc reads the scan needs; each returns null when the path cannot be read. */
export interface ProcReader {
  readText(path: string): string | null;
  listDir(path: string): string[] | null;
}

/** Pids spawned through the adapter and not yet reported exited: never reaped here. */
export class SpawnedPids {
  readonly #live = new Set<number>();

  add(pid: number): void {
    this.#live.add(pid);
  }

  delete(pid: number): void {
    this.#live.delete(pid);
  }

  has(pid: number): boolean {
    return this.#live.has(pid);
  }
}

/** State and parent pid from a /proc/<pid>/stat line, or null. */
function statOf(text: string | null): { state: string; ppid: number } | null {
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  return fields[0] === undefined || !Number.isInteger(ppid) ? null : { state: fields[0], ppid };
}

/** Children of `self` by the per-thread `children` files; null when the kernel has none. */
function childrenByTasks(proc: ProcReader, self: number): number[] | null {
  const tasks = proc.listDir(`/proc/${self}/task`);
  if (tasks === null) return null;
  const pids = new Set<number>();
  for (const tid of tasks) {
    const text = proc.readText(`/proc/${self}/task/${tid}/children`);
    if (text === null) return null;
    for (const word of text.split(" ")) if (word !== "") pids.add(Number(word));
  }
  return [...pids];
}

/** Children of `self` by every process's stat file. */
function childrenByStat(proc: ProcReader, self: number): number[] {
  const out: number[] = [];
  for (const name of proc.listDir("/proc") ?? []) {
    if (!/^[0-9]+$/.test(name)) continue;
    if (statOf(proc.readText(`/proc/${name}/stat`))?.ppid === self) out.push(Number(name));
  }
  return out;
}

/**
 * Zombie children of `self` that `spawned` does not hold, in pid order.
 * Only PID 1 looks: no subreaper is set, so nothing is reparented to any
 * other process, and a child exit costs no /proc reads there.
 */
export function orphanZombies(proc: ProcReader, self: number, spawned: SpawnedPids): number[] {
  if (self !== 1) return [];
  const children = childrenByTasks(proc, self) ?? childrenByStat(proc, self);
  return children
    .filter((pid) => !spawned.has(pid) && statOf(proc.readText(`/proc/${pid}/stat`))?.state === "Z")
    .sort((a, b) => a - b);
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(SIGNALS).map(([name, n]) => [n, name]));

/** A raw wait status (`waitpid`'s `*wstatus`) as an {@linkcode ExitStatus}. */
export function exitStatusOf(wstatus: number): ExitStatus {
  const sig = wstatus & 0x7f;
  if (sig === 0) return { code: (wstatus >> 8) & 0xff, signal: null };
  return { code: null, signal: SIGNAL_NAMES.get(sig) ?? String(sig) };
}

/** `waitpid(pid, &status, WNOHANG)`: the status once reaped, null when nothing was reaped. */
export type WaitPid = (pid: number) => number | null;

/**
 * Reaps the zombie children the adapter did not spawn; returns each reaped
 * pid with its exit status.
 */
export function reapOrphans(
  proc: ProcReader,
  self: number,
  spawned: SpawnedPids,
  waitpid: WaitPid,
): Array<{ pid: number; status: ExitStatus }> {
  const reaped: Array<{ pid: number; status: ExitStatus }> = [];
  for (const pid of orphanZombies(proc, self, spawned)) {
    const wstatus = waitpid(pid);
    if (wstatus !== null) reaped.push({ pid, status: exitStatusOf(wstatus) });
  }
  return reaped;
}
