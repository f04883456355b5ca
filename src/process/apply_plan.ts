/**
 * The plan of a surgical apply (EXTENSIONS.md §7): the new config diffed
 * against the running one process by process, each change classified as
 * `restart` (the child must be spawned again), `in place` (applied to the
 * running process), `add` or `remove`. Unlike Python's `update`, which
 * compares whole groups and restarts every member of a changed
 * `[group:x]` (Supervisor/supervisor#1154, #1411), only what changed moves.
 *
 * Every field of `ProcessConfig` is classified in {@linkcode KEY_CLASS}; a
 * new field does not compile until it is. The log, capture, event and
 * console settings of a channel are `restart` here (the spec has them in
 * place, with the dispatchers reopened): a running child's output is read
 * through dispatchers made from its config, so the process is started again
 * with new ones. The identity of a process is its
 * group and name, so a rename or a move to another group is a remove plus
 * an add, and a `numprocs` change adds or removes processes only. A change
 * of a group's own settings that cannot be applied to its processes one by
 * one (an fcgi socket, an event listener pool's events, buffer or result
 * handler, the kind of section) restarts every process of the group.
 *
 * Details never carry a value of `environment` or of an env file: names of
 * keys only, and old/new values only for scalar in-place keys.
 *
 * Python counterpart: supervisor/supervisord.py (`diff_to_active`, by
 * group) and supervisor/options.py (`ProcessConfig.__eq__`); the peer is
 * rsupervisord's per-program `ConfigDiff` (spritetong/rsupervisord:src/config/diff.rs).
 * @module
 */

import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";

/** How a change to one key reaches a running process. */
export type KeyClass = "restart" | "in place" | "identity";

/** The class of every `ProcessConfig` field (a missing one is a compile error). */
export const KEY_CLASS: { readonly [K in keyof Required<ProcessConfig>]: KeyClass } = {
  name: "identity",
  command: "restart",
  directory: "restart",
  umask: "restart",
  uid: "restart",
  environment: "restart",
  env_file: "restart",
  redirect_stderr: "restart",
  serverurl: "restart",
  priority: "in place",
  autostart: "in place",
  autorestart: "in place",
  startsecs: "in place",
  startretries: "in place",
  exitcodes: "in place",
  stopsignal: "in place",
  stopwaitsecs: "in place",
  stopasgroup: "in place",
  killasgroup: "in place",
  stdout_logfile: "restart",
  stdout_capture_maxbytes: "restart",
  stdout_events_enabled: "restart",
  stdout_syslog: "restart",
  stdout_logfile_backups: "restart",
  stdout_logfile_maxbytes: "restart",
  stderr_logfile: "restart",
  stderr_capture_maxbytes: "restart",
  stderr_logfile_backups: "restart",
  stderr_logfile_maxbytes: "restart",
  stderr_events_enabled: "restart",
  stderr_syslog: "restart",
  stdout_logfile_rotate_every: "restart",
  stderr_logfile_rotate_every: "restart",
  console: "restart",
  console_prefix: "restart",
  essential: "in place",
  shutdown_on_exit: "in place",
  backoff: "in place",
  backoff_delay: "in place",
  backoff_factor: "in place",
  backoff_max: "in place",
  backoff_jitter: "in place",
  backoff_reset_after: "in place",
  retry_forever: "in place",
  dependent_startup: "in place",
  depends_on: "in place",
  depends_timeout: "in place",
  on_dependency_failure: "in place",
  depends_section: "in place",
  healthcheck: "in place",
  ready_log: "in place",
  cron: "in place",
  watch: "in place",
};

/** INI spellings of fields whose name differs from the key. */
const KEY_NAME: Partial<Record<keyof ProcessConfig, string>> = { uid: "user", name: "process_name" };

/** One line of the plan. */
export interface PlannedChange {
  /** `group:name`. */
  process: string;
  kind: "restart" | "in place" | "add" | "remove";
  /** Why: `command changed`, `startretries 3 -> 5`, `new`, `gone`; empty for none. */
  detail: string;
}

