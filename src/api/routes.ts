/**
 * The `/api/v1` front (EXTENSIONS.md §8): one {@linkcode Route} for the
 * daemon's route table, behind the same authentication as `/RPC2`. JSON
 * only; POST needs `Content-Type: application/json` (the CSRF rule); errors
 * are `{"error":{"code","message"}}` with the statuses of `_json.ts`. The
 * document of every route is `GET /api/v1/openapi.json`.
 *
 * | route | module |
 * |---|---|
 * | `GET /processes`, `GET /processes/{ns}` | process_json.ts |
 * | `POST /processes/{ns}/start\|stop\|restart\|signal` | control_routes.ts |
 * | `GET /processes/{ns}/logs/{stdout\|stderr}[/follow]`, `POST /logs/reopen` | log_routes.ts, sse.ts |
 * | `POST /logs/rotate`, `POST /processes/{ns}/logs/rotate` | rotate_routes.ts |
 * | `POST /processes/{ns}/schedule` | schedule_route.ts |
 * | `POST /config/apply` (`{"dry_run": true}`: the plan only) | config_routes.ts |
 * | `GET /events` | sse.ts |
 * | `GET /health` | here |
 *
 * Python counterpart: none (Python answers 404 on these paths; `api = false`
 * in a server section keeps it so).
 * @module
 */

import { healthView } from "../health/health_checks.ts";
import type { Route } from "../http/server.ts";
import type { MainLogger } from "../logging/types.ts";
import { ProcessControl } from "../process/control.ts";
import { ProcessState, processStateName, SupervisorState, supervisorStateName } from "../process/states.ts";
import type { Supervisor } from "../process/supervisor.ts";
import type { Runtime } from "../runtime/types.ts";
import { ApiError, type ApiErrorCode, errorJson, json, jsonBody, onlyKeys } from "./_json.ts";
import { type ControlAction, controlRoute } from "./control_routes.ts";
import { followLogRoute, logPath, readLogRoute } from "./log_routes.ts";
import { OPENAPI } from "./openapi.ts";
import type { ExitCounter } from "./exit_counter.ts";
import { processJson } from "./process_json.ts";
import { rotateAllRoute, rotateProcessRoute } from "./rotate_routes.ts";
import { scheduleRoute } from "./schedule_route.ts";
import { applyRoute } from "./config_routes.ts";
import { Applier } from "../process/apply.ts";
import type { SupervisorConfig } from "../config/schema.ts";
import { SSE_HEADERS, stateEvents } from "./sse.ts";

/** The path prefix of the API. */
export const API_PREFIX = "/api/v1";

/** What the API works on. */
export interface ApiDeps {
  readonly supervisor: Supervisor;
  readonly logger: MainLogger;
  readonly runtime: Runtime;
  /** Restart counts (`restarts`); absent: `restarts` is null. */
  readonly counter?: ExitCounter;
  /** Reads the config file again (`POST /config/apply`); absent: that route fails. */
  readonly reread?: () => SupervisorConfig;
}

/** Options of {@linkcode apiRoute} (tests shorten the follow interval). */
export interface ApiOptions {
  /** Milliseconds between checks of a followed log while nothing new has arrived. */
  followIntervalMs?: number | undefined;
  /** Milliseconds of silence before an event stream sends a keepalive comment. */
  keepaliveMs?: number | undefined;
}

const ACTIONS: readonly ControlAction[] = ["start", "stop", "restart", "signal"];

/**
 * `GET /health`: 200 when the daemon is RUNNING and every essential and
 * every health-checked process is RUNNING (the checked ones healthy too),
 * else 503 with the reasons.
 */
function health(sup: Supervisor, control: ProcessControl): Response {
  const reasons: string[] = [];
  if (sup.mood !== SupervisorState.RUNNING) reasons.push(`supervisord is ${supervisorStateName(sup.mood)}`);
  for (const [group, proc] of control.processes()) {
    const checked = healthView(sup, proc);
    if (!proc.config.essential && checked === null) continue;
    const ns = `${group.name}:${proc.name}`;
    const kind = proc.config.essential ? "essential process" : "process";
    if (proc.state !== ProcessState.RUNNING) reasons.push(`${kind} ${ns} is ${processStateName(proc.state)}`);
    else if (checked !== null && checked.status !== "healthy") reasons.push(`${kind} ${ns} is ${checked.status}`);
  }
  const state = supervisorStateName(sup.mood);
  return json({ status: reasons.length === 0 ? "ok" : "unhealthy", state, reasons }, reasons.length === 0 ? 200 : 503);
}

