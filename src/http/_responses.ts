/**
 * Response builders shared by the HTTP routes: Medusa's error page, its
 * status phrases, the `Server:` header, and HTTP dates.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_request.error`,
 * `DEFAULT_ERROR_MESSAGE`, `responses`) and medusa/http_date.py.
 * @module
 */

import type { RawResponse } from "../runtime/types.ts";

const encoder = new TextEncoder();

/** The `Server:` header every supervisord response carries (SURFACE HTTP.response.headers). */
export const SERVER_HEADER = "Medusa/1.12";

/** Reason phrases for the statuses this front sends (Medusa's table). */
export const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  411: "Length Required",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
};

/**
 * Medusa's error page for `status` as a complete answer: `text/html`, CRLF
 * line ends, with an explicit Content-Length (SURFACE HTTP.errors), headers
 * in Medusa's order.
 *
 * @param status An HTTP status from {@linkcode REASONS}.
 * @param extra Headers to add before Content-Length (e.g. `WWW-Authenticate`).
 */
export function errorReply(status: number, extra: Record<string, string> = {}): RawResponse {
  const reason = REASONS[status] ?? "Unknown";
  const body = [
    "<head>",
    "<title>Error response</title>",
    "</head>",
    "<body>",
    "<h1>Error response</h1>",
    `<p>Error code ${status}.`,
    `<p>Message: ${reason}.`,
    "</body>",
    "",
  ].join("\r\n");
  return {
    status,
    headers: [
      ["Server", SERVER_HEADER],
      ...Object.entries(extra),
      ["Content-Length", String(body.length)],
      ["Content-Type", "text/html"],
    ],
    body: encoder.encode(body),
  };
}

/** A complete answer as a fetch Response. */
export function toResponse(reply: RawResponse): Response {
  return new Response(reply.body as Uint8Array<ArrayBuffer>, {
    status: reply.status,
    statusText: REASONS[reply.status] ?? "",
    headers: reply.headers as Array<[string, string]>,
  });
}

/** Medusa's error page for `status` (see {@linkcode errorReply}). */
export function errorResponse(status: number, extra: Record<string, string> = {}): Response {
  return toResponse(errorReply(status, extra));
}

/** RFC 1123 date of `ms` (whole seconds), as Medusa's `build_http_date` writes it. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}
