/**
 * Our client's side of the daemon's JSON API (`/api/v1`, EXTENSIONS.md §8
 * and §12): one JSON request, or an event stream, over the same endpoint
 * and basic auth as XML-RPC. A server that answers a path of the API with
 * something other than JSON (supervisord 4.2.5's 404 page, or a server
 * section with `api = false`) has no API: the request resolves to null, so
 * commands can say so or fall back to XML-RPC.
 *
 * Python counterpart: none (supervisor/xmlrpc.py `SupervisorTransport` is
 * the model for reaching the server).
 * @module
 */

import type { Runtime } from "../runtime/types.ts";
import { type ServerSettings, serverTarget } from "./client.ts";
import { ProtocolError, SocketError } from "./py_errors.ts";

/** A JSON answer: the HTTP status and the parsed body. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

function authHeader(settings: ServerSettings): Record<string, string> {
  const { username, password } = settings;
  if (username === null || password === null) return {};
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return { "Authorization": `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

async function send(rt: Runtime, settings: ServerSettings, req: Request): Promise<Response> {
  const target = serverTarget(settings.serverurl);
  if ("error" in target) throw target.error;
  try {
    return await rt.request(target.endpoint, req);
  } catch (e) {
    throw SocketError.from(e, target.endpoint.transport);
  }
}

const isJson = (res: Response) => (res.headers.get("content-type") ?? "").startsWith("application/json");

/**
 * One request to `/api/v1<path>`; a POST carries `body` as JSON.
 *
 * @returns The answer, or null when the server has no JSON API.
 * @throws {ProtocolError} for a 401 (as an XML-RPC call would).
 * @throws {SocketError} when the server cannot be reached.
 */
export async function apiRequest(
  rt: Runtime,
  settings: ServerSettings,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<ApiReply | null> {
  const headers: Record<string, string> = { "Accept": "application/json", ...authHeader(settings) };
  if (method === "POST") headers["Content-Type"] = "application/json";
  const init: RequestInit = { method, headers };
  if (method === "POST") init.body = JSON.stringify(body ?? {});
  const res = await send(rt, settings, new Request(`http://localhost/api/v1${path}`, init));
  if (res.status === 401) {
    await res.body?.cancel().catch(() => {});
    throw new ProtocolError(`127.0.0.1/api/v1${path}`, 401, res.statusText);
  }
  if (!isJson(res)) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  return { status: res.status, body: await res.json() };
}

/**
 * Opens an event stream at `/api/v1<path>`; null when the server has no
 * JSON API or refuses the stream (the caller falls back to polling).
 */
export async function apiStream(
  rt: Runtime,
  settings: ServerSettings,
  path: string,
  headers: Record<string, string> = {},
): Promise<ReadableStream<Uint8Array> | null> {
  const req = new Request(`http://localhost/api/v1${path}`, {
    headers: { "Accept": "text/event-stream", ...authHeader(settings), ...headers },
  });
  const res = await send(rt, settings, req);
  if (res.status !== 200 || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  return res.body;
}

/**
 * Whether the server has the JSON API, asked with a GET (supervisord
 * 4.2.5's Medusa may close the connection on a POST to a path it does not
 * serve before reading the body, so a POST is no probe).
 */
export async function hasApi(rt: Runtime, settings: ServerSettings): Promise<boolean> {
  return (await apiRequest(rt, settings, "GET", "/health")) !== null;
}