function methodNotAllowed(allowed: string): never {
  throw new ApiError("METHOD_NOT_ALLOWED", `use ${allowed}`);
}

/** Answers one request whose path starts with `/api/v1/`. */
async function dispatch(
  deps: ApiDeps,
  control: ProcessControl,
  applier: Applier,
  opts: ApiOptions,
  req: Request,
  path: string,
) {
  const parts = path.slice(API_PREFIX.length + 1).split("/");
  const [head, ns, sub, channel, follow] = parts;
  const get = req.method === "GET" || req.method === "HEAD";
  const rt = deps.runtime;
  if (parts.length === 1 && head === "openapi.json") return get ? json(OPENAPI) : methodNotAllowed("GET");
  if (parts.length === 1 && head === "health") return get ? health(deps.supervisor, control) : methodNotAllowed("GET");
  if (parts.length === 1 && head === "events") {
    if (!get) methodNotAllowed("GET");
    return new Response(stateEvents(deps.supervisor, opts.keepaliveMs), { headers: SSE_HEADERS });
  }
  if (parts.length === 2 && head === "logs" && ns === "reopen") {
    if (req.method !== "POST") methodNotAllowed("POST");
    onlyKeys(await jsonBody(req), []);
    await deps.supervisor.reopenLogs();
    return json({ reopened: true });
  }
  if (parts.length === 2 && head === "config" && ns === "apply") {
    if (req.method !== "POST") methodNotAllowed("POST");
    return await applyRoute(applier, deps.reread, req);
  }
  if (parts.length === 2 && head === "logs" && ns === "rotate") {
    if (req.method !== "POST") methodNotAllowed("POST");
    return await rotateAllRoute(control, deps.logger, req);
  }
  if (head !== "processes" || ns === "") throw new ApiError("NOT_FOUND", path);
  if (ns === undefined) {
    if (!get) methodNotAllowed("GET");
    const procs = control.processes();
    return json({ processes: await Promise.all(procs.map(([g, p]) => processJson(rt, deps, g, p))) });
  }
  if (parts.length === 2) {
    if (!get) methodNotAllowed("GET");
    const found = control.find(ns);
    if (found === null || found.process === null) throw new ApiError("BAD_NAME", ns);
    return json(await processJson(rt, deps, found.group, found.process));
  }
  if (parts.length === 3 && ACTIONS.includes(sub as ControlAction)) {
    if (req.method !== "POST") methodNotAllowed("POST");
    return await controlRoute(control, req, ns, sub as ControlAction);
  }
  if (parts.length === 3 && sub === "schedule") {
    if (req.method !== "POST") methodNotAllowed("POST");
    return await scheduleRoute(control, req, ns);
  }
  if (parts.length === 4 && sub === "logs" && channel === "rotate") {
    if (req.method !== "POST") methodNotAllowed("POST");
    return await rotateProcessRoute(control, req, ns);
  }
  if (sub === "logs" && (channel === "stdout" || channel === "stderr")) {
    if (parts.length === 4 || (parts.length === 5 && follow === "follow")) {
      if (!get) methodNotAllowed("GET");
      const file = logPath(control, ns, channel);
      if (parts.length === 4) return await readLogRoute(rt, file, new URL(req.url));
      return await followLogRoute(rt, file, req, { intervalMs: opts.followIntervalMs, keepaliveMs: opts.keepaliveMs });
    }
  }
  throw new ApiError("NOT_FOUND", path);
}

/**
 * The `/api/v1` route for a server's route table.
 *
 * @param deps The engine, main log and runtime.
 * @param opts Intervals (tests).
 */
export function apiRoute(deps: ApiDeps, opts: ApiOptions = {}): Route {
  const control = new ProcessControl(deps.supervisor);
  const applier = new Applier(deps.supervisor);
  return {
    path: API_PREFIX,
    async handle(req, path) {
      if (!path.startsWith(API_PREFIX + "/")) return errorJson("NOT_FOUND", path);
      try {
        return await dispatch(deps, control, applier, opts, req, path);
      } catch (e) {
        if (e instanceof ApiError) {
          const allow = e.code === "METHOD_NOT_ALLOWED" ? { "Allow": e.message.slice(4) } : undefined;
          return errorJson(e.code as ApiErrorCode, e.message, allow);
        }
        return errorJson("FAILED", e instanceof Error ? e.message : String(e));
      }
    },
  };
}
