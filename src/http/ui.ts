/**
 * The web UI: supervisord's status and tail pages at their old URLs (`/`,
 * `/index.html`, `/tail.html?processname=<ns>`, `/ok.html`), rebuilt to be
 * usable every day, as routes for the HTTP front's route table (server.ts;
 * so Basic auth has already been checked).
 *
 * Routes (GET and HEAD unless said otherwise):
 * - `/`, `/index.html`: the status page. `?message=` is shown. An old
 *   `?action=…&processname=…` link does **not** act: it shows a
 *   confirmation form. `POST` runs an action (form fields `action`,
 *   `processname`, `csrf`, optional `return=tail`) and answers 303 to the
 *   page with the outcome as `message`, or JSON `{ok, message}` when the
 *   request accepts `application/json` (what the page script sends).
 * - `/tail.html?processname=<ns>[&limit=<n>]`: the last `limit` bytes of
 *   the process's stdout and stderr logs (at least 1024, as supervisord;
 *   default {@linkcode DEFAULT_TAIL_BYTES}); the script keeps them live.
 * - `/ok.html`: `OK` (health check); `/ui/app.css`, `/ui/app.js`,
 *   `/ui/icon.svg`: the assets; `/ui/status.json`: the status page's data;
 *   `/ui/tail.json?processname=<ns>&stdout=<cursor>&stderr=<cursor>`: what
 *   each log gained since its cursor.
 * - anything else is no UI route: the front answers 404 (400 for methods
 *   other than GET and HEAD), as supervisord's file handler answers for
 *   files it does not have.
 *
 * Live tail: the page polls `ui/tail.json` (every {@linkcode
 * DEFAULT_TAIL_POLL_MS}) rather than holding `/logtail` streams open. A
 * cursor continues exactly where the server-rendered text ended (the
 * stream restarts with the last 1024 bytes, so the two would overlap);
 * polling holds no connection (browsers allow six per host over HTTP/1.1,
 * and a streaming tail per open tab would starve the status polls); it
 * stops while the tab is hidden; and it sees a cleared or rotated log by
 * its inode.
 *
 * Safety: GET never changes anything. Every POST must carry the per-daemon
 * random token that the pages embed (`csrf`), and, when the browser says
 * where the request comes from (`Sec-Fetch-Site`, else `Origin`), come
 * from this origin. Pages forbid framing and inline script
 * (Content-Security-Policy), and every value is HTML-escaped.
 *
 * Python counterpart: supervisor/web.py (`supervisor_ui_handler`,
 * `StatusView`, `TailView`, `OKView`).
 * @module
 */

import { healthView } from "../health/health_checks.ts";
import { SUPERVISOR_VERSION } from "../version.ts";
import type { Channel } from "../logging/types.ts";
import { type ApiContext, resolve } from "../rpc/api_context.ts";
import { RpcError } from "../rpc/faults.ts";
import { supervisorStateName } from "../states.ts";
import { errorResponse, SERVER_HEADER } from "./_responses.ts";
import { isUiAction, runAction } from "./_ui_actions.ts";
import { logOf, readLogChunk, snapshot, uiProcess } from "./_ui_data.ts";
import { confirmPage, errorPage, type PageFrame, statusPage, tailPage } from "./_ui_render.ts";
import type { Handler } from "../runtime/types.ts";
import { createRouter, readBody, type Route } from "./server.ts";
import { ICON_SVG, UI_CSS, UI_SCRIPT } from "./ui_assets.ts";

/** Bytes of each log the tail page starts with when the link gives no `limit`. */
export const DEFAULT_TAIL_BYTES = 64 * 1024;
/** The most the tail page shows at first, whatever `limit` asks. */
export const MAX_TAIL_BYTES = 4 * 1024 * 1024;
/** How often the status page refreshes itself, in ms. */
export const DEFAULT_STATUS_POLL_MS = 2000;
/** How often the tail page asks for more log, in ms. */
export const DEFAULT_TAIL_POLL_MS = 1000;
/** The most one `ui/tail.json` read returns per log (older bytes are reported as skipped). */
export const MAX_TAIL_READ = 256 * 1024;
/** Largest action form body accepted. */
const MAX_FORM_BYTES = 64 * 1024;

/** Options of {@linkcode uiRoutes}. */
export interface UiOptions {
  /** The token action forms must carry; default: 32 random bytes as hex, new for each daemon. */
  token?: string;
  /** The version in the footer; default supervisord's (4.2.5). */
  version?: string;
  statusPollMs?: number;
  tailPollMs?: number;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

/** supervisord's no-cache headers (SURFACE WEB.index), and no-store since pages carry the token. */
const NO_CACHE: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store, no-cache",
  "Pragma": "no-cache",
  "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
};

const encoder = new TextEncoder();

