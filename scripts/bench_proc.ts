/**
 * Observing processes through Linux /proc, for the benchmark: parent links
 * (the kernel here has no `/proc/<pid>/task/<tid>/children`, so children are
 * found by scanning `/proc/<pid>/stat` for the parent pid), process identity
 * (pid plus start time, so a reused pid is not mistaken for a survivor),
 * CPU time (utime+stime) and resident memory (VmRSS).
 *
 * Uses `node:fs` (synchronous reads keep the polling loops tight), so it runs
 * under Deno and Bun.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { readdirSync, readFileSync } from "node:fs";

/** The fields of `/proc/<pid>/stat` the benchmark uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R, S, D, Z, T, X... */
  state: string;
  ppid: number;
  pgrp: number;
  /** CPU time in clock ticks. */
  utime: number;
  stime: number;
  /** Start time in clock ticks since boot; with pid, identifies a process. */
  starttime: number;
}

/** A process, identified so that a recycled pid does not match. */
export interface ProcId {
  pid: number;
  starttime: number;
}

/** Parses one `/proc/<pid>/stat` line; `comm` may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new SyntaxError(`Cannot parse /proc stat line: ${JSON.stringify(text)}`);
  const rest = text.slice(close + 2).trim().split(" ");
  // rest[0] is field 3 (state); field k of proc(5) is rest[k - 3].
  const field = (k: number): number => {
    const v = Number(rest[k - 3]);
    if (!Number.isFinite(v)) throw new SyntaxError(`Cannot parse /proc stat field ${k}: ${JSON.stringify(text)}`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "?",
    ppid: field(4),
    pgrp: field(5),
    utime: field(14),
    stime: field(15),
    starttime: field(22),
  };
}

/** Parses `VmRSS:` (KiB) out of `/proc/<pid>/status`; null when absent (zombies have none). */
export function parseVmRssKiB(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? null : Number(m[1]);
}

/** Reads `/proc/<pid>/stat`; null when the process is gone. */
export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return null;
  }
}

/** Resident memory of `pid` in KiB; null when the process is gone or a zombie. */
export function vmRssKiB(pid: number): number | null {
  try {
    return parseVmRssKiB(readFileSync(`/proc/${pid}/status`, "latin1"));
  } catch {
    return null;
  }
}

/** Every pid currently listed in /proc. */
export function listPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (/^\d+$/.test(name)) pids.push(Number(name));
  }
  return pids;
}

/** True when the process `id` still exists and is not a zombie. */
export function isAlive(id: ProcId): boolean {
  const st = readStat(id.pid);
  return st !== null && st.starttime === id.starttime && st.state !== "Z" && st.state !== "X";
}

/**
 * Finds the children of one parent quickly enough to poll every millisecond:
 * each poll lists /proc and reads `stat` only for pids it has not seen (a
 * pid's parent cannot become our daemon later, so cached parents stay valid
 * while the pid stays listed).
 */
export class ChildScanner {
  #parentOf = new Map<number, number>();
  constructor(readonly parent: number) {}

  /** Current children (zombies included) of the parent. */
  children(): number[] {
    const next = new Map<number, number>();
    const found: number[] = [];
    for (const pid of listPids()) {
      let ppid = this.#parentOf.get(pid);
      if (ppid === undefined) {
        const st = readStat(pid);
        if (st === null) continue;
        ppid = st.ppid;
      }
      next.set(pid, ppid);
      if (ppid === this.parent) found.push(pid);
    }
    this.#parentOf = next;
    return found;
  }
}

/** Live (non-zombie) children of `parent`, from a full scan. */
export function liveChildren(parent: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const pid of listPids()) {
    const st = readStat(pid);
    if (st !== null && st.ppid === parent && st.state !== "Z") out.push(st);
  }
  return out;
}

/** Every descendant of `root` (children, grandchildren...), from one full scan. */
export function descendants(root: number): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const pid of listPids()) {
    const st = readStat(pid);
    if (st === null) continue;
    const list = byParent.get(st.ppid) ?? [];
    list.push(st);
    byParent.set(st.ppid, list);
  }
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const st of byParent.get(queue.shift()!) ?? []) {
      out.push(st);
      queue.push(st.pid);
    }
  }
  return out;
}
