/**
 * What the web UI shows, as plain data: every process with its state,
 * description, pid, uptime and the actions that make sense for it, grouped
 * as supervisord groups them; and pieces of a process's log read from a
 * cursor, for the live tail. The HTML pages and the JSON endpoints are both
 * built from these, so the page without JavaScript and the page that
 * refreshes itself agree.
 *
 * Python counterpart: supervisor/web.py (`StatusView.render`,
 * `actions_for_process`, `css_class_for_state`, `TailView.render`).
 * @module
 */

import { healthView } from "../health/health_checks.ts";
import { makeNamespec } from "../config/namespec.ts";
import { type LogSource, processLogSource } from "../logging/log_source.ts";
import type { Channel } from "../logging/types.ts";
import type { ProcessGroup } from "../process/group.ts";
import { ProcessState, RUNNING_STATES, supervisorStateName } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { FileSystem } from "../runtime/types.ts";
import { allProcesses, type ApiContext } from "../rpc/api_context.ts";
import { formatUptime, type ProcessInfo, processInfo } from "../rpc/process_info.ts";

/** An action a button can ask for on one process or one group. */
export type TargetAction = "start" | "stop" | "restart" | "clearlog";

/** Every per-target action, in the order the buttons appear. */
export const TARGET_ACTIONS: readonly TargetAction[] = ["start", "stop", "restart", "clearlog"];

/** One process as the UI shows it: the RPC info struct plus what the UI adds. */
export interface UiProcess extends ProcessInfo {
  /** `name` or `group:name`, as RPC and supervisorctl address it. */
  namespec: string;
  /** `H:MM:SS` (or `N days, H:MM:SS`) while RUNNING, else "". */
  uptime: string;
  /** The actions offered for it now. */
  actions: TargetAction[];
  /** How its state badge is coloured ({@linkcode stateTone}). */
  tone: StateTone;
  /** Marks shown beside the name: `essential`, `shutdown on exit` (its end shuts supervisord down). */
  flags: string[];
  /** The health check's state (`starting`, `healthy`, `unhealthy`); null without a check. */
  health: string | null;
}

/** A group with its processes; `header` is false for a lone process named like its group. */
export interface UiGroup {
  name: string;
  /** `name:*`, the namespec that addresses the whole group. */
  namespec: string;
  header: boolean;
  actions: TargetAction[];
  processes: UiProcess[];
}

/** Everything on the status page. */
export interface UiSnapshot {
  identification: string;
  version: string;
  /** supervisord's state name (RUNNING, RESTARTING, SHUTDOWN...). */
  statename: string;
  /** supervisord's pid. */
  pid: number;
  /** Wall-clock seconds. */
  now: number;
  groups: UiGroup[];
}

/**
 * Which buttons a process in `state` gets. Like Python's status page:
 * RUNNING can be restarted or stopped, stopped states started; beyond
 * Python, STARTING and BACKOFF can be stopped (stopProcess accepts them,
 * and stopping a process stuck in a crash loop is the point). Clearing the
 * log is always offered.
 */
export function actionsFor(state: number): TargetAction[] {
  switch (state) {
    case ProcessState.RUNNING:
      return ["stop", "restart", "clearlog"];
    case ProcessState.STARTING:
    case ProcessState.BACKOFF:
      return ["stop", "clearlog"];
    case ProcessState.STOPPED:
    case ProcessState.EXITED:
    case ProcessState.FATAL:
      return ["start", "clearlog"];
    default:
      return ["clearlog"];
  }
}

/** The colour family of a state badge. */
export type StateTone = "ok" | "error" | "busy" | "idle";

/** Python `css_class_for_state`, as a short tone: ok (RUNNING), error (FATAL, BACKOFF), busy, or idle. */
export function stateTone(state: number): StateTone {
  if (state === ProcessState.RUNNING) return "ok";
  if (state === ProcessState.FATAL || state === ProcessState.BACKOFF) return "error";
  if (state === ProcessState.STARTING || state === ProcessState.STOPPING) return "busy";
  return "idle";
}

/** One process at wall-clock time `nowMs`. */
export function uiProcess(
  group: ProcessGroup,
  proc: Subprocess,
  nowMs: number,
  rewrite?: (proc: Subprocess, base: string) => string,
  health?: (proc: Subprocess) => string | null,
): UiProcess {
  const info = processInfo(group, proc, nowMs, rewrite);
  return {
    ...info,
    namespec: makeNamespec(group.name, proc.name),
    uptime: info.state === ProcessState.RUNNING ? formatUptime(info.now - info.start) : "",
    actions: actionsFor(info.state),
    tone: stateTone(info.state),
    flags: [
      ...(proc.config.essential ? ["essential"] : []),
      ...(proc.config.shutdown_on_exit ? ["shutdown on exit"] : []),
    ],
    health: health?.(proc) ?? null,
  };
}

