/**
 * Raw HTTP over a unix socket or TCP for the differential tests: send exact
 * bytes, read the status line, headers and body as they come, optionally
 * stop after the headers (for streaming routes), and report whether the
 * server closed the connection.
 *
 * Python counterpart: none (test support).
 * @module
 */

import { connect, type Socket } from "node:net";

/** Where to connect: a unix socket path, or a 127.0.0.1 port. */
export type Target = { path: string } | { port: number };

/** What came back. */
export interface RawReply {
  /** The status code, or 0 when no status line arrived. */
  status: number;
  /** The head (status line and headers) as text. */
  head: string;
  /** Body bytes received (after the head), as latin-1 text. */
  body: string;
  /** True when the server closed (or reset) the connection before the deadline. */
  closed: boolean;
}

/** Options for {@link rawHttp}. */
export interface RawOptions {
  /** Give up (and destroy the socket) after this long; default 5 s. */
  timeoutMs?: number;
  /** Resolve as soon as the head is complete (streaming responses never end). */
  headOnly?: boolean;
}

/** Opens a connection to `target`. */
export function open(target: Target): Promise<Socket> {
  return new Promise((done, fail) => {
    const s = "path" in target ? connect(target.path) : connect(target.port, "127.0.0.1");
    s.once("connect", () => done(s));
    s.once("error", fail);
  });
}

/**
 * Sends `request` (a string goes as UTF-8) and reads the reply.
 * Write errors (the server closing early) are tolerated and reported through `closed`.
 */
export async function rawHttp(target: Target, request: string | Uint8Array, opts: RawOptions = {}): Promise<RawReply> {
  const socket = await open(target);
  return new Promise((done) => {
    let data = Buffer.alloc(0);
    let closed = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      const text = data.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      const head = end === -1 ? text : text.slice(0, end);
      const body = end === -1 ? "" : text.slice(end + 4);
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(head);
      done({ status: m ? Number(m[1]) : 0, head, body, closed });
    };
    const timer = setTimeout(finish, opts.timeoutMs ?? 5000);
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (opts.headOnly && data.includes("\r\n\r\n")) finish();
    });
    socket.on("error", () => {
      closed = true;
    });
    socket.on("close", () => {
      closed = true;
      finish();
    });
    socket.write(typeof request === "string" ? Buffer.from(request, "utf8") : request, () => {});
  });
}

/** A POST /RPC2 request carrying `body`, with an exact Content-Length. */
export function rpcRequest(body: string, extraHeaders = "", version = "1.0"): string {
  const length = Buffer.byteLength(body, "utf8");
  return `POST /RPC2 HTTP/${version}\r\nHost: localhost\r\nContent-Type: text/xml\r\n${extraHeaders}` +
    `Content-Length: ${length}\r\n\r\n${body}`;
}

/** The XML of a method call whose parameters are given as raw `<value>` contents. */
export function callXml(method: string, ...values: string[]): string {
  const params = values.map((v) => `<param>\n<value>${v}</value>\n</param>\n`).join("");
  return `<?xml version='1.0'?>\n<methodCall>\n<methodName>${method}</methodName>\n<params>\n${params}</params>\n` +
    `</methodCall>\n`;
}
