/**
 * The `supervisor.*` methods about configuration: reloadConfig (read the
 * config again and report what differs from the running groups),
 * addProcessGroup and removeProcessGroup (activate or drop one group), and
 * getAllConfigInfo (every process config, flattened).
 *
 * Python counterpart: supervisor/rpcinterface.py (`reloadConfig`,
 * `addProcessGroup`, `removeProcessGroup`, `getAllConfigInfo`),
 * supervisor/supervisord.py (`diff_to_active`) and the `__eq__` methods of
 * supervisor/options.py (`ProcessConfig`, `ProcessGroupConfig`,
 * `EventListenerPoolConfig`, `FastCGIGroupConfig`) and
 * supervisor/datatypes.py (`SocketConfig`).
 *
 * Known difference: supervisord compares a listener pool's `events` in the
 * order they were written; our config keeps them sorted, so reordering
 * `events=` alone is not a change here.
 * @module
 */

import { ConfigError, ValueConversionError } from "../config/errors.ts";
import { AUTO_LOGFILE, fcgiSocketUrl, type ProcessConfig, type ProcessGroupConfig } from "../config/schema.ts";
import type { Channel } from "../logging/types.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { type ApiContext, guard } from "./api_context.ts";
import type { RpcHandler } from "./methods.ts";
import { Faults, RpcError } from "./faults.ts";
import { pyStr, type XmlRpcValue } from "./xmlrpc_value.ts";

/**
 * The process options Python's `ProcessConfig.__eq__` compares
 * (`req_param_names` + `optional_param_names`), in its order.
 */
const COMPARED = [
  "name",
  "uid",
  "command",
  "directory",
  "umask",
  "priority",
  "autostart",
  "autorestart",
  "startsecs",
  "startretries",
  "stdout_logfile",
  "stdout_capture_maxbytes",
  "stdout_events_enabled",
  "stdout_syslog",
  "stdout_logfile_backups",
  "stdout_logfile_maxbytes",
  "stderr_logfile",
  "stderr_capture_maxbytes",
  "stderr_logfile_backups",
  "stderr_logfile_maxbytes",
  "stderr_events_enabled",
  "stderr_syslog",
  "stopsignal",
  "stopwaitsecs",
  "stopasgroup",
  "killasgroup",
  "exitcodes",
  "redirect_stderr",
  "environment",
  "serverurl",
  // Extension keys (EXTENSIONS.md §1, §4): a change to one makes the process "changed" for update.
  "console",
  "console_prefix",
  "essential",
  "shutdown_on_exit",
  "backoff",
  "backoff_delay",
  "backoff_factor",
  "backoff_max",
  "backoff_jitter",
  "backoff_reset_after",
  "retry_forever",
  // Extension keys (EXTENSIONS.md §2).
  "dependent_startup",
  "depends_on",
  "depends_timeout",
  "on_dependency_failure",
  "depends_section",
  "healthcheck",
  "ready_log",
  // Extension keys (EXTENSIONS.md §5).
  "env_file",
  // Extension keys (EXTENSIONS.md §9; the parsed sets compare through their source text).
  "cron",
  "watch",
  // Extension keys (EXTENSIONS.md §6).
  "stdout_logfile_rotate_every",
  "stderr_logfile_rotate_every",
] as const satisfies readonly (keyof ProcessConfig)[];

// Fails to compile when ProcessConfig gains a field that is not compared: decide, then list it.
const everyFieldCompared: [Exclude<keyof ProcessConfig, typeof COMPARED[number]>] extends [never] ? true : never = true;
void everyFieldCompared;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => k in rb && sameValue((a as Record<string, unknown>)[k], rb[k]));
  }
  return false;
}

/** Python `ProcessConfig.__eq__`: every compared option, except that AUTO on either side matches anything. */
export function processConfigsEqual(a: ProcessConfig, b: ProcessConfig): boolean {
  return COMPARED.every((k) => a[k] === AUTO_LOGFILE || b[k] === AUTO_LOGFILE || sameValue(a[k], b[k]));
}