function groupActions(procs: readonly UiProcess[]): TargetAction[] {
  const out: TargetAction[] = [];
  if (procs.some((p) => !RUNNING_STATES.has(p.state as ProcessState))) out.push("start");
  if (procs.some((p) => RUNNING_STATES.has(p.state as ProcessState))) out.push("stop");
  out.push("restart", "clearlog");
  return out;
}

/**
 * The status page's data: groups and processes sorted by name (as
 * supervisord's status page sorts them), read without the shutdown guard so
 * the page still renders while supervisord stops.
 */
export function snapshot(ctx: ApiContext, version: string): UiSnapshot {
  const nowMs = ctx.runtime.clock.now();
  const groups: UiGroup[] = [];
  for (const [group, proc] of allProcesses(ctx, true)) {
    let last = groups.at(-1);
    if (last === undefined || last.name !== group.name) {
      const only = group.processes.size === 1 ? [...group.processes.keys()][0] : undefined;
      last = { name: group.name, namespec: `${group.name}:*`, header: only !== group.name, actions: [], processes: [] };
      groups.push(last);
    }
    last.processes.push(
      uiProcess(
        group,
        proc,
        nowMs,
        (p, base) => ctx.supervisor.describe(p, base),
        (p) => healthView(ctx.supervisor, p)?.status ?? null,
      ),
    );
  }
  for (const g of groups) g.actions = groupActions(g.processes);
  return {
    identification: ctx.identifier(),
    version,
    statename: supervisorStateName(ctx.supervisor.mood),
    pid: ctx.runtime.pid,
    now: Math.trunc(nowMs / 1000),
    groups,
  };
}

/** A piece of a log for the live tail; `cursor` is where the next read continues. */
export interface LogChunk {
  text: string;
  /** Opaque to the page: `<inode>-<offset>`, or "" when there is no file yet. */
  cursor: string;
  /** The file was replaced or shrank since the cursor (cleared or rotated); `text` starts the new file. */
  reset: boolean;
  /** Bytes passed over because more arrived than one read returns. */
  skipped: number;
  /** No log file is configured for this channel, or it does not exist (yet). */
  missing: boolean;
}

/** The process's log for a channel (its file, or its in-memory log in container mode); null when it has none. */
export function logOf(fs: FileSystem, proc: Subprocess, channel: Channel): LogSource | null {
  return processLogSource(fs, proc.output, channel);
}

/** The length of `b` without a trailing incomplete UTF-8 sequence (held back for the next read). */
export function completeUtf8Length(b: Uint8Array): number {
  for (let i = b.length - 1, seen = 0; i >= 0 && seen < 4; i--, seen++) {
    const c = b[i] ?? 0;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return b.length - i < need ? i : b.length;
  }
  return b.length;
}

/** How many continuation bytes open `b` (a window that starts inside a character). */
function leadingContinuations(b: Uint8Array): number {
  let n = 0;
  while (n < 3 && n < b.length && ((b[n] ?? 0) & 0xc0) === 0x80) n++;
  return n;
}

const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

function parseCursor(cursor: string): { ino: number; offset: number } | null {
  const m = /^(\d+)-(\d+)$/.exec(cursor);
  return m === null ? null : { ino: Number(m[1]), offset: Number(m[2]) };
}

/**
 * Reads what follows `cursor` in `log`, at most `max` bytes
 * (the newest ones when more arrived). An empty or unreadable cursor starts
 * with the last `max` bytes. A file with another inode, or shorter than the
 * cursor, is read from its start and flagged `reset`. Text never ends or
 * (except at the file's start) begins inside a UTF-8 character.
 */
export async function readLogChunk(log: LogSource | null, cursor: string, max: number): Promise<LogChunk> {
  const none: LogChunk = { text: "", cursor: "", reset: false, skipped: 0, missing: true };
  if (log === null) return none;
  let info;
  try {
    info = await log.stat();
  } catch {
    return none;
  }
  if (info === null || !info.isFile) return none;
  const at = parseCursor(cursor);
  const reset = at !== null && (at.ino !== info.ino || at.offset > info.size);
  let start = at === null ? Math.max(0, info.size - max) : reset ? 0 : at.offset;
  let skipped = 0;
  if (info.size - start > max) {
    skipped = info.size - max - start;
    start = info.size - max;
  }
  let bytes: Uint8Array;
  try {
    bytes = await log.readRange(start, info.size - start);
  } catch {
    return none;
  }
  const windowed = start > 0 && (at === null || reset || skipped > 0);
  const head = windowed ? leadingContinuations(bytes) : 0;
  const end = completeUtf8Length(bytes);
  const text = end > head ? lenient.decode(bytes.subarray(head, end)) : "";
  return { text, cursor: `${info.ino}-${start + Math.max(end, head)}`, reset, skipped: skipped + head, missing: false };
}