function respond(status: number, body: string, type: string, extra: Record<string, string> = {}): Response {
  const bytes = encoder.encode(body);
  return new Response(bytes, {
    status,
    headers: {
      "Server": SERVER_HEADER,
      "Content-Type": type,
      "Content-Length": String(bytes.byteLength),
      ...SECURITY_HEADERS,
      ...extra,
    },
  });
}

const htmlResponse = (status: number, body: string) => respond(status, body, "text/html;charset=utf-8", NO_CACHE);
const jsonResponse = (status: number, value: unknown) =>
  respond(status, JSON.stringify(value), "application/json;charset=utf-8", NO_CACHE);

/** A random token: 32 bytes as hex. */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares in time independent of where the strings differ. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * True unless the browser says the request comes from another site:
 * `Sec-Fetch-Site` when sent (same-origin, or none for a user's own
 * navigation), else `Origin`/`Referer` against the request's host. Clients
 * that send none of them (curl, scripts) rely on the token alone.
 */
export function fromSameOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const host = new URL(req.url).host;
  for (const header of ["origin", "referer"]) {
    const value = req.headers.get(header);
    if (value === null) continue;
    try {
      return new URL(value).host === host;
    } catch {
      return false;
    }
  }
  return true;
}

/** Reads at most `max` bytes of the body as text; null when it is longer. */
async function readForm(req: Request, max: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  const body = await readBody(req, max);
  return body === null ? null : new TextDecoder().decode(body);
}

const wantsJson = (req: Request) => (req.headers.get("accept") ?? "").includes("application/json");
const isRead = (method: string) => method === "GET" || method === "HEAD";

/** The same response without its body (HEAD). */
function headOnly(res: Response): Response {
  return new Response(null, { status: res.status, headers: res.headers });
}

const LONG_CACHE = { "Cache-Control": "public, max-age=31536000" };

/** Builds the UI's routes over the daemon's RPC context; see the module documentation. */
export function uiRoutes(ctx: ApiContext, opts: UiOptions = {}): Route[] {
  const ui = new WebUi(ctx, opts);
  /**
   * A route answering GET and HEAD (the same response without its body),
   * and POST with `post` when given; other methods are 400.
   */
  const page = (
    path: string,
    render: (url: URL) => Promise<Response> | Response,
    post?: (req: Request) => Promise<Response> | Response,
  ): Route => ({
    path,
    exact: true,
    handle: async (req) => {
      if (req.method === "POST" && post !== undefined) return await post(req);
      if (!isRead(req.method)) return errorResponse(400);
      const res = await render(new URL(req.url));
      return req.method === "HEAD" ? headOnly(res) : res;
    },
  });
  const index = (url: URL) => ui.index(url);
  const act = (req: Request) => ui.post(req);
  const ok = () => respond(200, "OK", "text/plain");
  return [
    page("/", index, act),
    page("/index.html", index, act),
    page("/ok.html", ok, ok),
    page("/tail.html", (url) => ui.tail(url)),
    page("/ui/app.css", () => respond(200, UI_CSS, "text/css;charset=utf-8", LONG_CACHE)),
    page("/ui/app.js", () => respond(200, UI_SCRIPT, "text/javascript;charset=utf-8", LONG_CACHE)),
    page("/ui/icon.svg", () => respond(200, ICON_SVG, "image/svg+xml", LONG_CACHE)),
    page("/ui/status.json", () => ui.statusJson()),
    page("/ui/tail.json", (url) => ui.tailJson(url)),
  ];
}

/** The UI alone as one handler: its routes, then 404 (400 for methods other than GET and HEAD). */
export function createUiHandler(ctx: ApiContext, opts: UiOptions = {}): Handler {
  return createRouter(uiRoutes(ctx, opts));
}

/** The pages; one instance per daemon (it holds the token). */
class WebUi {
  readonly #ctx: ApiContext;
  readonly #token: string;
  readonly #version: string;
  readonly #statusPollMs: number;
  readonly #tailPollMs: number;

  constructor(ctx: ApiContext, opts: UiOptions) {
    this.#ctx = ctx;
    this.#token = opts.token ?? randomToken();
    this.#version = opts.version ?? SUPERVISOR_VERSION;
    this.#statusPollMs = opts.statusPollMs ?? DEFAULT_STATUS_POLL_MS;
    this.#tailPollMs = opts.tailPollMs ?? DEFAULT_TAIL_POLL_MS;
  }

