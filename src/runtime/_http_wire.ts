/**
 * HTTP/1.x on the wire as supervisord's Medusa server speaks it: the request
 * head (request line, headers, Content-Length), the response head (status
 * line echoing the request's version, `Server` and `Date` first, header names
 * in Medusa's case and order) and the connection rules (when to keep the
 * connection, when to send chunked). Pure: bytes and strings in and out.
 *
 * Medusa's rules (SURFACE HTTP.request, HTTP.response.headers,
 * HTTP.keepalive), checked against supervisord 4.2.5:
 * - the head ends at the first CRLF CRLF; empty lines before the request
 *   line are skipped; the request line is `METHOD SP URI [SP HTTP/x.y]`,
 *   anything else is dropped without an answer; header continuation lines
 *   are joined;
 * - HTTP/1.1 keeps the connection unless the request says
 *   `Connection: close`; a response without Content-Length is sent chunked;
 * - HTTP/1.0 closes after the response unless the request says
 *   `Connection: keep-alive` and the response has a Content-Length, in which
 *   case the response carries `Connection: Keep-Alive`; no version at all
 *   closes. Medusa decides to close after writing the head, so it never
 *   sends `Connection: close` itself.
 *
 * A fetch `Headers` object keeps no order, so the response head is written
 * in the order Medusa's handlers set them for every response supervisord
 * sends: RPC `Content-Type, Content-Length`; errors `Content-Length,
 * Content-Type` (after `Connection: close, WWW-Authenticate` for 401); log tails
 * `Last-Modified, Content-Type, X-Accel-Buffering, Transfer-Encoding`; web
 * pages `Content-Type, Pragma, Cache-Control, Expires, Content-Length`.
 * Headers Medusa never sets (the web UI's security headers) come between,
 * alphabetically.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_channel.
 * found_terminator`, `crack_request`, `join_headers`, `http_request.done`,
 * `http_request.response`) and medusa/http_date.py.
 * @module
 */

/** The largest request head read (Medusa has no limit; beyond this the connection is dropped). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** A parsed request head. */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin form: path and query). */
  readonly target: string;
  /** `1.0`, `1.1`, …; null when the request line has none. */
  readonly version: string | null;
  /** Header names and values in the order sent (continuations joined); made when first asked for. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body length: 0 without Content-Length; null when Content-Length is not a number. */
  readonly contentLength: number | null;
  /** The Connection header, lower case ("" when absent). */
  readonly connection: string;
  /** The first value of a header (name case-insensitive), or null. */
  header(name: string): string | null;
}

const CR = 13;
const LF = 10;

/**
 * Skips CRLF pairs (and bare LFs) at `start`: the stray empty lines some
 * clients send after a request (the stock tail client sends one).
 */
export function skipEmptyLines(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  for (;;) {
    if (i + 1 < end && buf[i] === CR && buf[i + 1] === LF) i += 2;
    else if (i < end && buf[i] === LF) i += 1;
    else return i;
  }
}

