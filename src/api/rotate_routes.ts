/**
 * On-demand log rotation (EXTENSIONS.md §6, "commands that restart
 * nothing"): `POST /api/v1/logs/rotate` rotates the main log and every
 * process log now (`{"main":false}` or `{"processes":false}` leaves one
 * out); `POST /api/v1/processes/{ns}/logs/rotate?stream=
 * stdout|stderr|both` the logs of one process or group (`group:*`). A log
 * rotates as a size rotation would (`.1 … .N`, `*_backups` kept), whatever
 * its size; a log that is not open (its process is not running), is not a
 * regular file, or keeps no backups (`*_backups = 0` would truncate it)
 * is reported with `rotated: false`.
 *
 * Answer: `{"results":[{"target","stream","path","rotated"}]}`, `target`
 * being `main` or a namespec.
 *
 * Python counterpart: supervisor/loggers.py (`RotatingFileHandler.doRollover`),
 * which Python only calls when a write reaches `maxbytes`.
 * @module
 */

import { makeNamespec } from "../config/namespec.ts";
import type { Channel, MainLogger } from "../logging/types.ts";
import type { ProcessControl } from "../process/control.ts";
import { ApiError, json, jsonBody, onlyKeys } from "./_json.ts";

/** One log's outcome. */
export interface RotateResult {
  target: string;
  stream: Channel | "main";
  path: string;
  rotated: boolean;
}

function streamsOf(url: URL): Channel[] {
  const s = url.searchParams.get("stream") ?? "both";
  if (s === "both") return ["stdout", "stderr"];
  if (s === "stdout" || s === "stderr") return [s];
  throw new ApiError("BAD_ARGUMENTS", `stream must be stdout, stderr or both, not '${s}'`);
}

function rotateProcesses(control: ProcessControl, ns: string | null, streams: readonly Channel[]): RotateResult[] {
  let procs = control.processes();
  if (ns !== null) {
    const found = control.find(ns);
    if (found === null) throw new ApiError("BAD_NAME", ns);
    procs = found.process === null ? control.processes(found.group) : [[found.group, found.process]];
  }
  const out: RotateResult[] = [];
  for (const [group, proc] of procs) {
    for (const stream of streams) {
      const path = proc.output?.logfile(stream) ?? "";
      if (path === "") continue;
      out.push({
        target: makeNamespec(group.name, proc.name),
        stream,
        path,
        rotated: proc.output?.rotate?.(stream) ?? false,
      });
    }
  }
  return out;
}

function flag(body: Record<string, unknown>, key: string): boolean {
  const v = body[key] ?? true;
  if (typeof v !== "boolean") throw new ApiError("BAD_ARGUMENTS", `${key} must be true or false`);
  return v;
}

/**
 * `POST /logs/rotate`: the main log and every process log; the body may
 * leave either out (`{"main":false}`, `{"processes":false}`).
 */
export async function rotateAllRoute(control: ProcessControl, logger: MainLogger, req: Request): Promise<Response> {
  const body = await jsonBody(req);
  onlyKeys(body, ["main", "processes"]);
  const main = flag(body, "main");
  const processes = flag(body, "processes");
  const results: RotateResult[] = [];
  if (main && logger.logfile !== null) {
    results.push({ target: "main", stream: "main", path: logger.logfile, rotated: logger.rotate?.() ?? false });
  }
  if (processes) results.push(...rotateProcesses(control, null, ["stdout", "stderr"]));
  return json({ results });
}

/** `POST /processes/{ns}/logs/rotate`. */
export async function rotateProcessRoute(control: ProcessControl, req: Request, ns: string): Promise<Response> {
  onlyKeys(await jsonBody(req), []);
  const streams = streamsOf(new URL(req.url));
  return json({ results: rotateProcesses(control, ns, streams) });
}
