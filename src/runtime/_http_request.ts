/**
 * What the HTTP server (_http_server.ts) hands the core's handler for a
 * parsed request head: a {@linkcode RawRequest} for the raw fast path, or a
 * fetch `Request`; and the 500 answer Medusa gives when the handler fails.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_request`: its
 * headers, its URI, and `error(500)` with Medusa's error page).
 * @module
 */

import type { RawRequest } from "./types.ts";
import type { RequestHead } from "./_http_wire.ts";

const INTERNAL_ERROR = "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n" +
  "<p>Error code 500.\r\n<p>Message: Internal Server Error.\r\n</body>\r\n";

/** Medusa's answer to a request whose handler failed. */
export function internalError(): Response {
  return new Response(INTERNAL_ERROR, {
    status: 500,
    headers: { "Server": "Medusa/1.12", "Content-Length": String(INTERNAL_ERROR.length), "Content-Type": "text/html" },
  });
}

/** A {@linkcode RawRequest} over a parsed head. */
export class ReadRequest implements RawRequest {
  constructor(readonly head: RequestHead, readonly body: Uint8Array) {}
  get method(): string {
    return this.head.method;
  }
  get target(): string {
    return this.head.target;
  }
  header(name: string): string | null {
    return this.head.header(name);
  }
}

/**
 * The fetch `Request` for a parsed head and its body; `defaultHost` is the
 * authority when the Host header is empty or unusable.
 */
export function fetchRequest(
  head: RequestHead,
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  defaultHost: string,
): Request {
  const headers = new Headers();
  for (const [name, value] of head.headers) {
    try {
      headers.append(name, value);
    } catch {
      // A header fetch cannot represent (a non-token name, a value with controls) is dropped.
    }
  }
  const path = head.target.startsWith("/") ? head.target : `/${head.target}`;
  const withBody = head.method !== "GET" && head.method !== "HEAD" && body !== null;
  const init: RequestInit & { duplex?: "half" } = { method: head.method, headers };
  if (withBody) Object.assign(init, { body, duplex: "half" });
  const host = headers.get("host") ?? "";
  if (host !== "") {
    try {
      return new Request(`http://${host}${path}`, init);
    } catch {
      // An unusable Host header (or method) falls back to the listener's authority below.
    }
  }
  return new Request(`http://${defaultHost}${path}`, init);
}