/** The keys of `a` and `b` that differ, with their classes. */
export function changedKeys(a: ProcessConfig, b: ProcessConfig): Array<keyof ProcessConfig> {
  return (Object.keys(KEY_CLASS) as Array<keyof ProcessConfig>).filter((k) => !same(a[k], b[k]));
}

/** The change of one process kept by name, or null when nothing differs. */
export function classifyProcess(process: string, a: ProcessConfig, b: ProcessConfig): PlannedChange | null {
  const keys = changedKeys(a, b);
  if (keys.length === 0) return null;
  const restart = keys.filter((k) => KEY_CLASS[k] !== "in place");
  if (restart.length > 0) {
    return { process, kind: "restart", detail: restart.map((k) => `${KEY_NAME[k] ?? k} changed`).join(", ") };
  }
  return { process, kind: "in place", detail: keys.map((k) => describe(k, a[k], b[k])).join(", ") };
}

function describe(key: keyof ProcessConfig, a: unknown, b: unknown): string {
  const name = KEY_NAME[key] ?? key;
  const scalar = (v: unknown) => v === null || ["number", "boolean", "string"].includes(typeof v);
  return scalar(a) && scalar(b) ? `${name} ${show(a)} -> ${show(b)}` : `${name} changed`;
}

function show(v: unknown): string {
  return v === null ? "none" : String(v);
}

/** Group settings that apply to all of its processes at once. */
function groupSettingsDiffer(a: ProcessGroupConfig, b: ProcessGroupConfig): string | null {
  if (a.kind !== b.kind) return "section kind changed";
  if (a.kind === "fcgi-program" && b.kind === "fcgi-program" && !same(a.socket, b.socket)) return "socket changed";
  if (a.kind === "eventlistener" && b.kind === "eventlistener") {
    for (const k of ["events", "buffer_size", "result_handler"] as const) if (!same(a[k], b[k])) return `${k} changed`;
  }
  return null;
}

/**
 * The plan for going from the `current` groups to the `next` ones: removes
 * first, then restarts and in-place changes, then adds, each in config
 * order. A group priority change is in place for each of its processes.
 */
export function planApply(
  current: readonly ProcessGroupConfig[],
  next: readonly ProcessGroupConfig[],
): PlannedChange[] {
  const index = (groups: readonly ProcessGroupConfig[]) => {
    const m = new Map<string, { group: ProcessGroupConfig; proc: ProcessConfig }>();
    for (const group of groups) {
      for (const proc of group.processes) m.set(`${group.name}:${proc.name}`, { group, proc });
    }
    return m;
  };
  const was = index(current);
  const will = index(next);
  const removes: PlannedChange[] = [];
  const changes: PlannedChange[] = [];
  const adds: PlannedChange[] = [];
  for (const key of was.keys()) if (!will.has(key)) removes.push({ process: key, kind: "remove", detail: "gone" });
  for (const [key, now] of will) {
    const before = was.get(key);
    if (before === undefined) {
      adds.push({ process: key, kind: "add", detail: "new" });
      continue;
    }
    const groupWide = groupSettingsDiffer(before.group, now.group);
    if (groupWide !== null) {
      changes.push({ process: key, kind: "restart", detail: groupWide });
      continue;
    }
    const change = classifyProcess(key, before.proc, now.proc);
    const priority = before.group.priority !== now.group.priority
      ? `group priority ${before.group.priority} -> ${now.group.priority}`
      : null;
    if (change === null && priority !== null) changes.push({ process: key, kind: "in place", detail: priority });
    else if (change !== null) {
      changes.push(
        priority !== null && change.kind === "in place"
          ? { ...change, detail: `${change.detail}, ${priority}` }
          : change,
      );
    }
  }
  return [...removes, ...changes, ...adds];
}

/** One line per change, as our ctl prints it: `g:web  restart  (command changed)`. */
export function formatPlan(plan: readonly PlannedChange[]): string {
  return plan.map((c) => `${c.process}  ${c.kind}${c.detail === "" ? "" : `  (${c.detail})`}\n`).join("");
}

/** Deep equality of config values (plain data: scalars, arrays, records). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(rb, k) && same((a as Record<string, unknown>)[k], rb[k]));
}