/**
 * Python's group config equality (SURFACE RPC.configeq): same kind, name,
 * priority and process configs (pairwise, in order); listener pools also
 * compare buffer_size, events and result_handler; fcgi groups their socket
 * URL. Configs of different kinds are never equal.
 */
export function groupConfigsEqual(a: ProcessGroupConfig, b: ProcessGroupConfig): boolean {
  if (a.kind !== b.kind || a.name !== b.name || a.priority !== b.priority) return false;
  if (a.processes.length !== b.processes.length) return false;
  if (!a.processes.every((p, i) => processConfigsEqual(p, b.processes[i] as ProcessConfig))) return false;
  if (a.kind === "eventlistener" && b.kind === "eventlistener") {
    return a.buffer_size === b.buffer_size && sameValue(a.events, b.events) && a.result_handler === b.result_handler;
  }
  if (a.kind === "fcgi-program" && b.kind === "fcgi-program") {
    return fcgiSocketUrl(a.socket) === fcgiSocketUrl(b.socket);
  }
  return true;
}

/** Python `diff_to_active`: group names added, changed and removed. */
export function diffToActive(
  pending: readonly ProcessGroupConfig[],
  active: readonly ProcessGroupConfig[],
): [added: string[], changed: string[], removed: string[]] {
  const current = new Map(active.map((c) => [c.name, c]));
  const names = new Set(pending.map((c) => c.name));
  const added = pending.filter((c) => !current.has(c.name)).map((c) => c.name);
  const removed = active.filter((c) => !names.has(c.name)).map((c) => c.name);
  const changed = pending.filter((c) => {
    const cur = current.get(c.name);
    return cur !== undefined && !groupConfigsEqual(c, cur);
  }).map((c) => c.name);
  return [added, changed, removed];
}

/** One `getAllConfigInfo` entry, members in supervisord's wire order (SURFACE RPC.struct.configinfo). */
export interface ConfigInfo {
  autostart: boolean;
  directory: string;
  uid: number | "none";
  command: string;
  exitcodes: number[];
  group: string;
  group_prio: number;
  inuse: boolean;
  killasgroup: boolean;
  name: string;
  process_prio: number;
  redirect_stderr: boolean;
  startretries: number;
  startsecs: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_logfile: string;
  stdout_logfile_backups: number;
  stdout_logfile_maxbytes: number;
  stdout_syslog: boolean;
  stopsignal: number;
  stopwaitsecs: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_logfile: string;
  stderr_logfile_backups: number;
  stderr_logfile_maxbytes: number;
  stderr_syslog: boolean;
  serverurl: string;
}

/**
 * A log target as getAllConfigInfo shows it: `'none'`, a path, or for AUTO
 * the file's name once the config object has been activated (Python names
 * AUTO files on the config object itself), `'auto'` before.
 */
function logfileInfo(pc: ProcessConfig, channel: Channel, live: Subprocess | undefined): string {
  const target = channel === "stdout" ? pc.stdout_logfile : pc.stderr_logfile;
  if (target === null) return "none";
  if (target !== AUTO_LOGFILE) return target;
  return live?.output?.logfile(channel) || "auto";
}

