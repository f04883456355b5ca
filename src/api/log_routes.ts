/**
 * The log routes of `/api/v1`: a process log read by byte offset, its SSE
 * follow, and `POST /logs/reopen` (what SIGUSR2 does: the main log and every
 * child log closed and opened again at the same path, a deleted file
 * recreated, nothing restarted).
 *
 * `GET /processes/{ns}/logs/{stdout|stderr}?offset=&length=` answers
 * `{"offset","next_offset","size","data"}`: up to `length` bytes (default
 * and cap {@linkcode MAX_READ}) from `offset` (default 0; negative counts
 * from the end, as `readProcessStdoutLog` does), cut back to a UTF-8
 * character boundary; `next_offset` is where the next read starts.
 *
 * Python counterpart: supervisor/rpcinterface.py (`readProcessStdoutLog`,
 * `readProcessStderrLog`) and supervisor/supervisord.py (SIGUSR2 →
 * `reopenlogs`).
 * @module
 */

import type { Channel } from "../logging/types.ts";
import type { ProcessControl } from "../process/control.ts";
import type { Runtime } from "../runtime/types.ts";
import { ApiError, json } from "./_json.ts";
import { completeUtf8, followLog, type FollowOptions, SSE_HEADERS } from "./sse.ts";

/** The most bytes one read returns. */
export const MAX_READ = 1024 * 1024;

const decoder = new TextDecoder();

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ApiError("BAD_ARGUMENTS", `${name} must be an integer, not '${raw}'`);
  return Number(raw);
}

/** The log path of a process channel; BAD_NAME for an unknown process, NO_FILE when the channel has no file. */
export function logPath(control: ProcessControl, ns: string, channel: Channel): string {
  const found = control.find(ns);
  if (found === null || found.process === null) throw new ApiError("BAD_NAME", ns);
  const path = found.process.output?.logfile(channel) ?? "";
  if (path === "") throw new ApiError("NO_FILE", `${ns} has no ${channel} log file`);
  return path;
}

/** `GET /processes/{ns}/logs/{channel}`. */
export async function readLogRoute(rt: Runtime, path: string, url: URL): Promise<Response> {
  const offset = intParam(url, "offset", 0);
  const length = intParam(url, "length", MAX_READ);
  if (length < 0) throw new ApiError("BAD_ARGUMENTS", "length must not be negative");
  const info = await rt.fs.stat(path).catch(() => null);
  if (info === null) throw new ApiError("NO_FILE", `${path} does not exist`);
  const size = info.size;
  const start = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
  const wanted = Math.min(length, MAX_READ, size - start);
  let data = wanted > 0 ? await rt.fs.readRange(path, start, wanted) : new Uint8Array(0);
  if (data.length > 0 && start + data.length < size) data = data.subarray(0, completeUtf8(data));
  return json({ offset: start, next_offset: start + data.length, size, data: decoder.decode(data) });
}

/** `GET /processes/{ns}/logs/{channel}/follow`: the event stream, from `Last-Event-ID`, `?offset=` or the end. */
export async function followLogRoute(
  rt: Runtime,
  path: string,
  req: Request,
  opts: Omit<FollowOptions, "from"> = {},
): Promise<Response> {
  const last = req.headers.get("last-event-id");
  const url = new URL(req.url);
  let from: number | null = null;
  if (last !== null && /^\d+$/.test(last.trim())) from = Number(last.trim());
  else if (url.searchParams.has("offset")) {
    from = intParam(url, "offset", 0);
    if (from < 0) {
      const size = (await rt.fs.stat(path).catch(() => null))?.size ?? 0;
      from = Math.max(0, size + from);
    }
  }
  const body = await followLog(rt, path, { ...opts, from });
  if (body === null) throw new ApiError("NO_FILE", `${path} does not exist`);
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
