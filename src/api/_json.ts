/**
 * JSON responses of `/api/v1`: bodies, the error shape
 * `{"error":{"code":"BAD_NAME","message":"…"}}` with supervisord's fault
 * names, and the HTTP status of each code (EXTENSIONS.md §8).
 *
 * Python counterpart: none (supervisor/xmlrpc.py `Faults` gives the code
 * names; the statuses are ours).
 * @module
 */

import type { ControlFailure } from "../process/control.ts";

/**
 * An error code: supervisord's fault names, plus the HTTP-level ones of
 * this API (`NOT_FOUND`, `METHOD_NOT_ALLOWED`, `UNSUPPORTED_MEDIA_TYPE`).
 */
export type ApiErrorCode =
  | "BAD_NAME"
  | "BAD_ARGUMENTS"
  | "BAD_SIGNAL"
  | "NO_FILE"
  | "NOT_EXECUTABLE"
  | "ALREADY_STARTED"
  | "NOT_RUNNING"
  | "STILL_RUNNING"
  | "SPAWN_ERROR"
  | "ABNORMAL_TERMINATION"
  | "SHUTDOWN_STATE"
  | "FAILED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "UNSUPPORTED_MEDIA_TYPE";

/** The HTTP status each code is answered with. */
export const ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  BAD_NAME: 404,
  NOT_FOUND: 404,
  BAD_ARGUMENTS: 400,
  BAD_SIGNAL: 400,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_STARTED: 409,
  NOT_RUNNING: 409,
  STILL_RUNNING: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NO_FILE: 500,
  NOT_EXECUTABLE: 500,
  SPAWN_ERROR: 500,
  ABNORMAL_TERMINATION: 500,
  FAILED: 500,
  SHUTDOWN_STATE: 503,
};

/** The error code of a process control failure (the fault supervisord would raise). */
export const FAILURE_CODE: Readonly<Record<ControlFailure, ApiErrorCode>> = {
  shutting_down: "SHUTDOWN_STATE",
  no_file: "NO_FILE",
  not_executable: "NOT_EXECUTABLE",
  already_started: "ALREADY_STARTED",
  unknown_state: "FAILED",
  spawn_error: "SPAWN_ERROR",
  abnormal_termination: "ABNORMAL_TERMINATION",
  not_running: "NOT_RUNNING",
  failed: "FAILED",
};

/** An error a route throws; the router answers it with {@linkcode errorJson}. */
export class ApiError extends Error {
  /**
   * @param code The error code (its status comes from {@linkcode ERROR_STATUS}).
   * @param message The human-readable text.
   */
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

const JSON_TYPE = "application/json";

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": JSON_TYPE, "Cache-Control": "no-store", ...headers },
  });
}

/** The error response of `code`. */
export function errorJson(code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message } }, ERROR_STATUS[code], headers);
}

/**
 * The CSRF rule: a POST must say `Content-Type: application/json` (a
 * cross-site `<form>` cannot), and its body, when there is one, must be a
 * JSON object. Resolves to that object (empty when there is no body).
 */
export async function jsonBody(req: Request, maxBytes = 64 * 1024): Promise<Record<string, unknown>> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== JSON_TYPE) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "POST requests must have Content-Type: application/json");
  }
  const text = await req.text();
  if (text.length > maxBytes) throw new ApiError("BAD_ARGUMENTS", "request body too large");
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("BAD_ARGUMENTS", "request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError("BAD_ARGUMENTS", "request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** Rejects keys of `body` that are not in `allowed`. */
export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new ApiError("BAD_ARGUMENTS", `unknown field '${extra}'`);
}
