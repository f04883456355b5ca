/**
 * Deno adapter, HTTP: serving with the HTTP/1.x server of _http_server.ts
 * over `Deno.listen` connections (unix or TCP), and the client through
 * node:http (see _node_http.ts for why not fetch), loaded only when a
 * request is made.
 *
 * Why not `Deno.serve`: it writes header names in lower case and adds
 * headers Medusa never sends, and its per-request objects made the daemon's
 * memory grow by hundreds of MiB under load. Each connection reads into one
 * buffer of {@linkcode READ_BYTES}, reused for every read (the server copies
 * only what it keeps); writes are copied into pooled buffers
 * ({@linkcode BufferPool}), queued, written in order and given back.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`) and
 * supervisor/xmlrpc.py (`SupervisorTransport`).
 * @module
 */

import type { Endpoint, Handler, Listener } from "./types.ts";
import { mapError } from "./_map_error.ts";
import { type HttpConnection, HttpServer, type Transport } from "./_http_server.ts";
import { nodeRequest, type NodeRequestFn } from "./_node_http.ts";
import { BufferPool } from "./_buffer_pool.ts";

/** Bytes read per `read()` call on a connection. */
export const READ_BYTES = 8 * 1024;
/** Queued output beyond this makes the server wait for `drained()`. */
const QUEUE_BYTES = 64 * 1024;
const pool = new BufferPool();

/** Serves one accepted connection until it closes. */
function serveConnection(server: HttpServer, conn: Deno.Conn, live: Set<Deno.Conn>): void {
  /** Pooled buffers and how much of each is still to write. */
  const queue: Array<{ buf: Uint8Array; at: number; end: number }> = [];
  let queued = 0;
  let writing = false;
  let ending = false;
  let paused = false;
  let reading = false;
  let gone = false;
  const finish = () => {
    if (gone) return;
    gone = true;
    live.delete(conn);
    try {
      conn.close();
    } catch {
      // already closed
    }
    http.closed();
  };
  const writeAll = async () => {
    writing = true;
    try {
      while (queue.length > 0) {
        const out = queue[0]!;
        const n = await conn.write(out.buf.subarray(out.at, out.end));
        queued -= n;
        out.at += n;
        if (out.at < out.end) continue;
        queue.shift();
        pool.give(out.buf);
      }
    } catch {
      return finish();
    } finally {
      writing = false;
    }
    if (ending) return finish();
    http.drained();
  };
  const readAll = async () => {
    reading = true;
    const buf = new Uint8Array(READ_BYTES);
    try {
      while (!paused && !gone) {
        const n = await conn.read(buf);
        if (n === null) return http.ended();
        http.data(buf.subarray(0, n));
      }
    } catch {
      finish();
    } finally {
      reading = false;
    }
  };
  const transport: Transport = {
    write(bytes) {
      if (gone) return true;
      const buf = pool.take(bytes.length);
      buf.set(bytes);
      queue.push({ buf, at: 0, end: bytes.length });
      queued += bytes.length;
      if (!writing) void writeAll();
      return queued <= QUEUE_BYTES;
    },
    end() {
      ending = true;
      if (!writing) finish();
    },
    pause: () => void (paused = true),
    resume() {
      paused = false;
      if (!reading && !gone) void readAll();
    },
  };
  live.add(conn);
  const http: HttpConnection = server.open(transport);
  void readAll();
}

/** Serves `handler` at `at`. */
export function denoServe(at: Endpoint, handler: Handler): Promise<Listener> {
  const defaultHost = at.transport === "unix" ? "localhost" : `${at.hostname || "localhost"}:${at.port}`;
  let listener: Deno.Listener;
  try {
    listener = at.transport === "unix"
      ? Deno.listen({ transport: "unix", path: at.path })
      : Deno.listen({ hostname: at.hostname === "" ? "0.0.0.0" : at.hostname, port: at.port });
  } catch (e) {
    return Promise.reject(mapError(e, `serve ${describe(at)}`));
  }
  const server = new HttpServer(handler, defaultHost);
  const live = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) {
      if (at.transport === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
      serveConnection(server, conn, live);
    }
  })().catch(() => {});
  const addr = listener.addr;
  const endpoint: Endpoint = at.transport === "tcp" && addr.transport === "tcp" ? { ...at, port: addr.port } : at;
  const close = async () => {
    server.close();
    try {
      listener.close();
    } catch {
      // already closed
    }
    for (const conn of [...live]) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await accepting;
    if (at.transport === "unix") await Deno.remove(at.path).catch(() => {});
  };
  return Promise.resolve({ endpoint, close });
}

let nodeRequestFn: Promise<NodeRequestFn> | null = null;

/** Sends one request over node:http (imported on first use: the daemon itself never needs it). */
export async function denoRequest(at: Endpoint, req: Request): Promise<Response> {
  nodeRequestFn ??= import("node:http").then((m) => m.request as unknown as NodeRequestFn);
  return nodeRequest(await nodeRequestFn, at, req);
}

function describe(at: Endpoint): string {
  return at.transport === "unix" ? at.path : `${at.hostname}:${at.port}`;
}
