/**
 * The web UI's actions: start, stop, restart and clear the log of one
 * process, of a group (`group:*`) or of everything, through the same
 * methods the XML-RPC interface serves, and the message shown afterwards.
 *
 * Messages follow supervisord's status page where it has one (`Process
 * <ns> started`, `ERROR: Process <ns>: spawn error`, `All stopped at
 * <ctime>`, `No such process named <ns>`); groups, start-all and clear-all
 * are ours. Like supervisord, an action answers once it is done: a start
 * waits for RUNNING (startsecs), a stop for the process to be gone.
 *
 * Python counterpart: supervisor/web.py (`StatusView.make_callback`).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import { type ApiContext, resolve } from "../rpc/api_context.ts";
import { Faults, RpcError } from "../rpc/faults.ts";
import { clearAllProcessLogs, clearProcessLogs } from "../rpc/log_api.ts";
import type { SupervisorApi } from "../rpc/supervisor_api.ts";
import { TARGET_ACTIONS, type TargetAction } from "./_ui_data.ts";

/** Actions on everything at once. */
export type AllAction = "startall" | "stopall" | "restartall" | "clearlogall";

/** Every action a form may post (`refresh` does nothing, as in supervisord). */
export type UiAction = TargetAction | AllAction | "refresh";

const ALL_ACTIONS: readonly string[] = ["startall", "stopall", "restartall", "clearlogall", "refresh"];

/** True for the names {@linkcode runAction} knows. */
export function isUiAction(s: string): s is UiAction {
  return (TARGET_ACTIONS as readonly string[]).includes(s) || ALL_ACTIONS.includes(s);
}

/** What an action did, for the message line. */
export interface ActionOutcome {
  ok: boolean;
  message: string;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** Python `time.ctime()` of a wall-clock time in ms: `Mon Jan  1 00:00:00 2024`, local time. */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${time} ${d.getFullYear()}`;
}

/** Python's wording of a start fault on the status page. */
function startReason(code: number, text: string): string {
  switch (code) {
    case Faults.NO_FILE:
      return "no such file";
    case Faults.NOT_EXECUTABLE:
      return "file not executable";
    case Faults.ALREADY_STARTED:
      return "already started";
    case Faults.SPAWN_ERROR:
      return "spawn error";
    case Faults.ABNORMAL_TERMINATION:
      return "abnormal termination";
    case Faults.NOT_RUNNING:
      return "not running";
    case Faults.SHUTDOWN_STATE:
      return "supervisord is shutting down";
    default:
      return `unexpected rpc fault [${code}] ${text}`;
  }
}

const fail = (what: string, e: unknown): ActionOutcome => {
  if (!(e instanceof RpcError)) throw e;
  return { ok: false, message: `ERROR: ${what}: ${startReason(e.code, e.message)}` };
};

interface GroupResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

/** `ok` when every entry succeeded, else the failures named with their reasons. */
function summarise(results: unknown, what: string, done: string): ActionOutcome {
  const failed = (results as GroupResult[]).filter((r) => r.status !== Faults.SUCCESS);
  if (failed.length === 0) return { ok: true, message: `${what} ${done}` };
  const list = failed.map((r) =>
    `${r.group === r.name ? r.name : `${r.group}:${r.name}`} (${startReason(r.status, r.description)})`
  );
  return { ok: false, message: `ERROR: ${what}: ${list.join(", ")}` };
}

async function onProcess(ctx: ApiContext, api: SupervisorApi, action: TargetAction, ns: string) {
  const what = `Process ${ns}`;
  try {
    if (action === "start") await api.startProcess(ns);
    else if (action === "stop") await api.stopProcess(ns);
    else if (action === "clearlog") {
      await clearProcessLogs(ctx, ns);
      return { ok: true, message: `Log for ${ns} cleared` };
    } else {
      try {
        await api.stopProcess(ns);
      } catch (e) {
        if (!(e instanceof RpcError && e.code === Faults.NOT_RUNNING)) throw e;
      }
      await api.startProcess(ns);
    }
  } catch (e) {
    return fail(what, e);
  }
  return {
    ok: true,
    message: `${what} ${action === "start" ? "started" : action === "stop" ? "stopped" : "restarted"}`,
  };
}

async function onGroup(ctx: ApiContext, api: SupervisorApi, action: TargetAction, group: string) {
  const what = `Group ${group}`;
  try {
    if (action === "start") return summarise(await api.startProcessGroup(group), what, "started");
    if (action === "stop") return summarise(await api.stopProcessGroup(group), what, "stopped");
    if (action === "restart") {
      const stopped = summarise(await api.stopProcessGroup(group), what, "stopped");
      if (!stopped.ok) return stopped;
      return summarise(await api.startProcessGroup(group), what, "restarted");
    }
    for (const name of resolve(ctx, `${group}:*`).group.processes.keys()) {
      await clearProcessLogs(ctx, `${group}:${name}`);
    }
    return { ok: true, message: `Logs of group ${group} cleared` };
  } catch (e) {
    return fail(what, e);
  }
}

async function onAll(ctx: ApiContext, api: SupervisorApi, action: AllAction, at: () => string) {
  try {
    if (action === "startall") return summarise(await api.startAllProcesses(), "All", `started at ${at()}`);
    if (action === "stopall") return summarise(await api.stopAllProcesses(), "All", `stopped at ${at()}`);
    if (action === "clearlogall") return summarise(await clearAllProcessLogs(ctx), "All logs", `cleared at ${at()}`);
    const stopped = summarise(await api.stopAllProcesses(), "All", `stopped at ${at()}`);
    if (!stopped.ok) return stopped;
    return summarise(await api.startAllProcesses(), "All", `restarted at ${at()}`);
  } catch (e) {
    return fail("All", e);
  }
}

/**
 * Runs `action` on `processname` (a process namespec, or `group:*` for a
 * whole group; ignored by the all-actions) and describes the outcome.
 * Unknown names answer `No such process named <ns>`, as supervisord does.
 */
export async function runAction(
  ctx: ApiContext,
  api: SupervisorApi,
  action: UiAction,
  processname: string,
): Promise<ActionOutcome> {
  const at = () => ctime(ctx.runtime.clock.now());
  if (action === "refresh") return { ok: true, message: `Page refreshed at ${at()}` };
  if (action === "startall" || action === "stopall" || action === "restartall" || action === "clearlogall") {
    return await onAll(ctx, api, action, at);
  }
  const { group, process } = splitNamespec(processname);
  const known = ctx.supervisor.groups.get(group);
  if (processname === "" || known === undefined || (process !== null && !known.processes.has(process))) {
    return { ok: false, message: `No such process named ${processname}` };
  }
  return process === null ? await onGroup(ctx, api, action, group) : await onProcess(ctx, api, action, processname);
}
