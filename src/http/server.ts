/**
 * The HTTP front of supervisord as one runtime-free {@linkcode Handler}:
 * Basic auth, then a table of {@linkcode Route}s composed in one place
 * ({@linkcode routeTable}): `/RPC2` (XML-RPC), `/logtail/<name>[/<channel>]`,
 * `/mainlogtail`, then the web UI's pages; whatever no route takes goes to
 * the fallback. A new front (`/api/v1`, `/metrics`) is one more entry in
 * that table, behind the same authentication.
 *
 * Routing as supervisord's Medusa server does it (SURFACE HTTP.routes), on
 * the URL-unquoted path: a path *starting with* `/RPC2` is XML-RPC (POST
 * only, else 400; no Content-Length → 411); starting with `/logtail` or
 * `/mainlogtail` is a log tail (GET only, else 400; nothing to tail → 404);
 * the rest goes to `fallback`, which by default answers like Medusa's file
 * handler with no files: 404 for GET/HEAD, 400 otherwise. With credentials
 * every route requires them (AUTH.basic), answering 401 with
 * `WWW-Authenticate: Basic realm="default"` and `Connection: close`.
 *
 * Decisions beyond Python: request bodies are capped (`maxBodyBytes`,
 * default {@linkcode DEFAULT_MAX_BODY_BYTES}); a larger Content-Length is
 * answered 413 before any of the body is read, and a body that turns out
 * larger is abandoned at the cap. `GET /logtail` with no name is 404
 * (supervisord answers 500, SURFACE HTTP.logtail QUIRK). Tail responses
 * have no Content-Length, so the runtime adapters send them chunked, as the
 * stock `supervisorctl tail -f` requires. Nothing here reads the Host
 * header (the stock tail client sends it empty).
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`,
 * `logtail_handler`, `mainlogtail_handler`, `supervisor_auth_handler`),
 * supervisor/medusa/xmlrpc_handler.py (`collector`) and
 * supervisor/medusa/default_handler.py.
 * @module
 */

import type { Handler, RawHandler, RawResponse } from "../runtime/types.ts";
import type { RpcReply } from "../rpc/dispatcher.ts";
import { type AuthOutcome, checkBasicAuth, type Credentials } from "./_basic_auth.ts";
import { errorReply, errorResponse, httpDate, SERVER_HEADER, toResponse } from "./_responses.ts";

export type { Credentials } from "./_basic_auth.ts";

/** 16 MiB: far above anything the stock clients send, low enough to bound memory. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A log file being followed: its bytes as they come, and its modification time. */
export interface LogTail {
  /** The last 1024 bytes, then appended bytes as they arrive; never ends by itself. */
  body: ReadableStream<Uint8Array>;
  /** File modification time, ms since the epoch (sent as Last-Modified). */
  mtime: number;
}

/** Where tails come from; the engine implements it. null means 404. */
export interface LogTailSource {
  /**
   * Follows one process's log.
   *
   * @param name The process as given in the URL (`name` or `group:name`), unresolved.
   * @param channel Which log.
   * @returns The tail, or null when the process is unknown, has no such log, or the file is missing.
   */
  processLog(name: string, channel: "stdout" | "stderr"): Promise<LogTail | null>;
  /** Follows supervisord's main log; null when there is none (or it is syslog, or missing). */
  mainLog(): Promise<LogTail | null>;
}

/**
 * One entry of the route table: requests whose path is `path` (with
 * `exact`) or starts with it (without) go to `handle`. Routes are tried in
 * table order; the first that matches answers.
 */
export interface Route {
  /** The URL-unquoted path, `;params` removed, that the route answers (or the prefix of those paths). */
  readonly path: string;
  /** Match the whole path rather than a prefix. Default false. */
  readonly exact?: boolean;
  /**
   * Answer without the server's authentication (`/metrics` with
   * `metrics_auth = false`). Default false.
   */
  readonly public?: boolean;
  /**
   * Answers a request (any method: refusing a method is the route's business).
   *
   * @param req The request, after authentication.
   * @param path The path it was matched on (URL-unquoted, `;params` removed).
   */
  handle(req: Request, path: string): Promise<Response> | Response;
}

