/**
 * `POST /api/v1/processes/{ns}/start|stop|restart|signal`: process control
 * through {@linkcode ProcessControl}, its typed outcomes mapped to JSON and
 * HTTP statuses. `{ns}` is a process (`name`, `group:name`) or a whole group
 * (`group:*`).
 *
 * Query: `wait` (default true, as supervisord's `wait=True`) and `timeout`
 * (a duration: `30`, `500ms`, `30s`, `5m`; default none). A wait that runs
 * past the timeout answers 202 with the processes still `pending`; the
 * operation itself goes on. A restart always waits for the stop (the start
 * would find the process still STOPPING); `wait` applies to the start.
 * `signal` takes the signal by name or number in the body
 * (`{"signal":"HUP"}`) or the query (`?signal=HUP`).
 *
 * Answer: `{"results":[{"group","name","namespec","status":"ok"|"error"|
 * "pending","error"?}]}`. For one process, a failure answers with the
 * status of its code (404, 409, 500, …) and the error body; for a group the
 * answer is 200 and each result carries its own outcome.
 *
 * Python counterpart: supervisor/rpcinterface.py (`startProcess`,
 * `stopProcess`, `signalProcess`, `startProcessGroup`, …), whose rules
 * `ProcessControl` keeps.
 * @module
 */

import { makeNamespec } from "../config/namespec.ts";
import { signalNumber } from "../config/datatypes.ts";
import { duration } from "../config/ext_values.ts";
import { ValueConversionError } from "../config/errors.ts";
import type { ControlOutcome, ControlResult, MaybeLater, ProcessControl } from "../process/control.ts";
import type { ProcessGroup } from "../process/group.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { Clock } from "../runtime/types.ts";
import { ApiError, errorJson, FAILURE_CODE, json, jsonBody, onlyKeys } from "./_json.ts";

/** The control actions. */
export type ControlAction = "start" | "stop" | "restart" | "signal";

/** One process's result as the API reports it. */
export interface ControlResultJson {
  group: string;
  name: string;
  namespec: string;
  status: "ok" | "error" | "pending";
  error?: { code: string; message: string };
}

/** Reads `wait` and `timeout` from the query. */
export function waitParams(url: URL): { wait: boolean; timeoutMs: number | null } {
  const w = url.searchParams.get("wait");
  let wait = true;
  if (w !== null) {
    const v = w.trim().toLowerCase();
    if (["true", "1", "yes", "on", ""].includes(v)) wait = true;
    else if (["false", "0", "no", "off"].includes(v)) wait = false;
    else throw new ApiError("BAD_ARGUMENTS", `wait must be true or false, not '${w}'`);
  }
  const t = url.searchParams.get("timeout");
  if (t === null) return { wait, timeoutMs: null };
  try {
    return { wait, timeoutMs: duration(t) * 1000 };
  } catch (e) {
    if (e instanceof ValueConversionError) throw new ApiError("BAD_ARGUMENTS", `timeout: ${e.message}`);
    throw e;
  }
}

function signalOf(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value)) return signalNumber(String(value));
  if (typeof value === "string") {
    try {
      return signalNumber(value);
    } catch {
      throw new ApiError("BAD_SIGNAL", value);
    }
  }
  throw new ApiError("BAD_ARGUMENTS", "signal must be a signal name or number");
}

/** Resolves `op` unless `timeoutMs` passes first (then null); the timer is cleared either way. */
function within<T>(clock: Clock, p: Promise<T>, timeoutMs: number | null): Promise<T | null> {
  if (timeoutMs === null) return p;
  let timer = 0;
  const expired = new Promise<null>((resolve) => timer = clock.setTimeout(() => resolve(null), timeoutMs));
  return Promise.race([p, expired]).finally(() => clock.clearTimeout(timer));
}

function resultJson(group: string, name: string, outcome: ControlOutcome | null): ControlResultJson {
  const base = { group, name, namespec: makeNamespec(group, name) };
  if (outcome === null) return { ...base, status: "pending" };
  if (outcome.ok) return { ...base, status: "ok" };
  return { ...base, status: "error", error: { code: FAILURE_CODE[outcome.reason], message: outcome.message } };
}

/** The operation on one process, for each action. */
function singleOp(control: ProcessControl, action: ControlAction, wait: boolean, sig: number) {
  return (proc: Subprocess): MaybeLater => {
    switch (action) {
      case "start":
        return control.startProcess(proc, { wait });
      case "stop":
        return control.stopProcess(proc, { wait });
      case "restart":
        return (async () => {
          const stopped = await control.stopProcess(proc, { wait: true });
          if (!stopped.ok && stopped.reason !== "not_running") return stopped;
          return await control.startProcess(proc, { wait });
        })();
      case "signal":
        return control.signalProcess(proc, sig);
    }
  };
}

/** The operation on a whole group, for each action. */
function groupOp(control: ProcessControl, action: ControlAction, wait: boolean, sig: number) {
  return async (group: ProcessGroup): Promise<ControlResult[]> => {
    switch (action) {
      case "start":
        return await control.startGroup(group, { wait });
      case "stop":
        return await control.stopGroup(group, { wait });
      case "restart": {
        const stopped = await control.stopGroup(group, { wait: true });
        if (stopped.some((r) => !r.outcome.ok)) return stopped;
        return await control.startGroup(group, { wait });
      }
      case "signal":
        return await control.signalGroup(group, sig);
    }
  };
}

/**
 * Answers one control request.
 *
 * @param control The engine's process control.
 * @param req The POST request (its Content-Type and body are checked here).
 * @param ns The namespec from the path.
 * @param action What to do.
 */
export async function controlRoute(
  control: ProcessControl,
  req: Request,
  ns: string,
  action: ControlAction,
): Promise<Response> {
  const body = await jsonBody(req);
  onlyKeys(body, action === "signal" ? ["signal"] : []);
  const url = new URL(req.url);
  const { wait, timeoutMs } = waitParams(url);
  const sig = action === "signal" ? signalOf(body.signal ?? url.searchParams.get("signal") ?? undefined) : 0;
  const found = control.find(ns);
  if (found === null) throw new ApiError("BAD_NAME", ns);
  const clock = control.supervisor.host.runtime.clock;
  if (found.process === null) {
    const results = await within(clock, groupOp(control, action, wait, sig)(found.group), timeoutMs);
    const list = results === null
      ? [...found.group.processes.values()].map((p) => resultJson(found.group.name, p.name, null))
      : results.map((r) => resultJson(r.group, r.name, r.outcome));
    return json({ results: list }, results === null ? 202 : 200);
  }
  const proc = found.process;
  const outcome = await within(clock, Promise.resolve(singleOp(control, action, wait, sig)(proc)), timeoutMs);
  const result = resultJson(found.group.name, proc.name, outcome);
  if (result.error !== undefined) {
    const code = FAILURE_CODE[(outcome as ControlOutcome & { ok: false }).reason];
    return errorJson(code, result.error.message);
  }
  return json({ results: [result] }, result.status === "pending" ? 202 : 200);
}
