/**
 * Bridges between the fetch types the core speaks (`Request`, `Response`)
 * and the node:http objects the adapters use: the HTTP client of both
 * adapters, and the HTTP server of the Bun adapter. Pure: the adapters pass
 * node:http's functions in; this file names no host API.
 *
 * Why node:http. For the client: Deno's fetch over a unix socket sends an
 * absolute-form request target (`POST http://localhost/RPC2`), which Python
 * supervisord's Medusa server does not route, and both runtimes' fetch honour
 * `http_proxy` and refuse "bad ports" such as 6000. node:http sends
 * origin-form targets straight to the socket. For the Bun server: `Bun.serve`
 * answers 400 to the empty line the stock `supervisorctl tail -f` client sends
 * after its headers (oven-sh/bun PR #33634, open for Bun 1.4.5), which cuts
 * the streamed response; Bun's node:http server accepts it.
 *
 * Python counterpart: supervisor/http.py and supervisor/medusa (server side),
 * supervisor/xmlrpc.py `SupervisorTransport` (client side).
 * @module
 */

import type { Endpoint, Handler } from "./types.ts";
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

/** The parts of node:http's `ServerResponse` used here. */
export interface NodeServerResponse {
  writeHead(status: number, statusMessage: string, headers: Record<string, string | string[]>): unknown;
  flushHeaders(): void;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array): unknown;
  once(event: "drain" | "close", fn: () => void): unknown;
  off(event: "drain" | "close", fn: () => void): unknown;
  readonly writableEnded: boolean;
}

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

/**
 * Adapts a fetch-style handler to node:http's `(req, res)` callback.
 *
 * @param handler The core's handler.
 * @param defaultHost Authority for `req.url` when the Host header is empty
 *   (the stock tail client sends `Host:` empty over unix sockets).
 * @param track Registers a cleanup that force-ends a streamed response when
 *   the listener closes; returns the unregister function.
 */
export function nodeHandler(
  handler: Handler,
  defaultHost: string,
  track: (stop: () => void) => () => void,
): (req: NodeIncoming, res: NodeServerResponse) => void {
  return (req, res) => {
    void serveOne(handler, defaultHost, track, req, res);
  };
}

async function serveOne(
  handler: Handler,
  defaultHost: string,
  track: (stop: () => void) => () => void,
  req: NodeIncoming,
  res: NodeServerResponse,
): Promise<void> {
  let response: Response;
  let body: ReadableStream<Uint8Array> | null = null;
  let request: Request | null = null;
  try {
    const headers = headersFromRaw(req.rawHeaders);
    const method = req.method ?? "GET";
    // The body streams: the handler decides how much of it to read (body caps).
    body = method === "GET" || method === "HEAD" ? null : incomingBody(req);
    const init: RequestInit & { duplex?: "half" } = { method, headers, body, duplex: "half" };
    request = new Request(requestUrl(req.url ?? "/", headers, defaultHost), init);
    response = await handler(request);
  } catch {
    response = new Response("Internal Server Error", { status: 500 });
  }
  if (body !== null && request !== null && !request.bodyUsed) body.cancel().catch(() => {});
  if (response.status === 413 && body !== null) {
    // A body refused as too large is discarded as it arrives (above) and the
    // connection kept, so the client still reads the 413: closing with unread
    // input would reset the connection and lose the reply.
    const headers = new Headers(response.headers);
    headers.delete("connection");
    response = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
  await writeResponse(response, res, track);
}

function requestUrl(target: string, headers: Headers, defaultHost: string): string {
  const path = target.startsWith("/") ? target : `/${target}`;
  const host = headers.get("host") ?? "";
  if (host !== "") {
    try {
      return new URL(path, `http://${host}`).href;
    } catch {
      // An unusable Host header falls back to the listener's authority.
    }
  }
  return new URL(path, `http://${defaultHost}`).href;
}

/**
 * Writes a Response: the head first (flushed at once for streamed bodies,
 * also when the body has nothing to send yet), then each chunk as the body
 * yields it, honouring backpressure. A body that is complete within one
 * macrotask is sent with Content-Length instead.
 */
async function writeResponse(
  response: Response,
  res: NodeServerResponse,
  track: (stop: () => void) => () => void,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (response.body === null) {
    res.writeHead(response.status, response.statusText, headers);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  let closed = false;
  const stop = () => {
    closed = true;
    reader.cancel().catch(() => {});
  };
  res.once("close", stop);
  const untrack = track(() => {
    stop();
    if (!res.writableEnded) res.end();
  });
  try {
    await pump(reader, res, response, headers, () => closed);
  } catch {
    stop();
    if (!res.writableEnded) res.end();
  } finally {
    untrack();
  }
}

async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: NodeServerResponse,
  response: Response,
  headers: Record<string, string | string[]>,
  isClosed: () => boolean,
): Promise<void> {
  const streamHead = () => {
    res.writeHead(response.status, response.statusText, headers);
    res.flushHeaders();
  };
  let next = reader.read();
  const first = await Promise.race([next, nextMacrotask()]);
  if (first === undefined) {
    // Nothing to send yet (the tail of an empty log): the head goes out now, the body follows chunked.
    streamHead();
  } else if (first.done) {
    res.writeHead(response.status, response.statusText, headers);
    res.end();
    return;
  } else {
    next = reader.read();
    const second = await Promise.race([next, nextMacrotask()]);
    if (second?.done === true) {
      // Complete within a macrotask: node:http sends it with a Content-Length.
      res.writeHead(response.status, response.statusText, headers);
      res.end(first.value);
      return;
    }
    streamHead();
    await send(res, first.value);
  }
  while (!isClosed()) {
    const r = await next;
    if (r.done) break;
    await send(res, r.value);
    next = reader.read();
  }
  if (!res.writableEnded) res.end();
}

function nextMacrotask(): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), 0));
}

async function send(res: NodeServerResponse, chunk: Uint8Array): Promise<void> {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.once("drain", done);
      res.once("close", done);
    });
  }
}