/** What the front needs. */
export interface HttpFrontOptions {
  /** Handles `POST /RPC2` bodies (an `RpcDispatcher`). */
  rpc: { handle(body: Uint8Array): Promise<RpcReply> };
  /** The server section's username and password; absent or null: no authentication. */
  credentials?: Credentials | null;
  /** Log tails; absent: every tail is 404. */
  logs?: LogTailSource;
  /** Further fronts (a JSON API, metrics), tried after supervisord's own routes and before the UI. */
  routes?: readonly Route[];
  /** The web UI's routes (`uiRoutes()`), tried last. */
  ui?: readonly Route[];
  /** What answers a path no route takes; default: 404 for GET/HEAD, 400 for other methods. */
  fallback?: Handler;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Receives the lines supervisord writes to its stderr (auth complaints). */
  stderr?: (line: string) => void;
}

const lossyUtf8 = new TextDecoder();

/** Python's `urllib.parse.unquote`: %XX runs decoded as UTF-8 with replacement; stray `%` kept. */
export function pyUnquote(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return lossyUtf8.decode(bytes);
  });
}

const defaultFallback: Handler = (req) =>
  Promise.resolve(errorResponse(req.method === "GET" || req.method === "HEAD" ? 404 : 400));

/** Reads at most `max` bytes of the body; null when it is longer. */
export async function readBody(req: Request, max: number): Promise<Uint8Array | null> {
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

/**
 * The answer to a request on `/RPC2`, from its method, its Content-Length
 * header and a reader of its body: what both the Request route and the raw
 * fast path send.
 */
async function rpcAnswer(
  method: string,
  length: string | null,
  body: Uint8Array | ((max: number) => Promise<Uint8Array | null>),
  opts: HttpFrontOptions,
  max: number,
): Promise<RawResponse> {
  if (method !== "POST") return errorReply(400);
  if (length === null || length === "") return errorReply(411);
  if (!/^[0-9]+$/.test(length)) return errorReply(400);
  if (Number(length) > max) return errorReply(413, { "Connection": "close" });
  const bytes = typeof body === "function" ? await body(max) : body.length > max ? null : body;
  if (bytes === null) return errorReply(413, { "Connection": "close" });
  const reply = await opts.rpc.handle(bytes);
  if (reply.status !== 200) return errorReply(reply.status);
  return {
    status: 200,
    headers: [
      ["Server", SERVER_HEADER],
      ["Content-Type", "text/xml"],
      ["Content-Length", String(reply.body.byteLength)],
    ],
    body: reply.body,
    release: reply.release,
  };
}

async function rpcRoute(req: Request, opts: HttpFrontOptions, max: number): Promise<Response> {
  const answer = await rpcAnswer(req.method, req.headers.get("content-length"), (m) => readBody(req, m), opts, max);
  // A Response keeps its body: a lent one is copied first.
  const body = answer.release === undefined ? answer.body : answer.body.slice();
  answer.release?.();
  return toResponse({ ...answer, body });
}

function tailResponse(tail: LogTail, accelHeader: boolean): Response {
  const headers: Record<string, string> = {
    "Server": SERVER_HEADER,
    "Last-Modified": httpDate(tail.mtime),
    "Content-Type": "text/plain;charset=utf-8",
  };
  if (accelHeader) headers["X-Accel-Buffering"] = "no";
  return new Response(tail.body, { status: 200, headers });
}

async function logtailRoute(req: Request, path: string, logs: LogTailSource | undefined): Promise<Response> {
  if (req.method !== "GET") return errorResponse(400);
  // "logtail/<name>[/<channel>]"; the first segment is skipped whatever it is, as Python does.
  const stripped = path.replace(/^\/+/, "");
  const slash = stripped.indexOf("/");
  if (slash === -1) return errorResponse(404);
  const rest = stripped.slice(slash + 1);
  const sep = rest.indexOf("/");
  const name = sep === -1 ? rest : rest.slice(0, sep);
  const channel = sep === -1 ? "stdout" : rest.slice(sep + 1);
  if (channel !== "stdout" && channel !== "stderr") return errorResponse(404);
  const tail = logs === undefined ? null : await logs.processLog(name, channel);
  return tail === null ? errorResponse(404) : tailResponse(tail, true);
}

async function mainlogtailRoute(req: Request, logs: LogTailSource | undefined): Promise<Response> {
  if (req.method !== "GET") return errorResponse(400);
  const tail = logs === undefined ? null : await logs.mainLog();
  return tail === null ? errorResponse(404) : tailResponse(tail, false);
}

/**
 * Every route a server answers, in matching order: supervisord's XML-RPC
 * and log tails, further fronts (`/api/v1`, `/metrics`), then the web UI.
 */
export function routeTable(opts: HttpFrontOptions): Route[] {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return [
    { path: "/RPC2", handle: (req) => rpcRoute(req, opts, max) },
    { path: "/logtail", handle: (req, path) => logtailRoute(req, path, opts.logs) },
    { path: "/mainlogtail", handle: (req) => mainlogtailRoute(req, opts.logs) },
    ...(opts.routes ?? []),
    ...(opts.ui ?? []),
  ];
}

/** The route for `path`, or undefined. */
function match(routes: readonly Route[], path: string): Route | undefined {
  for (const route of routes) {
    if (route.exact ? path === route.path : path.startsWith(route.path)) return route;
  }
  return undefined;
}

/** The path routes match on: URL-unquoted, `;params` removed (Medusa's `split_uri`). */
function routePath(req: Request): string {
  const pathname = new URL(req.url).pathname;
  const semicolon = pathname.indexOf(";");
  return pyUnquote(semicolon === -1 ? pathname : pathname.slice(0, semicolon));
}

/**
 * A handler that answers with the first of `routes` matching the request's
 * path (URL-unquoted, `;params` removed, as Medusa's `split_uri` does), or
 * with `fallback` (default: 404 for GET/HEAD, 400 otherwise).
 */
export function createRouter(routes: readonly Route[], fallback: Handler = defaultFallback): Handler {
  return async (req) => {
    const path = routePath(req);
    const route = match(routes, path);
    return await (route === undefined ? fallback(req) : route.handle(req, path));
  };
}

/** The answer to a failed authentication, as supervisord sends it. */
function authFailure(verdict: Exclude<AuthOutcome, "ok">): RawResponse {
  if (verdict === "unauthorized") {
    return errorReply(401, { "Connection": "close", "WWW-Authenticate": 'Basic realm="default"' });
  }
  return errorReply(verdict === "bad-request" ? 400 : 500);
}

/**
 * Builds the handler to pass to `Runtime.serve()` for one server section:
 * authentication, then {@linkcode routeTable}, then the fallback. It carries
 * a raw fast path ({@linkcode Handler.raw}) for `POST /RPC2`, the request
 * every client sends most, answered with exactly what the route answers.
 *
 * @param opts The dispatcher, credentials, log source, UI routes and fallback.
 * @returns The handler; it never rejects (failures become Medusa's 500 page).
 */
export function createHttpHandler(opts: HttpFrontOptions): Handler {
  const routes = routeTable(opts);
  const route = createRouter(routes, opts.fallback);
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const creds = opts.credentials ?? null;
  // Only a table with a public route pays for looking the route up before authentication.
  const anyPublic = routes.some((r) => r.public === true);
  const isPublic = (req: Request) => anyPublic && match(routes, routePath(req))?.public === true;
  let accepted: string | null = null; // the last Authorization header that passed: same header, same verdict
  const authenticate = async (header: string | null): Promise<AuthOutcome> => {
    if (creds === null || (header !== null && header === accepted)) return "ok";
    const verdict = await checkBasicAuth(header, creds, opts.stderr);
    if (verdict === "ok") accepted = header;
    return verdict;
  };
  const handler = async (req: Request): Promise<Response> => {
    try {
      if (!isPublic(req)) {
        const verdict = await authenticate(req.headers.get("authorization"));
        if (verdict === "unauthorized") {
          // The client may still be sending its body (supervisorctl sends it
          // after the head): take it in first, so closing the connection does
          // not break the client's write before it reads the 401.
          await readBody(req, max);
        }
        if (verdict !== "ok") return toResponse(authFailure(verdict));
      }
      return await route(req);
    } catch {
      return errorResponse(500);
    }
  };
  const raw: RawHandler = async (req) => {
    if (req.target !== "/RPC2") return null;
    try {
      const verdict = creds === null ? "ok" : await authenticate(req.header("authorization"));
      if (verdict !== "ok") return authFailure(verdict);
      return await rpcAnswer(req.method, req.header("content-length"), req.body, opts, max);
    } catch {
      return errorReply(500);
    }
  };
  return Object.assign(handler, { raw });
}
