/**
 * The process info struct of `getProcessInfo`/`getAllProcessInfo` (SURFACE
 * §8.3) and its `description` text.
 *
 * Python counterpart: supervisor/rpcinterface.py (`getProcessInfo`,
 * `_interpretProcessInfo`) and supervisor/xmlrpc.py (`capped_int`).
 * @module
 */

import type { ProcessGroup } from "../process/group.ts";
import { ProcessState, processStateName } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";

/** The wire struct, keys as Python spells them. */
export interface ProcessInfo {
  name: string;
  group: string;
  start: number;
  stop: number;
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  exitstatus: number;
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
  description: string;
}

const MAXINT = 2 ** 31 - 1;

/** Python `capped_int`: `int()` truncation, capped to what `<int>` carries. */
export function cappedInt(value: number): number {
  return Math.min(Math.trunc(value), MAXINT);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** Python `str(timedelta)` for a whole number of seconds: `H:MM:SS` or `N day(s), H:MM:SS`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms = `${Math.floor(rest / 3600)}:${pad2(Math.floor(rest / 60) % 60)}:${pad2(rest % 60)}`;
  return days === 0 ? hms : `${days} day${days === 1 ? "" : "s"}, ${hms}`;
}

/** `strftime('%b %d %I:%M %p')` of a local time, as the description of a stopped process. */
export function formatStopTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const hour12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(hour12)}:${pad2(d.getMinutes())} ${
    d.getHours() < 12 ? "AM" : "PM"
  }`;
}

function describe(info: Omit<ProcessInfo, "description">): string {
  switch (info.state) {
    case ProcessState.RUNNING:
      return `pid ${info.pid}, uptime ${formatUptime(info.now - info.start)}`;
    case ProcessState.FATAL:
    case ProcessState.BACKOFF:
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case ProcessState.STOPPED:
    case ProcessState.EXITED:
      return info.start ? formatStopTime(info.stop) : "Not started";
    default:
      return "";
  }
}

/**
 * The last struct made for each process, and whether its description is supervisord's own (no rewrite):
 * handed out again while nothing in it changed.
 */
const lastInfo = new WeakMap<Subprocess, { info: ProcessInfo; plain: boolean }>();

/**
 * The info struct of one process at wall-clock time `nowMs`. The struct is
 * frozen, and the same object is returned again as long as every field is
 * unchanged (the description follows from the other fields), so the XML-RPC
 * encoder writes it once and reuses its bytes (xmlrpc_codec.ts): under load
 * a `getAllProcessInfo` re-encodes only what changed since the last second.
 *
 * @param group The process's group.
 * @param proc The process.
 * @param nowMs Wall-clock milliseconds since the epoch.
 * @param rewrite Rewrites the description (extension state: a dependency
 *   wait, health); supervisord's own text when absent.
 */
export function processInfo(
  group: ProcessGroup,
  proc: Subprocess,
  nowMs: number,
  rewrite?: (proc: Subprocess, base: string) => string,
): ProcessInfo {
  const now = cappedInt(nowMs / 1000);
  const last = lastInfo.get(proc);
  // Checked against the process itself first, so a struct handed out again costs no allocation.
  if (rewrite === undefined && last !== undefined && last.plain && unchanged(last.info, group, proc, now)) {
    return last.info;
  }
  const stdout = proc.output?.logfile("stdout") ?? "";
  const info = {
    name: proc.name,
    group: group.name,
    start: cappedInt(proc.laststartWall),
    stop: cappedInt(proc.laststopWall),
    now,
    state: proc.state,
    statename: processStateName(proc.state),
    spawnerr: proc.spawnerr ?? "",
    exitstatus: proc.exitstatus ?? 0,
    logfile: stdout,
    stdout_logfile: stdout,
    stderr_logfile: proc.output?.logfile("stderr") ?? "",
    pid: proc.pid,
  };
  if (rewrite === undefined) return remember(proc, { ...info, description: describe(info) }, true);
  const description = rewrite(proc, describe(info));
  if (last !== undefined && sameFields(last.info, info) && last.info.description === description) return last.info;
  return remember(proc, { ...info, description }, false);
}

/** True when `info` still describes `proc` in `group` at second `now` (the description follows from the rest). */
function unchanged(info: ProcessInfo, group: ProcessGroup, proc: Subprocess, now: number): boolean {
  return info.now === now && info.state === proc.state && info.pid === proc.pid &&
    info.start === cappedInt(proc.laststartWall) && info.stop === cappedInt(proc.laststopWall) &&
    info.name === proc.name && info.group === group.name && info.spawnerr === (proc.spawnerr ?? "") &&
    info.exitstatus === (proc.exitstatus ?? 0) && info.logfile === (proc.output?.logfile("stdout") ?? "") &&
    info.stderr_logfile === (proc.output?.logfile("stderr") ?? "");
}

function remember(proc: Subprocess, info: ProcessInfo, plain: boolean): ProcessInfo {
  const made = Object.freeze(info);
  lastInfo.set(proc, { info: made, plain });
  return made;
}

function sameFields(a: ProcessInfo, b: Omit<ProcessInfo, "description">): boolean {
  return a.now === b.now && a.state === b.state && a.pid === b.pid && a.start === b.start && a.stop === b.stop &&
    a.name === b.name && a.group === b.group && a.spawnerr === b.spawnerr && a.exitstatus === b.exitstatus &&
    a.logfile === b.logfile && a.stderr_logfile === b.stderr_logfile;
}
