/**
 * The HTTP client of both adapters, over node:http: a fetch `Request` in, a
 * `Response` out (its body streamed). Pure: the adapters pass node:http's
 * `request` function in; this file names no host API.
 *
 * Why node:http: Deno's fetch over a unix socket sends an absolute-form
 * request target (`POST http://localhost/RPC2`), which Python supervisord's
 * Medusa server does not route, and both runtimes' fetch honour `http_proxy`
 * and refuse "bad ports" such as 6000. node:http sends origin-form targets
 * straight to the socket.
 *
 * Python counterpart: supervisor/xmlrpc.py (`SupervisorTransport`).
 * @module
 */

import type { Endpoint } from "./types.ts";
import { mapError } from "./_map_error.ts";

/** The parts of node:http's `IncomingMessage` used here. */
export interface NodeIncoming {
  method?: string | undefined;
  url?: string | undefined;
  statusCode?: number | undefined;
  statusMessage?: string | undefined;
  rawHeaders: string[];
  on(event: "data", fn: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", fn: () => void): unknown;
  on(event: "error", fn: (e: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(error?: Error): unknown;
}

/** The parts of node:http's `ClientRequest` used here. */
export interface NodeClientRequest {
  on(event: "error", fn: (e: Error) => void): unknown;
  end(data?: Uint8Array): unknown;
  destroy(error?: Error): unknown;
}

/** Options passed to node:http's `request()`. */
export interface NodeRequestOptions {
  socketPath?: string;
  host?: string;
  port?: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  agent: false;
}

/** node:http's `request(options, callback)`. */
export type NodeRequestFn = (
  options: NodeRequestOptions,
  callback: (res: NodeIncoming) => void,
) => NodeClientRequest;

/** Statuses whose responses have no body (the Response constructor rejects one). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** Builds Headers from node's flat `[name, value, name, value, …]` list. */
export function headersFromRaw(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] ?? "", raw[i + 1] ?? "");
    } catch {
      // A header fetch cannot represent (e.g. a non-token name) is dropped.
    }
  }
  return headers;
}

/** A ReadableStream over an IncomingMessage, with backpressure. */
export function incomingBody(msg: NodeIncoming): ReadableStream<Uint8Array> {
  // Once the reader cancels, events node:http has already queued must not
  // reach the controller (enqueue after cancel throws, uncaught).
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      msg.on("data", (chunk) => {
        if (cancelled) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) msg.pause();
      });
      msg.on("end", () => {
        if (!cancelled) controller.close();
      });
      msg.on("error", (e) => {
        if (!cancelled) controller.error(mapError(e));
      });
    },
    pull() {
      msg.resume();
    },
    cancel() {
      // Discard the rest without buffering it; destroying the socket here would
      // also lose the response the handler is about to send (e.g. a 413).
      cancelled = true;
      msg.resume();
    },
  }, { highWaterMark: 4 });
}

/**
 * Sends `req` through node:http to `at` and resolves with the response once
 * its head has arrived; the body streams.
 */
export async function nodeRequest(request: NodeRequestFn, at: Endpoint, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const body = req.body === null ? undefined : new Uint8Array(await req.arrayBuffer());
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => (headers[name] = value));
  if (headers["host"] === undefined) {
    headers["host"] = at.transport === "unix" ? "localhost" : `${at.hostname}:${at.port}`;
  }
  if (body !== undefined) headers["content-length"] = String(body.length);
  const target = at.transport === "unix" ? { socketPath: at.path } : { host: at.hostname, port: at.port };
  return await new Promise<Response>((resolve, reject) => {
    const options = { ...target, method: req.method, path: url.pathname + url.search, headers, agent: false } as const;
    const creq = request(options, (res) => {
      const status = res.statusCode ?? 200;
      const resBody = NULL_BODY_STATUS.has(status) || req.method === "HEAD" ? null : incomingBody(res);
      if (resBody === null) res.resume();
      resolve(
        new Response(resBody, { status, statusText: res.statusMessage ?? "", headers: headersFromRaw(res.rawHeaders) }),
      );
    });
    creq.on("error", (e) => reject(mapError(e)));
    const abort = () => creq.destroy(new DOMException("The request was aborted", "AbortError"));
    if (req.signal.aborted) abort();
    else req.signal.addEventListener("abort", abort, { once: true });
    creq.end(body);
  });
}