/** The index just past the first CRLF CRLF in `buf[start, end)`, or -1. */
export function findHeadEnd(buf: Uint8Array, start: number, end: number): number {
  for (let i = buf.indexOf(LF, start); i !== -1 && i < end; i = buf.indexOf(LF, i + 1)) {
    if (i >= start + 3 && buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i + 1;
  }
  return -1;
}

/** Bytes as Latin-1 text (one char per byte), as HTTP heads are read. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  }
  return s;
}

const utf8 = new TextDecoder();
const REQUEST_LINE = /^([^ ]+) ([^ ]+)(?: HTTP\/([0-9.]+))?$/;

/** A Latin-1 string holding UTF-8 bytes, as the text they encode. */
function latin1ToUtf8(s: string): string {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return utf8.decode(bytes);
}

/**
 * Parses a request head (without its final CRLF CRLF). Only the request
 * line, Content-Length and Connection are read up front; other headers are
 * looked up when asked for, so a request allocates little.
 *
 * @returns The head, or null when there is no request line Medusa accepts.
 */
export function parseRequestHead(text: string): RequestHead | null {
  let at = 0;
  while (text.startsWith("\r\n", at)) at += 2;
  let eol = text.indexOf("\r\n", at);
  if (eol === -1) eol = text.length;
  const m = REQUEST_LINE.exec(eol === text.length && at === 0 ? text : text.slice(at, eol));
  if (m === null) return null;
  const target = /[\x80-\xff]/.test(m[2]!) ? latin1ToUtf8(m[2]!) : m[2]!;
  return new ParsedHead(m[1]!, target, m[3] ?? null, text, Math.min(eol + 2, text.length));
}

/** A head whose header lines are read lazily from `text`, from `start` on. */
class ParsedHead implements RequestHead {
  readonly contentLength: number | null = 0;
  readonly connection: string = "";
  readonly #text: string;
  readonly #start: number;
  /** The pairs, made on demand (at once when a line is folded). */
  #pairs: Array<[string, string]> | null = null;

  constructor(
    readonly method: string,
    readonly target: string,
    readonly version: string | null,
    text: string,
    start: number,
  ) {
    this.#text = text;
    this.#start = start;
    for (let at = start; at < text.length;) {
      let eol = text.indexOf("\r\n", at);
      if (eol === -1) eol = text.length;
      const c = text.charCodeAt(at);
      if (c === 32 || c === 9) {
        this.#pairs = pairsOf(text, start); // continuation lines: read them all now
        break;
      }
      const colon = text.indexOf(":", at);
      const n = colon - at;
      if (colon > at && colon < eol && (n === 14 || n === 10)) {
        const name = text.slice(at, colon).toLowerCase();
        const value = text.slice(colon + 1, eol).trim();
        if (name === "content-length") this.contentLength = /^[0-9]+$/.test(value) ? Number(value) : null;
        else if (name === "connection") this.connection = value.toLowerCase();
      }
      at = eol + 2;
    }
    if (this.#pairs !== null) {
      for (const [name, value] of this.#pairs) {
        const lower = name.toLowerCase();
        if (lower === "content-length") this.contentLength = /^[0-9]+$/.test(value) ? Number(value) : null;
        else if (lower === "connection") this.connection = value.toLowerCase();
      }
    }
  }

  get headers(): ReadonlyArray<readonly [string, string]> {
    return this.#pairs ??= pairsOf(this.#text, this.#start);
  }

  header(name: string): string | null {
    const lower = name.toLowerCase();
    if (this.#pairs !== null) {
      for (const [n, v] of this.#pairs) if (n.length === lower.length && n.toLowerCase() === lower) return v;
      return null;
    }
    const text = this.#text;
    for (let at = this.#start; at < text.length;) {
      let eol = text.indexOf("\r\n", at);
      if (eol === -1) eol = text.length;
      if (text.charCodeAt(at + lower.length) === 58 && text.slice(at, at + lower.length).toLowerCase() === lower) {
        return text.slice(at + lower.length + 1, eol).trim();
      }
      at = eol + 2;
    }
    return null;
  }
}

/** Every header line of `text` from `start`, continuations joined (Medusa's join_headers drops one blank). */
function pairsOf(text: string, start: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let last: [string, string] | null = null;
  for (const line of text.slice(start).split("\r\n")) {
    if (line === "") continue;
    if ((line[0] === " " || line[0] === "\t") && last !== null) {
      last[1] += line.slice(1);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = [line.slice(0, colon), line.slice(colon + 1).trim()];
    pairs.push(last);
  }
  return pairs;
}

/** How a response goes out: its head, and what the connection does afterwards. */
export interface Framing {
  head: string;
  /** The body is sent in chunks (`<hex>\r\n…\r\n`, ending `0\r\n\r\n`). */
  chunked: boolean;
  /** The connection closes once the response is sent. */
  close: boolean;
}

/** Medusa's reason phrases, for statuses whose Response has no statusText. */
const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  301: "Moved Permanently",
  302: "Moved Temporarily",
  303: "See Other",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  411: "Length Required",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const SPECIAL_CASE: Readonly<Record<string, string>> = { "www-authenticate": "WWW-Authenticate", "etag": "ETag" };
const caseCache = new Map<string, string>();

/** A header name as Medusa's handlers spell it (`content-type` → `Content-Type`). */
export function headerCase(lower: string): string {
  let name = caseCache.get(lower);
  if (name === undefined) {
    name = SPECIAL_CASE[lower] ??
      lower.split("-").map((w) => (w === "" ? w : w[0]!.toUpperCase() + w.slice(1))).join("-");
    if (caseCache.size < 256) caseCache.set(lower, name);
  }
  return name;
}

const RANK: Readonly<Record<string, number>> = {
  "server": 0,
  "date": 1,
  "connection": 2,
  "www-authenticate": 3,
  "last-modified": 10,
  "content-type": 20,
  "pragma": 30,
  "cache-control": 31,
  "expires": 32,
  "x-accel-buffering": 40,
  "location": 41,
  "content-length": 50,
};
const OTHER_RANK = 45;

function rank(lower: string, status: number): number {
  // Medusa's error pages set Content-Length before Content-Type.
  if (lower === "content-length" && status >= 400) return 19;
  return RANK[lower] ?? OTHER_RANK;
}

/** Statuses that never carry a body. */
function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * Frames a response to a request of `version` with `connection`.
 *
 * @param headers The response's headers. Unordered (a fetch `Headers`): names in lower case, written in
 *   Medusa's order and case. Ordered: written as given, `Date` after `Server`.
 * @param date The `Date` header value.
 */
export function frameResponse(
  version: string | null,
  connection: string,
  status: number,
  statusText: string,
  headers: ReadonlyArray<readonly [string, string]>,
  date: string,
  ordered = false,
): Framing {
  let hasLength = false;
  let close = false;
  for (const [name, value] of headers) {
    const lower = ordered ? name.toLowerCase() : name;
    if (lower === "content-length") hasLength = true;
    // A handler that asks to close (e.g. a refused body) is obeyed.
    else if (lower === "connection" && value.toLowerCase() === "close") close = true;
  }
  let chunked = false;
  let extra = "";
  if (version === "1.0") {
    if (connection === "keep-alive" && hasLength) extra = "Connection: Keep-Alive\r\n";
    else close = true;
  } else if (version === "1.1") {
    if (connection === "close") close = true;
    else if (!hasLength && !bodiless(status)) {
      chunked = true;
      extra = "Transfer-Encoding: chunked\r\n";
    }
  } else if (version === null) {
    close = true;
  }
  let head = `HTTP/${version ?? "1.0"} ${status} ${statusText || REASONS[status] || "Unknown"}\r\n`;
  head += ordered ? orderedLines(headers, date) : rankedLines(headers, status, date);
  return { head: head + extra + "\r\n", chunked, close };
}

function orderedLines(headers: ReadonlyArray<readonly [string, string]>, date: string): string {
  let lines = "";
  let dated = false;
  for (const [name, value] of headers) {
    lines += `${name}: ${value}\r\n`;
    if (!dated && name.toLowerCase() === "server") {
      lines += `Date: ${date}\r\n`;
      dated = true;
    }
  }
  return dated ? lines : `Date: ${date}\r\n${lines}`;
}

function rankedLines(headers: ReadonlyArray<readonly [string, string]>, status: number, date: string): string {
  const ranked = [["date", date] as const, ...headers.filter(([n]) => n !== "date")]
    .map((h, i) => ({ h, r: rank(h[0], status), i }))
    .sort((a, b) => a.r - b.r || a.i - b.i);
  let lines = "";
  for (const { h } of ranked) lines += `${headerCase(h[0])}: ${h[1]}\r\n`;
  return lines;
}

/** Medusa's `build_http_date`: RFC 1123 in GMT, whole seconds. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/**
 * Writes `text` (Latin-1) into `out` at `at`; returns the index after it.
 * The caller makes sure `out` has room for `text.length` bytes.
 */
export function putLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}
