/**
 * Bun adapter, HTTP: serving with the HTTP/1.x server of _http_server.ts
 * over `Bun.listen` sockets (unix or TCP), and the client through node:http
 * (see _node_http.ts for why not fetch), loaded only when a request is made.
 *
 * Why raw sockets: Medusa's framing and headers are reproduced exactly (no
 * `Connection`/`Keep-Alive` headers of node:http, the request's version
 * echoed), the stock tail client's extra CRLF is accepted (`Bun.serve`
 * answers it 400), and a request costs no node:http objects: the daemon
 * answers several times faster and its memory stays flat under load.
 * `Bun.listen` sockets do not buffer: `write` returns how much the kernel
 * took, and the rest is kept here, in pooled buffers, until `drain`.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`) and
 * supervisor/xmlrpc.py (`SupervisorTransport`).
 * @module
 */

/// <reference types="./_bun_types.d.ts" />

import { rmSync } from "node:fs";
import type { Endpoint, Handler, Listener } from "./types.ts";
import { mapError } from "./_map_error.ts";
import { type HttpConnection, HttpServer, type Transport } from "./_http_server.ts";
import { nodeRequest, type NodeRequestFn } from "./_node_http.ts";
import { BufferPool } from "./_buffer_pool.ts";

/** Bytes the kernel has not taken yet: `buf[at, end)`, in a pooled buffer. */
interface Pending {
  buf: Uint8Array;
  at: number;
  end: number;
}

/** What each Bun socket carries. */
interface SocketState {
  conn: HttpConnection | null;
  /** Bytes the kernel did not take yet, in order. */
  pending: Pending[] | null;
  ending: boolean;
}

const pool = new BufferPool();

/** Keeps `bytes` (which the caller may reuse) until the socket drains. */
function hold(bytes: Uint8Array): Pending {
  const buf = pool.take(bytes.length);
  buf.set(bytes);
  return { buf, at: 0, end: bytes.length };
}

function transportOf(socket: Bun.Socket<SocketState>): Transport {
  const st = socket.data;
  return {
    write(bytes) {
      if (st.pending !== null) {
        st.pending.push(hold(bytes));
        return false;
      }
      const n = socket.write(bytes);
      if (n >= bytes.length) return true;
      st.pending = [hold(bytes.subarray(Math.max(0, n)))];
      return false;
    },
    end() {
      if (st.pending !== null) st.ending = true;
      else socket.end();
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

/** Writes what is pending; true when nothing is left. */
function flush(socket: Bun.Socket<SocketState>): boolean {
  const st = socket.data;
  const pending = st.pending;
  while (pending !== null && pending.length > 0) {
    const out = pending[0]!;
    const n = socket.write(out.buf.subarray(out.at, out.end));
    out.at += Math.max(0, n);
    if (out.at < out.end) return false;
    pending.shift();
    pool.give(out.buf);
  }
  st.pending = null;
  return true;
}

/**
 * Input chunks (about one per request) between two young-generation
 * collections. JSC sizes its collection thresholds by the heap's extra
 * memory, and every child pipe reader (`Bun.file(fd).stream()`, bun_pipe.ts)
 * reports a 256 KiB buffer there, so with 50 programs the daemon let
 * 50-60 MiB of request garbage pile up between collections under load
 * (measured: 100 idle pipe readers took a bare server's growth under the
 * same load from +26 to +63 MiB). An eden collection every
 * {@linkcode CHUNKS_PER_EDEN_GC} chunks keeps it near +20 MiB at 200
 * connections; each costs a few milliseconds on this 2-core machine, so
 * collecting every 500 chunks (+15 MiB) cost about a quarter of the
 * requests per second, and every 2,000 let it reach +36 MiB.
 */
export const CHUNKS_PER_EDEN_GC = 1000;

let chunks = 0;
let edenGC: (() => void) | null = null;
let loadingGC = false;

/** Counts a chunk; every CHUNKS_PER_EDEN_GC-th runs an eden collection (bun:jsc, loaded on first use). */
function countChunk(): void {
  if (++chunks < CHUNKS_PER_EDEN_GC) return;
  chunks = 0;
  if (edenGC !== null) return edenGC();
  if (loadingGC) return;
  loadingGC = true;
  import("bun:jsc").then((jsc) => void (edenGC = jsc.edenGC)).catch(() => {});
}

/** Serves `handler` at `at`. */
export function bunServe(at: Endpoint, handler: Handler): Promise<Listener> {
  const defaultHost = at.transport === "unix" ? "localhost" : `${at.hostname || "localhost"}:${at.port}`;
  const server = new HttpServer(handler, defaultHost);
  const socket: Bun.SocketHandler<SocketState> = {
    open(s) {
      s.data = { conn: null, pending: null, ending: false };
      if (at.transport === "tcp") s.setNoDelay(true);
      s.data.conn = server.open(transportOf(s));
    },
    data(s, chunk) {
      countChunk();
      s.data.conn?.data(chunk);
    },
    drain(s) {
      if (!flush(s)) return;
      if (s.data.ending) s.end();
      else s.data.conn?.drained();
    },
    end: (s) => s.data.conn?.ended(),
    close: (s) => s.data.conn?.closed(),
    error: (s) => s.data.conn?.closed(),
  };
  let listener: Bun.SocketListener;
  try {
    listener = at.transport === "unix"
      ? Bun.listen<SocketState>({ unix: at.path, socket })
      : Bun.listen<SocketState>({ hostname: at.hostname === "" ? "0.0.0.0" : at.hostname, port: at.port, socket });
  } catch (e) {
    return Promise.reject(mapError(e, `serve ${describe(at)}`));
  }
  const endpoint: Endpoint = at.transport === "tcp" ? { ...at, port: listener.port } : at;
  const close = () => {
    server.close();
    listener.stop(true);
    if (at.transport === "unix") rmSync(at.path, { force: true });
    return Promise.resolve();
  };
  return Promise.resolve({ endpoint, close });
}

let nodeRequestFn: Promise<NodeRequestFn> | null = null;

/** Sends one request over node:http (imported on first use: the daemon itself never needs it). */
export async function bunRequest(at: Endpoint, req: Request): Promise<Response> {
  nodeRequestFn ??= import("node:http").then((m) => m.request as unknown as NodeRequestFn);
  return nodeRequest(await nodeRequestFn, at, req);
}

function describe(at: Endpoint): string {
  return at.transport === "unix" ? at.path : `${at.hostname}:${at.port}`;
}
