/**
 * Deno adapter, HTTP: serving with `Deno.serve` on a unix socket or TCP, and
 * the client through node:http (see _node_http.ts for why not fetch).
 *
 * `Deno.serve` accepts what the stock Python clients send (an empty `Host:`
 * header, the extra CRLF after the tail client's headers) and flushes each
 * chunk of a streamed body. Its `shutdown()` waits for open responses, so
 * streamed bodies are tracked and ended when the listener closes.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`) and
 * supervisor/xmlrpc.py (`SupervisorTransport`).
 * @module
 */

import { request as nodeHttpRequest } from "node:http";
import type { Endpoint, Handler, Listener } from "./types.ts";
import { mapError } from "./_map_error.ts";
import { nodeRequest } from "./_node_http.ts";

/** Wraps a body so `stop()` can end it (and cancel its source) early. */
function trackedBody(body: ReadableStream<Uint8Array>, live: Set<() => void>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stop = () => {
    live.delete(stop);
    try {
      controller.close();
    } catch {
      // Already closed or errored.
    }
    reader.cancel().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      live.add(stop);
    },
    async pull(c) {
      const r = await reader.read();
      if (r.done) {
        live.delete(stop);
        c.close();
      } else {
        c.enqueue(r.value);
      }
    },
    cancel(reason) {
      live.delete(stop);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Serves `handler` at `at`. */
export function denoServe(at: Endpoint, handler: Handler): Promise<Listener> {
  const live = new Set<() => void>();
  const serveHandler = async (req: Request): Promise<Response> => {
    let res: Response;
    try {
      res = await handler(req);
    } catch {
      return new Response("Internal Server Error", { status: 500 });
    }
    if (res.body === null) return res;
    return new Response(trackedBody(res.body, live), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
  const common = {
    onListen() {},
    onError: () => new Response("Internal Server Error", { status: 500 }),
  };
  let server: Deno.HttpServer<Deno.NetAddr> | Deno.HttpServer<Deno.UnixAddr>;
  try {
    server = at.transport === "unix"
      ? Deno.serve({ ...common, path: at.path }, serveHandler)
      : Deno.serve({ ...common, hostname: at.hostname === "" ? "0.0.0.0" : at.hostname, port: at.port }, serveHandler);
  } catch (e) {
    return Promise.reject(mapError(e, `serve ${describe(at)}`));
  }
  const addr = server.addr;
  const endpoint: Endpoint = at.transport === "tcp" && addr.transport === "tcp" ? { ...at, port: addr.port } : at;
  const close = async () => {
    const done = server.shutdown();
    for (const stop of [...live]) stop();
    await done;
  };
  return Promise.resolve({ endpoint, close });
}

/** Sends one request over node:http. */
export function denoRequest(at: Endpoint, req: Request): Promise<Response> {
  return nodeRequest(nodeHttpRequest, at, req);
}

function describe(at: Endpoint): string {
  return at.transport === "unix" ? at.path : `${at.hostname}:${at.port}`;
}
