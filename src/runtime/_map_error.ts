/**
 * Converts the errors Deno, Bun and Node-compatible APIs throw into the
 * runtime error classes of errors.ts, by errno name. Pure: it reads only the
 * error's `code`, `name` and `message`.
 *
 * Python counterpart: none (Python code reads `OSError.errno` directly); the
 * approach follows denoland/std fs/_map_error.ts.
 * @module
 */

import { errnoName, errorForCode, RuntimeError } from "./errors.ts";

/** Deno's error class names (Deno.errors.*) and the errno each stands for. */
const DENO_ERROR_CODES: Readonly<Record<string, string>> = {
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BrokenPipe: "EPIPE",
  AlreadyExists: "EEXIST",
  TimedOut: "ETIMEDOUT",
  Interrupted: "EINTR",
  BadResource: "EBADF",
  Busy: "EBUSY",
  NotADirectory: "ENOTDIR",
  IsADirectory: "EISDIR",
  FilesystemLoop: "ELOOP",
  NotSupported: "EOPNOTSUPP",
};

/** Finds the errno name an error stands for, if any. */
export function errnoCodeOf(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const err = e as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof err.code === "string" && /^E[A-Z0-9]+$/.test(err.code)) {
    return err.code;
  }
  const message = typeof err.message === "string" ? err.message : "";
  const osError = /\(os error (\d+)\)/.exec(message);
  if (osError?.[1] !== undefined) {
    const name = errnoName(Number(osError[1]));
    if (name !== undefined) return name;
  }
  const leading = /^(E[A-Z0-9]+):/.exec(message);
  if (leading?.[1] !== undefined) return leading[1];
  if (typeof err.name === "string") return DENO_ERROR_CODES[err.name];
  return undefined;
}

/**
 * Returns `e` as a RuntimeError subclass when it is a host (errno) error,
 * and `e` unchanged otherwise (programming errors stay what they are).
 *
 * @param e The caught value.
 * @param context Prefix for the message, e.g. `stat '/x'`.
 */
export function mapError(e: unknown, context?: string): unknown {
  if (e instanceof RuntimeError) return e;
  const code = errnoCodeOf(e);
  if (code === undefined) return e;
  const original = e instanceof Error ? e.message : String(e);
  const message = context === undefined ? original : `${context}: ${original}`;
  return errorForCode(code, message, e);
}