  statusJson(): Response {
    return jsonResponse(200, { ...snapshot(this.#ctx, this.#version), csrf: this.#token });
  }

  #frame(): PageFrame {
    const ctx = this.#ctx;
    return {
      identification: ctx.identifier(),
      statename: supervisorStateName(ctx.supervisor.mood),
      version: this.#version,
      pid: ctx.runtime.pid,
      year: new Date(ctx.runtime.clock.now()).getFullYear(),
    };
  }

  index(url: URL): Response {
    const action = url.searchParams.get("action") ?? "";
    const processname = url.searchParams.get("processname") ?? "";
    let message = (url.searchParams.get("message") ?? "").slice(0, 1000);
    if (action !== "" && action !== "refresh") {
      if (isUiAction(action)) return htmlResponse(200, confirmPage(this.#frame(), action, processname, this.#token));
      message = `Unknown action ${action}`.slice(0, 1000);
    }
    const snap = snapshot(this.#ctx, this.#version);
    return htmlResponse(200, statusPage(this.#frame(), snap, this.#token, message, this.#statusPollMs));
  }

  /** The process a tail route names, or the error page/JSON to answer instead. */
  #lookup(name: string | null, json: boolean) {
    const fail = (status: number, title: string) =>
      json ? jsonResponse(status, { error: title }) : htmlResponse(status, errorPage(this.#frame(), title, title));
    if (name === null || name === "") return fail(400, "No process name found");
    try {
      const { group, process } = resolve(this.#ctx, name);
      if (process !== null) return { group, process };
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
    }
    return fail(404, `No such process named ${name}`);
  }

  async tail(url: URL): Promise<Response> {
    const found = this.#lookup(url.searchParams.get("processname"), false);
    if (found instanceof Response) return found;
    const asked = Number.parseInt(url.searchParams.get("limit") ?? "", 10);
    const limit = Math.min(MAX_TAIL_BYTES, Math.max(1024, Number.isNaN(asked) ? DEFAULT_TAIL_BYTES : asked));
    const fs = this.#ctx.runtime.fs;
    const panes = [];
    for (const channel of ["stdout", "stderr"] as const) {
      const chunk = await readLogChunk(logOf(fs, found.process, channel), "", limit);
      panes.push({ channel, text: chunk.text, cursor: chunk.cursor, missing: chunk.missing });
    }
    const proc = uiProcess(
      found.group,
      found.process,
      this.#ctx.runtime.clock.now(),
      (p, base) => this.#ctx.supervisor.describe(p, base),
      (p) => healthView(this.#ctx.supervisor, p)?.status ?? null,
    );
    const message = (url.searchParams.get("message") ?? "").slice(0, 1000);
    const opts = { csrf: this.#token, message, limit, pollMs: this.#tailPollMs };
    return htmlResponse(200, tailPage(this.#frame(), proc, panes, opts));
  }

  async tailJson(url: URL): Promise<Response> {
    const found = this.#lookup(url.searchParams.get("processname"), true);
    if (found instanceof Response) return found;
    const ctx = this.#ctx;
    const out: Record<string, unknown> = {
      csrf: this.#token,
      statename: supervisorStateName(ctx.supervisor.mood),
      pid: ctx.runtime.pid,
      process: uiProcess(
        found.group,
        found.process,
        ctx.runtime.clock.now(),
        (p, base) => ctx.supervisor.describe(p, base),
        (p) => healthView(ctx.supervisor, p)?.status ?? null,
      ),
    };
    for (const channel of ["stdout", "stderr"] as Channel[]) {
      const cursor = url.searchParams.get(channel);
      if (cursor === null) continue;
      out[channel] = await readLogChunk(logOf(ctx.runtime.fs, found.process, channel), cursor, MAX_TAIL_READ);
    }
    return jsonResponse(200, out);
  }

  async post(req: Request): Promise<Response> {
    const json = wantsJson(req);
    const refuse = (status: number, title: string, text: string) =>
      json
        ? jsonResponse(status, { ok: false, message: `ERROR: ${text}` })
        : htmlResponse(status, errorPage(this.#frame(), title, text));
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return refuse(415, "Unsupported form", "Actions must be posted as application/x-www-form-urlencoded forms");
    }
    if (!fromSameOrigin(req)) return refuse(403, "Refused", "This action was requested from another site");
    const text = await readForm(req, MAX_FORM_BYTES);
    if (text === null) return refuse(413, "Form too large", "The form is too large");
    const form = new URLSearchParams(text);
    if (!sameToken(form.get("csrf") ?? "", this.#token)) {
      return refuse(
        403,
        "Form out of date",
        "This form is out of date (supervisord may have restarted); reload the page and try again",
      );
    }
    const action = form.get("action") ?? "";
    if (!isUiAction(action)) return refuse(400, "Unknown action", `Unknown action ${action}`);
    const processname = form.get("processname") ?? "";
    const outcome = await runAction(this.#ctx, action, processname);
    if (json) return jsonResponse(200, outcome);
    const back = form.get("return") === "tail" && processname !== ""
      ? `tail.html?processname=${encodeURIComponent(processname)}&message=`
      : "index.html?message=";
    return new Response(null, {
      status: 303,
      headers: { "Server": SERVER_HEADER, "Location": back + encodeURIComponent(outcome.message), ...NO_CACHE },
    });
  }
}
