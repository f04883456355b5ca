/**
 * The client side of supervisord's HTTP interfaces: XML-RPC calls over
 * `Runtime.request` (unix sockets and TCP, basic auth, faults as
 * {@linkcode RpcFault}), and the streamed `GET /logtail/…` and
 * `/mainlogtail` requests behind `tail -f`, `maintail -f` and `fg`.
 *
 * Server URLs are read as the stock client reads them: `unix://<path>`
 * (everything after the scheme is the socket path) or `http://host[:port]`
 * (port 80 by default, host and port as Python's `urlparse` gives them);
 * anything else fails when the first call is made, with Python's message.
 *
 * Python counterpart: supervisor/xmlrpc.py (`SupervisorTransport`),
 * supervisor/options.py (`ClientOptions.getServerProxy`),
 * supervisor/http_client.py (`HTTPHandler`).
 * @module
 */

import { decodeMethodResponse, encodeMethodCall, XmlRpcParseError, type XmlRpcValue } from "../rpc/xmlrpc_codec.ts";
import { decodeTextFile } from "../config/_py_text_file.ts";
import { pyRepr } from "../config/pyrepr.ts";
import type { Endpoint, Runtime } from "../runtime/types.ts";
import { ProtocolError, PY_FILES, PyError, RpcFault, SocketError } from "./py_errors.ts";

export { ProtocolError, PyError, RpcFault, SocketError } from "./py_errors.ts";

/** Where a server URL points, or the Python error using it raises. */
export type ServerTarget =
  | { endpoint: Endpoint; host: string }
  | { error: PyError };

