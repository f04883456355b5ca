/**
 * Exceptions that Python's supervisord does not catch, reproduced as far as
 * anyone can observe them: the class and `str()` of the exception, which
 * end up as the last line of the traceback on stderr (the daemon then exits
 * 1), or after `raised an unexpected exception:` in the main log when an
 * XML-RPC call raised it (the caller gets HTTP 500).
 *
 * Python counterpart: the builtin `OSError` hierarchy (errno → subclass),
 * `socket.gaierror`, and the interpreter's traceback printing.
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { AddressLookupError, RuntimeError, strerror } from "../runtime/errors.ts";

/** A Python exception: its class as the traceback names it, and its `str()`. */
export class PyException extends Error {
  constructor(readonly pyClass: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = pyClass;
  }

  /**
   * The last line of Python's traceback: `ValueError: …`. (Not named `line`:
   * JavaScriptCore gives every error an own `line` property.)
   */
  get lastLine(): string {
    return `${this.pyClass}: ${this.message}`;
  }
}

/** The OSError subclasses Python 3 raises for an errno name (PEP 3151). */
const OS_ERROR_CLASSES: Readonly<Record<string, string>> = {
  EAGAIN: "BlockingIOError",
  EALREADY: "BlockingIOError",
  EINPROGRESS: "BlockingIOError",
  ECHILD: "ChildProcessError",
  EPIPE: "BrokenPipeError",
  ECONNABORTED: "ConnectionAbortedError",
  ECONNREFUSED: "ConnectionRefusedError",
  ECONNRESET: "ConnectionResetError",
  EEXIST: "FileExistsError",
  ENOENT: "FileNotFoundError",
  EISDIR: "IsADirectoryError",
  ENOTDIR: "NotADirectoryError",
  EINTR: "InterruptedError",
  EACCES: "PermissionError",
  EPERM: "PermissionError",
  ESRCH: "ProcessLookupError",
  ETIMEDOUT: "TimeoutError",
};

/**
 * The Python exception a failed host call raises: `socket.gaierror` for a
 * name lookup, else the OSError (subclass) with `[Errno N] text`, followed
 * by `: '<filename>'` for calls on a path (os.unlink, os.chown, …) but not
 * for socket calls. Anything that is not a host error is returned as an
 * OSError carrying its message.
 */
export function osError(e: unknown, filename?: string): PyException {
  if (e instanceof PyException) return e;
  if (e instanceof AddressLookupError) {
    return new PyException("socket.gaierror", `[Errno ${e.gaiCode}] ${e.gaiText}`, { cause: e });
  }
  const text = e instanceof RuntimeError ? strerror(e.code) : undefined;
  if (!(e instanceof RuntimeError) || text === undefined) {
    return new PyException("OSError", e instanceof Error ? e.message : String(e), { cause: e });
  }
  const suffix = filename === undefined ? "" : `: ${pyRepr(filename)}`;
  return new PyException(OS_ERROR_CLASSES[e.code] ?? "OSError", `[Errno ${e.errno}] ${text}${suffix}`, { cause: e });
}

/**
 * What the interpreter prints on stderr when `e` ends supervisord: the
 * traceback header and, for a Python exception, its last line (the frames
 * in between name Python source lines and are not reproduced).
 */
export function tracebackText(e: unknown): string {
  const last = e instanceof PyException
    ? e.lastLine
    : e instanceof Error
    ? (e.stack ?? `${e.name}: ${e.message}`)
    : String(e);
  return `Traceback (most recent call last):\n${last}\n`;
}
