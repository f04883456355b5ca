/**
 * Bun adapter, HTTP: serving and the client, both through node:http (see
 * _node_http.ts for why not `Bun.serve` and fetch).
 *
 * Server timeouts are lifted so a `supervisorctl tail -f` response can stay
 * open for hours: no socket inactivity timeout, no whole-request timeout,
 * and idle keep-alive connections are kept for 30 minutes, as Medusa does
 * (SURFACE HTTP.keepalive). No request body size limit is imposed (Medusa
 * has none; `Bun.serve`'s would be 128 MiB).
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`) and
 * supervisor/xmlrpc.py (`SupervisorTransport`).
 * @module
 */

import { createServer, request as nodeHttpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Endpoint, Handler, Listener } from "./types.ts";
import { mapError } from "./_map_error.ts";
import { nodeHandler, nodeRequest } from "./_node_http.ts";

const KEEP_ALIVE_MS = 30 * 60 * 1000;

/** Serves `handler` at `at`. */
export async function bunServe(at: Endpoint, handler: Handler): Promise<Listener> {
  const live = new Set<() => void>();
  const track = (stop: () => void) => {
    live.add(stop);
    return () => void live.delete(stop);
  };
  const defaultHost = at.transport === "unix" ? "localhost" : `${at.hostname || "localhost"}:${at.port}`;
  const server = createServer(nodeHandler(handler, defaultHost, track));
  server.timeout = 0;
  server.requestTimeout = 0;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(mapError(e, `serve ${describe(at)}`)));
    if (at.transport === "unix") server.listen({ path: at.path }, resolve);
    else server.listen({ host: at.hostname === "" ? "0.0.0.0" : at.hostname, port: at.port }, resolve);
  });
  const address = server.address();
  const endpoint: Endpoint = at.transport === "tcp" && typeof address === "object" && address !== null
    ? { ...at, port: (address as AddressInfo).port }
    : at;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const stop of [...live]) stop();
      server.closeAllConnections();
    });
  return { endpoint, close };
}

/** Sends one request over node:http. */
export function bunRequest(at: Endpoint, req: Request): Promise<Response> {
  return nodeRequest(nodeHttpRequest, at, req);
}

function describe(at: Endpoint): string {
  return at.transport === "unix" ? at.path : `${at.hostname}:${at.port}`;
}
