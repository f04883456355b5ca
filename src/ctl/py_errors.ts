/**
 * The errors the client raises, and the one-line report the stock
 * supervisorctl prints for any error a command does not handle itself:
 * `error: <class 'X'>, <message>: file: <python file> line: <n>` (CTL.exit).
 *
 * The stock client builds that line from the innermost frame of the Python
 * traceback, so the file and line name Python's sources; scripts that parse
 * supervisorctl's output see exactly these strings, so each error carries
 * the class, file and line Python 3.11 with supervisor 4.2.5 report for it
 * (measured with /usr/bin/supervisorctl on the reference machine).
 *
 * Python counterpart: supervisor/supervisorctl.py (`Controller.onecmd`'s
 * `except Exception`), supervisor/medusa/asyncore_25.py
 * (`compact_traceback`), the stdlib xmlrpc.client (`Fault`, `ProtocolError`).
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { ERRNO, strerror } from "../runtime/errors.ts";

/** Python sources named in error lines. */
export const PY_FILES = {
  xmlrpcClient: "/usr/lib/python3.11/xmlrpc/client.py",
  supervisorXmlrpc: "/usr/lib/python3/dist-packages/supervisor/xmlrpc.py",
  supervisorctl: "/usr/lib/python3/dist-packages/supervisor/supervisorctl.py",
  socket: "/usr/lib/python3.11/socket.py",
  httpClient: "/usr/lib/python3.11/http/client.py",
  urlParse: "/usr/lib/python3.11/urllib/parse.py",
} as const;

/** An error reported the way Python reports its exception. */
export class PyError extends Error {
  /**
   * @param pyClass Python's class name as `<class '…'>` shows it (`ValueError`, `socket.gaierror`).
   * @param message `str()` of the Python exception.
   * @param file The Python source file of the innermost frame.
   * @param line Its line number.
   */
  constructor(readonly pyClass: string, message: string, readonly file: string, readonly line: number) {
    super(message);
    this.name = "PyError";
  }
}

/**
 * An XML-RPC fault returned by the server (Python `xmlrpc.client.Fault`),
 * with the fault code and the fault string.
 */
export class RpcFault extends PyError {
  constructor(readonly code: number, readonly faultString: string) {
    super("xmlrpc.client.Fault", `<Fault ${code}: ${pyRepr(faultString)}>`, PY_FILES.xmlrpcClient, 668);
    this.name = "RpcFault";
  }
}

/** A non-200 HTTP answer to an XML-RPC call (Python `xmlrpc.client.ProtocolError`). */
export class ProtocolError extends PyError {
  /**
   * @param url Python's `host + handler`: always `127.0.0.1/RPC2` for this client.
   * @param errcode The HTTP status.
   * @param errmsg The reason phrase.
   */
  constructor(readonly url: string, readonly errcode: number, readonly errmsg: string) {
    super(
      "xmlrpc.client.ProtocolError",
      `<ProtocolError for ${url}: ${errcode} ${errmsg}>`,
      PY_FILES.supervisorXmlrpc,
      539,
    );
    this.name = "ProtocolError";
  }
}

/** Python's `EOFError` from `input()` at end of input. */
export class EndOfInput extends PyError {
  constructor(line: number) {
    super("EOFError", "EOF when reading a line", PY_FILES.supervisorctl, line);
    this.name = "EndOfInput";
  }
}

/** Python's OSError subclass for the errno names a connection attempt meets (others: `OSError`). */
const OSERROR_CLASS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "ConnectionRefusedError",
  ENOENT: "FileNotFoundError",
  EACCES: "PermissionError",
  EPERM: "PermissionError",
  ECONNRESET: "ConnectionResetError",
  EPIPE: "BrokenPipeError",
  ETIMEDOUT: "TimeoutError",
  ENOTDIR: "NotADirectoryError",
};

/** Name-resolution failures (Python `socket.gaierror`). */
const GAI: Readonly<Record<string, [number, string]>> = {
  ENOTFOUND: [-2, "Name or service not known"],
  EAI_NONAME: [-2, "Name or service not known"],
  EAI_AGAIN: [-3, "Temporary failure in name resolution"],
  EAI_FAIL: [-4, "Non-recoverable failure in name resolution"],
};

/**
 * A failed connection or transfer (Python `OSError` and its subclasses).
 * `code` is the errno name, which upcheck and shutdown test.
 */
export class SocketError extends PyError {
  constructor(readonly code: string, pyClass: string, message: string, file: string, line: number) {
    super(pyClass, message, file, line);
    this.name = "SocketError";
  }

  /**
   * Converts an error from `Runtime.request` for a server reached over
   * `transport`; Python raises unix connect errors in supervisor's
   * `UnixStreamHTTPConnection.connect`, TCP ones in `socket.create_connection`.
   */
  static from(e: unknown, transport: "unix" | "tcp"): SocketError {
    const code = errnoCode(e);
    const gai = GAI[code];
    if (gai !== undefined && transport === "tcp") {
      return new SocketError(code, "socket.gaierror", `[Errno ${gai[0]}] ${gai[1]}`, PY_FILES.socket, 962);
    }
    const file = transport === "unix" ? PY_FILES.supervisorXmlrpc : PY_FILES.socket;
    const line = transport === "unix" ? 557 : 836;
    const text = strerror(code);
    if (text !== undefined && ERRNO[code] !== undefined) {
      return new SocketError(code, OSERROR_CLASS[code] ?? "OSError", `[Errno ${ERRNO[code]}] ${text}`, file, line);
    }
    const detail = e instanceof Error ? e.message : String(e);
    return new SocketError(code, "OSError", detail, file, line);
  }
}

function errnoCode(e: unknown): string {
  if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") return e.code;
  return "UNKNOWN";
}

/** Python's `repr()`-free class text of an error that is not one of ours (a bug, or a host surprise). */
function foreignLine(e: unknown): string {
  const name = e instanceof Error ? e.name : typeof e;
  const message = e instanceof Error ? e.message : String(e);
  return `error: <class '${name}'>, ${message}: file: supervisor-ts line: 0`;
}

/** The line supervisorctl prints for an error no command handled (without the newline). */
export function errorLine(e: unknown): string {
  if (e instanceof PyError) return `error: <class '${e.pyClass}'>, ${e.message}: file: ${e.file} line: ${e.line}`;
  return foreignLine(e);
}