function configInfo(
  g: ProcessGroupConfig,
  pc: ProcessConfig,
  inuse: boolean,
  live: Subprocess | undefined,
): ConfigInfo {
  return {
    autostart: pc.autostart,
    directory: pc.directory ?? "none",
    uid: pc.uid ?? "none",
    command: pc.command,
    exitcodes: [...pc.exitcodes],
    group: g.name,
    group_prio: g.priority,
    inuse,
    killasgroup: pc.killasgroup,
    name: pc.name,
    process_prio: pc.priority,
    redirect_stderr: pc.redirect_stderr,
    startretries: pc.startretries,
    startsecs: pc.startsecs,
    stdout_capture_maxbytes: pc.stdout_capture_maxbytes,
    stdout_events_enabled: pc.stdout_events_enabled,
    stdout_logfile: logfileInfo(pc, "stdout", live),
    stdout_logfile_backups: pc.stdout_logfile_backups,
    stdout_logfile_maxbytes: pc.stdout_logfile_maxbytes,
    stdout_syslog: pc.stdout_syslog,
    stopsignal: pc.stopsignal,
    stopwaitsecs: pc.stopwaitsecs,
    stderr_capture_maxbytes: pc.stderr_capture_maxbytes,
    stderr_events_enabled: pc.stderr_events_enabled,
    stderr_logfile: logfileInfo(pc, "stderr", live),
    stderr_logfile_backups: pc.stderr_logfile_backups,
    stderr_logfile_maxbytes: pc.stderr_logfile_maxbytes,
    stderr_syslog: pc.stderr_syslog,
    serverurl: pc.serverurl ?? "none",
  };
}

/** Python `getAllConfigInfo`: the known (last read) configs, flattened, stably sorted by process name. */
export function getAllConfigInfo(ctx: ApiContext): ConfigInfo[] {
  guard(ctx);
  const out: ConfigInfo[] = [];
  for (const g of ctx.groupConfigs()) {
    const active = ctx.supervisor.groups.get(g.name);
    // Only the config object that was activated knows its AUTO file names.
    const live = active?.config === g ? active : undefined;
    for (const pc of g.processes) {
      const proc = live?.processes.get(pc.name);
      out.push(configInfo(g, pc, active !== undefined, proc?.config === pc ? proc : undefined));
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Python `reloadConfig`: `[[added, changed, removed]]`; CANT_REREAD with the config error's text. */
export function reloadConfig(ctx: ApiContext): [[string[], string[], string[]]] {
  guard(ctx);
  try {
    ctx.reread();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ValueConversionError) {
      throw new RpcError(Faults.CANT_REREAD, e.message);
    }
    throw e;
  }
  const active = [...ctx.supervisor.groups.values()].map((g) => g.config);
  return [diffToActive(ctx.groupConfigs(), active)];
}

/** Python `addProcessGroup`: BAD_NAME when no known config has that name, ALREADY_ADDED when active. */
export async function addProcessGroup(ctx: ApiContext, name: XmlRpcValue): Promise<true> {
  guard(ctx);
  const config = ctx.groupConfigs().find((c) => c.name === name);
  if (config === undefined) throw new RpcError(Faults.BAD_NAME, pyStr(name));
  if (!(await ctx.supervisor.addProcessGroup(config))) throw new RpcError(Faults.ALREADY_ADDED, pyStr(name));
  return true;
}

/** Python `removeProcessGroup`: BAD_NAME when not active, STILL_RUNNING unless every process is stopped. */
export async function removeProcessGroup(ctx: ApiContext, name: XmlRpcValue): Promise<true> {
  guard(ctx);
  if (typeof name !== "string" || !ctx.supervisor.groups.has(name)) throw new RpcError(Faults.BAD_NAME, pyStr(name));
  if (!(await ctx.supervisor.removeProcessGroup(name))) throw new RpcError(Faults.STILL_RUNNING, name);
  return true;
}

/**
 * The configuration methods, keyed by full name, for `bindSupervisorMethods`.
 *
 * @param ctx The daemon as the methods see it.
 * @returns A handler per method.
 */
export function configHandlers(ctx: ApiContext): Record<string, RpcHandler> {
  return {
    "supervisor.reloadConfig": () => reloadConfig(ctx),
    "supervisor.addProcessGroup": ([name]) => addProcessGroup(ctx, name ?? null),
    "supervisor.removeProcessGroup": ([name]) => removeProcessGroup(ctx, name ?? null),
    "supervisor.getAllConfigInfo": () => getAllConfigInfo(ctx),
  };
}
