/**
 * What the `supervisor.*` methods work on: the engine, the main log, the
 * runtime, and supervisord's view of its own config; plus the lookups and
 * the guard every method shares.
 *
 * Python counterpart: supervisor/rpcinterface.py
 * (`SupervisorNamespaceRPCInterface.__init__`, `_update`,
 * `_getGroupAndProcess`, `_getAllProcesses`).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import type { ProcessGroupConfig } from "../config/schema.ts";
import type { MainLogger } from "../logging/types.ts";
import type { ProcessGroup } from "../process/group.ts";
import { SupervisorState } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { Supervisor } from "../process/supervisor.ts";
import type { Runtime } from "../runtime/types.ts";
import { Faults, RpcError } from "./faults.ts";

/** The daemon as the RPC methods see it. */
export interface ApiContext {
  readonly supervisor: Supervisor;
  readonly logger: MainLogger;
  readonly runtime: Runtime;
  /** `[supervisord] identifier` (getIdentification). */
  identifier(): string;
  /** The group configs supervisord currently knows (Python `options.process_group_configs`). */
  groupConfigs(): readonly ProcessGroupConfig[];
  /**
   * Reads the config file again and makes its groups the known ones
   * (reloadConfig); throws a ConfigError with supervisord's message.
   */
  reread(): void;
  /**
   * Emits a REMOTE_COMMUNICATION event (sendRemoteCommEvent); absent until
   * events exist, in which case the call does nothing but answer true.
   */
  readonly remoteCommEvent?: (type: string, data: string) => void;
}

/** Contexts whose daemon was asked over RPC to shut down or restart. */
const stopRequested = new WeakSet<ApiContext>();

/**
 * RPC `shutdown`/`restart`: Python changes its mood at once and acts in its
 * next loop pass, after the reply is sent. The engine is told `delayMs`
 * later (so the reply goes out before the listeners close); from now on
 * every method answers SHUTDOWN_STATE, as Python's do.
 */
export function requestStop(ctx: ApiContext, act: () => void, delayMs = 10): void {
  stopRequested.add(ctx);
  ctx.runtime.clock.setTimeout(act, delayMs);
}

/** Python `_update`: every method refuses to run once supervisord is stopping. */
export function guard(ctx: ApiContext): void {
  if (ctx.supervisor.mood < SupervisorState.RUNNING || stopRequested.has(ctx)) {
    throw new RpcError(Faults.SHUTDOWN_STATE);
  }
}

/** A namespec resolved: the group, and the process or null for `group:*` / `group:`. */
export interface Resolved {
  group: ProcessGroup;
  process: Subprocess | null;
}

/** Python `_getGroupAndProcess`: BAD_NAME when the group or process is unknown. */
export function resolve(ctx: ApiContext, name: string): Resolved {
  const { group: groupName, process: processName } = splitNamespec(name);
  const group = ctx.supervisor.groups.get(groupName);
  if (group === undefined) throw new RpcError(Faults.BAD_NAME, name);
  if (processName === null) return { group, process: null };
  const process = group.processes.get(processName);
  if (process === undefined) throw new RpcError(Faults.BAD_NAME, name);
  return { group, process };
}

/** Python `_getAllProcesses`: by priority (stable), or by name when `lexical`. */
export function allProcesses(ctx: ApiContext, lexical = false): Array<[ProcessGroup, Subprocess]> {
  const out: Array<[ProcessGroup, Subprocess]> = [];
  eachProcess(ctx, lexical, (group, proc) => void out.push([group, proc]));
  return out;
}

/** Visits the processes in {@linkcode allProcesses}' order, building no list of pairs. */
export function eachProcess(
  ctx: ApiContext,
  lexical: boolean,
  visit: (group: ProcessGroup, proc: Subprocess) => void,
): void {
  if (lexical) {
    const groups = ctx.supervisor.groups;
    // Keys sorted by UTF-16 code units, as Python sorts str.
    for (const groupName of [...groups.keys()].sort()) {
      const group = groups.get(groupName)!;
      for (const name of [...group.processes.keys()].sort()) visit(group, group.processes.get(name)!);
    }
    return;
  }
  for (const group of ctx.supervisor.sortedGroups()) {
    const procs = [...group.processes.values()].sort((a, b) => a.config.priority - b.config.priority);
    for (const proc of procs) visit(group, proc);
  }
}