/** Python's `urlsplit(url).netloc` for an `http://` URL. */
function netlocOf(url: string): string {
  const rest = url.slice("http:".length);
  if (!rest.startsWith("//")) return "";
  const tail = rest.slice(2);
  const end = tail.search(/[/?#]/);
  return end < 0 ? tail : tail.slice(0, end);
}

/** Python's `_hostinfo`: host (without brackets) and port text of a netloc. */
function hostInfo(netloc: string): [string, string] {
  const hostinfo = netloc.slice(netloc.lastIndexOf("@") + 1);
  const open = hostinfo.indexOf("[");
  if (open >= 0) {
    const bracketed = hostinfo.slice(open + 1);
    const close = bracketed.indexOf("]");
    const host = close < 0 ? bracketed : bracketed.slice(0, close);
    const after = close < 0 ? "" : bracketed.slice(close + 1);
    const colon = after.indexOf(":");
    return [host, colon < 0 ? "" : after.slice(colon + 1)];
  }
  const colon = hostinfo.indexOf(":");
  return colon < 0 ? [hostinfo, ""] : [hostinfo.slice(0, colon), hostinfo.slice(colon + 1)];
}

/**
 * Resolves a server URL as `SupervisorTransport` does. Failures Python
 * raises while building the transport (unknown scheme, bad port) come back
 * as `error`; a missing host is reported when the request is made.
 */
export function serverTarget(serverurl: string): ServerTarget {
  if (serverurl.startsWith("unix://")) {
    return { endpoint: { transport: "unix", path: serverurl.slice(7) }, host: "localhost" };
  }
  if (!serverurl.startsWith("http://")) {
    const message = `Unknown protocol for serverurl ${serverurl}`;
    return { error: new PyError("ValueError", message, PY_FILES.supervisorXmlrpc, 505) };
  }
  const [rawHost, portText] = hostInfo(netlocOf(serverurl));
  let port = 80;
  if (portText !== "") {
    if (!/^[0-9]+$/.test(portText)) {
      const message = `Port could not be cast to integer value as ${pyRepr(portText)}`;
      return { error: new PyError("ValueError", message, PY_FILES.urlParse, 182) };
    }
    port = Number(portText);
    if (port > 65535) {
      return { error: new PyError("ValueError", "Port out of range 0-65535", PY_FILES.urlParse, 184) };
    }
  }
  const pct = rawHost.indexOf("%");
  const hostname = pct < 0 ? rawHost.toLowerCase() : rawHost.slice(0, pct).toLowerCase() + rawHost.slice(pct);
  const host = (hostname.includes(":") ? `[${hostname}]` : hostname) + (port === 80 ? "" : `:${port}`);
  return { endpoint: { transport: "tcp", hostname, port }, host };
}

/** `base64(utf8(text))`. */
function base64Utf8(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Credentials and server, as `ClientOptions` holds them after option processing. */
export interface ServerSettings {
  serverurl: string;
  username: string | null;
  password: string | null;
}

/** Sends the request, turning connection failures into Python's socket errors. */
async function send(rt: Runtime, endpoint: Endpoint, req: Request): Promise<Response> {
  if (endpoint.transport === "tcp" && endpoint.hostname === "") {
    const message = "expected string or bytes-like object, got 'NoneType'";
    throw new PyError("TypeError", message, PY_FILES.httpClient, 1233);
  }
  try {
    return await rt.request(endpoint, req);
  } catch (e) {
    throw SocketError.from(e, endpoint.transport);
  }
}

/** Reads an XML-RPC response body as Python's transport does. */
function parseResponse(bytes: Uint8Array): XmlRpcValue {
  const decoded = decodeTextFile(bytes);
  if (!decoded.ok) {
    throw new PyError("UnicodeDecodeError", decoded.message, "/usr/lib/python3/dist-packages/supervisor/compat.py", 60);
  }
  let response;
  try {
    response = decodeMethodResponse(decoded.text);
  } catch (e) {
    if (!(e instanceof XmlRpcParseError)) throw e;
    const reason = /not allowed|forbidden|illegal/i.test(e.reason) ? "not well-formed (invalid token)" : "syntax error";
    throw new PyError(
      "xml.parsers.expat.ExpatError",
      `${reason}: line ${e.line}, column ${e.column - 1}`,
      PY_FILES.xmlrpcClient,
      451,
    );
  }
  if (response.fault) throw new RpcFault(response.faultCode, response.faultString);
  return response.value;
}

/**
 * An XML-RPC proxy for one server (Python `ServerProxy` over
 * `SupervisorTransport`): each call is one `POST /RPC2`.
 */
export class RpcClient {
  readonly #target: ServerTarget;

  /**
   * @throws {PyError} when the URL cannot be used (unknown scheme, bad port),
   *   as Python's `getServerProxy()` raises.
   */
  constructor(readonly rt: Runtime, readonly settings: ServerSettings) {
    this.#target = serverTarget(settings.serverurl);
    if ("error" in this.#target) throw this.#target.error;
  }

  /**
   * Calls `method` (e.g. `supervisor.getVersion`) with `params`.
   *
   * @throws {RpcFault} for a fault answer.
   * @throws {ProtocolError} for a non-200 HTTP status (401 when auth fails).
   * @throws {SocketError} when the server cannot be reached.
   */
  async call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const target = this.#target as { endpoint: Endpoint; host: string };
    const headers: Record<string, string> = {
      "Host": target.host,
      "Accept-Encoding": "identity",
      "Content-Type": "text/xml",
      "User-Agent": "Python-xmlrpc/3.11",
      "Accept": "text/xml",
    };
    const { username, password } = this.settings;
    if (username !== null && password !== null) {
      headers["Authorization"] = `Basic ${base64Utf8(`${username}:${password}`)}`;
    }
    const body = encodeMethodCall(method, params);
    const req = new Request("http://localhost/RPC2", { method: "POST", headers, body });
    const res = await send(this.rt, target.endpoint, req);
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new ProtocolError("127.0.0.1/RPC2", res.status, res.statusText);
    }
    return parseResponse(new Uint8Array(await res.arrayBuffer()));
  }
}

/** What a streamed GET ended with (Python's http_client prints these to stderr). */
export type StreamOpen =
  | { ok: true; response: Response }
  | { ok: false; message: string };

/**
 * Starts `GET <path>` for a log tail as the stock `http_client.HTTPHandler`
 * does (Authorization only when a password is set; the username may then be
 * `None`). Connection failures and non-200 statuses come back as the line
 * Python's listener writes to stderr (without the newline).
 */
export async function openStream(rt: Runtime, settings: ServerSettings, path: string): Promise<StreamOpen> {
  const url = settings.serverurl + path;
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  const target = scheme === "unix" || scheme === "http" ? serverTarget(settings.serverurl) : null;
  if (target === null || "error" in target) {
    return { ok: false, message: `${url} Cannot connect, error: not supported` };
  }
  // Python's client sends no Connection header (HTTP/1.1 keep-alive); with
  // `Connection: close` Medusa would hold the whole endless body back.
  const headers: Record<string, string> = { "Accept-Encoding": "chunked", "Accept": "*/*", "Connection": "keep-alive" };
  headers["User-agent"] = "Supervisor HTTP Client";
  if (settings.password) {
    headers["Authorization"] = `Basic ${base64Utf8(`${settings.username ?? "None"}:${settings.password}`)}`;
  }
  let res: Response;
  try {
    res = await send(rt, target.endpoint, new Request(`http://localhost${path}`, { headers }));
  } catch (e) {
    const err = e instanceof PyError ? e : SocketError.from(e, target.endpoint.transport);
    return { ok: false, message: `${url} Cannot connect, error: <class '${err.pyClass}'> (${err.message})` };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, message: `${url} Cannot read, status code ${res.status}` };
  }
  return { ok: true, response: res };
}
