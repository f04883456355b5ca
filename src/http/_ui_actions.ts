/**
 * The web UI's actions: start, stop, restart and clear the log of one
 * process, of a group (`group:*`) or of everything, through the engine's
 * process control (and the log methods the XML-RPC interface serves), and
 * the message shown afterwards. Outcomes are worded through the faults the
 * XML-RPC interface would raise for them, as supervisord's status page
 * words its RPC faults.
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
import { type ControlOutcome, type ControlResult, ProcessControl } from "../process/control.ts";
import { type ApiContext, guard, resolve } from "../rpc/api_context.ts";
import { Faults, RpcError } from "../rpc/faults.ts";
import { clearAllProcessLogs, clearProcessLogs } from "../rpc/log_api.ts";
import { outcomeFault, resultStruct } from "../rpc/supervisor_api.ts";
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
function summarise(results: readonly GroupResult[], what: string, done: string): ActionOutcome {
  const failed = results.filter((r) => r.status !== Faults.SUCCESS);
  if (failed.length === 0) return { ok: true, message: `${what} ${done}` };
  const list = failed.map((r) =>
    `${r.group === r.name ? r.name : `${r.group}:${r.name}`} (${startReason(r.status, r.description)})`
  );
  return { ok: false, message: `ERROR: ${what}: ${list.join(", ")}` };
}

/** Throws the fault of a failed outcome for the process addressed as `ns`. */
function check(outcome: ControlOutcome, ns: string): void {
  if (!outcome.ok) throw outcomeFault(outcome, ns);
}

/** The summary of a group/all operation. */
const summary = async (results: Promise<ControlResult[]>, what: string, done: string) =>
  summarise((await results).map(resultStruct), what, done);

async function onProcess(ctx: ApiContext, action: TargetAction, ns: string): Promise<ActionOutcome> {
  const what = `Process ${ns}`;
  try {
    guard(ctx);
    const proc = resolve(ctx, ns).process;
    if (action === "clearlog") {
      await clearProcessLogs(ctx, ns);
      return { ok: true, message: `Log for ${ns} cleared` };
    }
    if (proc === null) throw new RpcError(Faults.BAD_NAME, ns);
    const control = new ProcessControl(ctx.supervisor);
    if (action === "start") check(await control.startProcess(proc), ns);
    else if (action === "stop") check(await control.stopProcess(proc), ns);
    else check(await control.restartProcess(proc), ns);
  } catch (e) {
    return fail(what, e);
  }
  return {
    ok: true,
    message: `${what} ${action === "start" ? "started" : action === "stop" ? "stopped" : "restarted"}`,
  };
}

async function onGroup(ctx: ApiContext, action: TargetAction, name: string): Promise<ActionOutcome> {
  const what = `Group ${name}`;
  try {
    guard(ctx);
    const group = resolve(ctx, `${name}:*`).group;
    const control = new ProcessControl(ctx.supervisor);
    if (action === "start") return await summary(control.startGroup(group), what, "started");
    if (action === "stop") return await summary(control.stopGroup(group), what, "stopped");
    if (action === "restart") return await summary(control.restartGroup(group), what, "restarted");
    for (const proc of group.processes.keys()) await clearProcessLogs(ctx, `${name}:${proc}`);
    return { ok: true, message: `Logs of group ${name} cleared` };
  } catch (e) {
    return fail(what, e);
  }
}

async function onAll(ctx: ApiContext, action: AllAction, at: () => string): Promise<ActionOutcome> {
  try {
    guard(ctx);
    const control = new ProcessControl(ctx.supervisor);
    if (action === "startall") return await summary(control.startAll(), "All", `started at ${at()}`);
    if (action === "stopall") return await summary(control.stopAll(), "All", `stopped at ${at()}`);
    if (action === "clearlogall") return summarise(await clearAllProcessLogs(ctx), "All logs", `cleared at ${at()}`);
    return await summary(control.restartAll(), "All", `restarted at ${at()}`);
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
  action: UiAction,
  processname: string,
): Promise<ActionOutcome> {
  const at = () => ctime(ctx.runtime.clock.now());
  if (action === "refresh") return { ok: true, message: `Page refreshed at ${at()}` };
  if (action === "startall" || action === "stopall" || action === "restartall" || action === "clearlogall") {
    return await onAll(ctx, action, at);
  }
  const { group, process } = splitNamespec(processname);
  const known = ctx.supervisor.groups.get(group);
  if (processname === "" || known === undefined || (process !== null && !known.processes.has(process))) {
    return { ok: false, message: `No such process named ${processname}` };
  }
  return process === null ? await onGroup(ctx, action, group) : await onProcess(ctx, action, processname);
}
