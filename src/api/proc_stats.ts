/**
 * CPU time and resident memory of a process, read from `/proc` through the
 * runtime's file system only when someone asks (a scrape, an API request):
 * there is no background sampler, so an idle daemon reads nothing
 * (EXTENSIONS.md §8, "How CPU and RSS are read").
 *
 * One file per process: `/proc/PID/stat`. CPU is `utime + stime` in clock
 * ticks; Linux reports them in USER_HZ, which is 100 on every
 * architecture's user ABI. Memory is its `rss` field (pages, what `VmRSS`
 * of `/proc/PID/status` reports in kB) times the page size, read once from
 * the auxiliary vector (`AT_PAGESZ` of `/proc/self/auxv`).
 *
 * Python counterpart: none (node_exporter's procfs collector and
 * prometheus/procfs `ProcStat` are the model).
 * @module
 */

import type { Runtime } from "../runtime/types.ts";

/** Clock ticks per second of `/proc/PID/stat` times (USER_HZ). */
export const USER_HZ = 100;

/** What `/proc` says about one process. */
export interface ProcStats {
  /** User plus system CPU time, in seconds. */
  readonly cpuSeconds: number;
  /** Resident set size, in bytes. */
  readonly rssBytes: number;
  /** Start time, in clock ticks after boot (field 22 of `stat`). */
  readonly startTicks: number;
}

/**
 * Parses the text of `/proc/PID/stat`: the command name is in parentheses
 * and may itself hold spaces and parentheses, so fields are counted from
 * the last `)`. Returns null for a text that does not have the fields.
 */
export function parseStat(
  text: string,
): { utime: number; stime: number; starttime: number; pgrp: number; rss: number } | null {
  const close = text.lastIndexOf(")");
  if (close === -1) return null;
  // Fields from 3 (state) on; field n is at index n - 3.
  const f = text.slice(close + 2).trim().split(/\s+/);
  const num = (n: number) => Number(f[n - 3]);
  const out = { utime: num(14), stime: num(15), starttime: num(22), pgrp: num(5), rss: num(24) };
  return Object.values(out).every(Number.isFinite) ? out : null;
}

/** `AT_PAGESZ` of an auxiliary vector (64-bit little-endian pairs of type and value); null when absent. */
export function pageSizeOfAuxv(auxv: Uint8Array): number | null {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  for (let at = 0; at + 16 <= auxv.byteLength; at += 16) {
    const type = Number(view.getBigUint64(at, true));
    if (type === 0) return null;
    if (type === 6) return Number(view.getBigUint64(at + 8, true));
  }
  return null;
}

const decoder = new TextDecoder();
const pageSizes = new WeakMap<Runtime, Promise<number>>();

/** The page size, read once per runtime; 4096 when the auxiliary vector cannot be read. */
export function pageSize(rt: Runtime): Promise<number> {
  let known = pageSizes.get(rt);
  if (known === undefined) {
    known = rt.fs.readFile("/proc/self/auxv").then((b) => pageSizeOfAuxv(b) ?? 4096, () => 4096);
    pageSizes.set(rt, known);
  }
  return known;
}

/**
 * Reads one process's figures; null when the process is gone or `/proc`
 * cannot be read (not Linux, or a fake file system without it).
 */
export async function readProcStats(rt: Runtime, pid: number): Promise<ProcStats | null> {
  if (!(pid > 0)) return null;
  try {
    // procfs reads never wait for a disk: synchronous reads cost a fraction of async ones here.
    const page = await pageSize(rt);
    const statText = decoder.decode(rt.fs.readFileSync(`/proc/${pid}/stat`));
    const stat = parseStat(statText);
    if (stat === null) return null;
    return { cpuSeconds: (stat.utime + stat.stime) / USER_HZ, rssBytes: stat.rss * page, startTicks: stat.starttime };
  } catch {
    return null;
  }
}

/**
 * Figures summed over each process group led by one of `pids` (the child
 * and whatever it started in its group): one pass over `/proc`. Pids with no
 * readable member are left out.
 */
export async function readProcessTreeStats(rt: Runtime, pids: ReadonlySet<number>): Promise<Map<number, ProcStats>> {
  const out = new Map<number, ProcStats>();
  let entries: string[];
  try {
    entries = (await rt.fs.readDir("/proc")).filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  const page = await pageSize(rt);
  await Promise.all(entries.map(async (entry) => {
    const pid = Number(entry);
    const stat = await rt.fs.readTextFile(`/proc/${pid}/stat`).then(parseStat, () => null);
    if (stat === null || !pids.has(stat.pgrp)) return;
    const rss = stat.rss * page;
    const prev = out.get(stat.pgrp);
    const cpu = (stat.utime + stat.stime) / USER_HZ;
    out.set(stat.pgrp, {
      cpuSeconds: (prev?.cpuSeconds ?? 0) + cpu,
      rssBytes: (prev?.rssBytes ?? 0) + rss,
      startTicks: pid === stat.pgrp ? stat.starttime : prev?.startTicks ?? stat.starttime,
    });
  }));
  return out;
}

/** The boot time (`btime` of `/proc/stat`), seconds since the epoch; null when unknown. */
export async function readBootTime(rt: Runtime): Promise<number | null> {
  try {
    const m = /^btime (\d+)$/m.exec(await rt.fs.readTextFile("/proc/stat"));
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}
