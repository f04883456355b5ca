/**
 * The HTTP/1.x server both adapters run over their raw sockets: it reads
 * requests off a byte stream with Medusa's rules (_http_wire.ts), calls the
 * core's {@linkcode Handler} one request at a time per connection, and writes
 * the response back with Medusa's framing: Content-Length when the handler
 * gives one, chunked on HTTP/1.1 otherwise, each chunk of a streamed body
 * (a log tail) written as it comes. Pure: the adapter passes a
 * {@linkcode Transport} per connection and feeds it bytes.
 *
 * Memory stays flat under load: a request that arrives whole (the usual
 * case) is parsed straight from the adapter's chunk; only a partial request
 * is copied into the connection's input buffer, which is kept for reuse up to
 * {@linkcode KEEP_INPUT_BYTES}; response heads and bodies are assembled in
 * one output buffer shared by every connection (the transport takes or
 * copies the bytes before `write` returns). A request body above
 * {@linkcode INLINE_BODY_BYTES} is streamed to the handler, and what the
 * handler leaves unread is discarded as it arrives, so a huge upload is
 * never held in memory.
 *
 * As Medusa does, idle connections are kept until 30 minutes without
 * traffic, looked for when every 500th connection opens.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_channel`,
 * `http_request`) and supervisor/medusa/producers.py (`chunked_producer`).
 * @module
 */

import type { Handler, RawResponse } from "./types.ts";
import { fetchRequest, internalError, ReadRequest } from "./_http_request.ts";
import {
  findHeadEnd,
  frameResponse,
  httpDate,
  latin1,
  MAX_HEAD_BYTES,
  parseRequestHead,
  putLatin1,
  type RequestHead,
  skipEmptyLines,
} from "./_http_wire.ts";

/** A request body up to this size is read whole before the handler runs. */
export const INLINE_BODY_BYTES = 1024 * 1024;
/** A connection keeps an input buffer up to this size between requests. */
export const KEEP_INPUT_BYTES = 64 * 1024;
/** The shared output buffer grows up to this size; larger responses get their own. */
export const MAX_SHARED_OUTPUT = 1024 * 1024;
/** Input buffered beyond this while a request is handled pauses reading. */
const PAUSE_INPUT_BYTES = 256 * 1024;
const ZOMBIE_MS = 30 * 60 * 1000;
const MAINTENANCE_EVERY = 500;

/** One connection's byte stream, as the adapter provides it. */
export interface Transport {
  /**
   * Sends `bytes`. Returns true when all were taken; false when the rest was
   * queued (the transport copies it: `bytes` may be reused once this
   * returns), and `HttpConnection.drained()` follows once it is written.
   */
  write(bytes: Uint8Array): boolean;
  /** Closes after what is queued has been written. */
  end(): void;
  /** Stops delivering input until `resume()`. */
  pause(): void;
  resume(): void;
}

const EMPTY = new Uint8Array(0);

/** Serves one handler over any number of connections. */
export class HttpServer {
  readonly #conns = new Set<HttpConnection>();
  #opened = 0;
  #closed = false;
  #out = new Uint8Array(16 * 1024);
  #dateSecond = -1;
  #date = "";

  /**
   * @param handler The core's handler.
   * @param defaultHost Authority for `req.url` when the Host header is empty or unusable.
   * @param now Wall-clock ms (the Date header, idle time).
   */
  constructor(readonly handler: Handler, readonly defaultHost: string, readonly now: () => number = Date.now) {}

  /** Starts serving a new connection. */
  open(transport: Transport): HttpConnection {
    const conn = new HttpConnection(this, transport);
    if (this.#closed) {
      conn.shutdown();
      return conn;
    }
    this.#conns.add(conn);
    if (++this.#opened % MAINTENANCE_EVERY === 0) this.#killZombies();
    return conn;
  }

  /** Open connections. */
  get connections(): number {
    return this.#conns.size;
  }

  /** Ends every connection, cancelling streamed responses; later connections are closed at once. */
  close(): void {
    this.#closed = true;
    for (const conn of [...this.#conns]) conn.shutdown();
  }

  /** @internal Called by a connection that is gone. */
  forget(conn: HttpConnection): void {
    this.#conns.delete(conn);
  }

  /** @internal The Date header for now (formatted once per second). */
  date(): string {
    const ms = this.now();
    const second = Math.floor(ms / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#date = httpDate(ms);
    }
    return this.#date;
  }

  /** @internal The shared output buffer, at least `size` bytes (or a private one beyond the cap). */
  output(size: number): Uint8Array {
    if (size <= this.#out.length) return this.#out;
    if (size > MAX_SHARED_OUTPUT) return new Uint8Array(size);
    let n = this.#out.length;
    while (n < size) n *= 2;
    this.#out = new Uint8Array(n);
    return this.#out;
  }

  #killZombies(): void {
    const now = this.now();
    for (const conn of [...this.#conns]) if (now - conn.lastUsed > ZOMBIE_MS) conn.shutdown();
  }
}

/** One connection: requests in, responses out, one at a time. */
export class HttpConnection {
  lastUsed: number;
  #in = EMPTY;
  #inStart = 0;
  #inEnd = 0;
  #busy = false;
  #paused = false;
  #closed = false;
  #peerEnded = false;
  #closeAfterBody = false;
  /** Request body bytes still to come, and where they go (null: discarded). */
  #bodyLeft = 0;
  #bodySink: ReadableStreamDefaultController<Uint8Array> | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #drainWaiters: Array<() => void> = [];

  constructor(readonly server: HttpServer, readonly transport: Transport) {
    this.lastUsed = server.now();
  }

  /** Input from the peer; `chunk` is only read during the call. */
  data(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.lastUsed = this.server.now();
    if (this.#bodyLeft > 0) {
      chunk = this.#feedBody(chunk);
      if (this.#bodyLeft === 0 && this.#closeAfterBody) return this.shutdown();
      if (chunk.length === 0) return;
    }
    if (this.#busy || this.#inEnd > this.#inStart) {
      this.#keep(chunk, 0, chunk.length);
      if (this.#busy) {
        if (this.#inEnd - this.#inStart > PAUSE_INPUT_BYTES && !this.#paused) {
          this.#paused = true;
          this.transport.pause();
        }
        return;
      }
      this.#parse(this.#in, this.#inStart, this.#inEnd);
    } else {
      this.#parse(chunk, 0, chunk.length);
    }
  }

  /** The transport wrote everything it had queued. */
  drained(): void {
    this.lastUsed = this.server.now();
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** The peer sent end-of-file: the connection closes once the response in progress is sent. */
  ended(): void {
    this.#peerEnded = true;
    if (!this.#busy) this.shutdown();
  }

  /** The peer closed or the socket failed. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.server.forget(this);
    this.#reader?.cancel().catch(() => {});
    try {
      this.#bodySink?.error(new Error("connection closed"));
    } catch {
      // already closed
    }
    this.#bodySink = null;
    this.drained();
  }

  /** Closes this connection from our side (listener closing, idle too long). */
  shutdown(): void {
    if (this.#closed) return;
    this.closed();
    this.transport.end();
  }

  /** Stores `buf[start, end)` as unparsed input, reusing the input buffer. */
  #keep(buf: Uint8Array, start: number, end: number): void {
    if (buf === this.#in) return;
    const n = end - start;
    if (this.#inStart === this.#inEnd) this.#inStart = this.#inEnd = 0;
    if (this.#inEnd + n > this.#in.length) {
      const live = this.#inEnd - this.#inStart;
      if (live + n <= this.#in.length) {
        this.#in.copyWithin(0, this.#inStart, this.#inEnd);
      } else {
        let size = Math.max(1024, this.#in.length);
        while (size < live + n) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.#in.subarray(this.#inStart, this.#inEnd));
        this.#in = grown;
      }
      this.#inStart = 0;
      this.#inEnd = live;
    }
    this.#in.set(buf.subarray(start, end), this.#inEnd);
    this.#inEnd += n;
  }

  /** Marks `buf` consumed up to `upTo`; what is left stays as input. */
  #consumed(buf: Uint8Array, upTo: number, end: number): void {
    if (buf === this.#in) {
      this.#inStart = upTo;
      if (upTo === end) {
        this.#inStart = this.#inEnd = 0;
        if (this.#in.length > KEEP_INPUT_BYTES) this.#in = EMPTY;
      }
    } else if (upTo < end) {
      this.#keep(buf, upTo, end);
    }
  }

  #parse(buf: Uint8Array, start: number, end: number): void {
    start = skipEmptyLines(buf, start, end);
    if (start === end) return this.#consumed(buf, end, end);
    const headEnd = findHeadEnd(buf, start, end);
    if (headEnd === -1) {
      if (end - start > MAX_HEAD_BYTES) return this.shutdown();
      return this.#consumed(buf, start, end);
    }
    const head = parseRequestHead(latin1(buf, start, headEnd - 4));
    if (head === null) return this.shutdown(); // Medusa drops a request line it cannot read
    const length = head.contentLength ?? 0;
    const bodyEnd = headEnd + length;
    if (bodyEnd <= end) {
      const body = length === 0 ? null : buf.slice(headEnd, bodyEnd);
      this.#consumed(buf, bodyEnd, end);
      return this.#dispatch(head, body);
    }
    if (length <= INLINE_BODY_BYTES) return this.#consumed(buf, start, end);
    // A large body streams to the handler as it arrives.
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => void (this.#bodySink = c),
      pull: () => this.#resumeInput(),
      cancel: () => void (this.#bodySink = null),
    }, { highWaterMark: 4 });
    this.#bodyLeft = length;
    const rest = this.#feedBody(buf.subarray(headEnd, end));
    this.#consumed(buf, end, end);
    if (rest.length > 0) this.#keep(rest, 0, rest.length);
    this.#dispatch(head, stream);
  }

  /** Passes body bytes on (or drops them); returns what follows the body. */
  #feedBody(chunk: Uint8Array): Uint8Array {
    const n = Math.min(chunk.length, this.#bodyLeft);
    this.#bodyLeft -= n;
    const sink = this.#bodySink;
    if (sink !== null) {
      try {
        if (n > 0) sink.enqueue(chunk.slice(0, n));
        if (this.#bodyLeft === 0) {
          sink.close();
          this.#bodySink = null;
        } else if ((sink.desiredSize ?? 1) <= 0 && !this.#paused) {
          this.#paused = true;
          this.transport.pause();
        }
      } catch {
        this.#bodySink = null;
      }
    }
    return n === chunk.length ? EMPTY : chunk.subarray(n);
  }

  #resumeInput(): void {
    if (this.#paused && !this.#closed) {
      this.#paused = false;
      this.transport.resume();
    }
  }

  #dispatch(head: RequestHead, body: Uint8Array | ReadableStream<Uint8Array> | null): void {
    this.#busy = true;
    void this.#serve(head, body);
  }

  /** The handler's raw answer (null: it wants a Request), for a request whose body is all here. */
  async #raw(head: RequestHead, body: Uint8Array | null): Promise<RawResponse | null> {
    const raw = this.server.handler.raw;
    if (raw === undefined) return null;
    try {
      return await raw(new ReadRequest(head, body ?? EMPTY));
    } catch {
      return null;
    }
  }

  async #serve(head: RequestHead, body: Uint8Array | ReadableStream<Uint8Array> | null): Promise<void> {
    let close = true;
    try {
      const raw = body instanceof ReadableStream ? null : await this.#raw(head, body);
      if (raw !== null) {
        close = await this.#respondRaw(head, raw);
      } else {
        let response: Response;
        try {
          response = await this.server.handler(fetchRequest(head, body, this.server.defaultHost));
        } catch {
          response = internalError();
        }
        close = await this.#respond(head, response);
      }
    } catch {
      close = true;
    }
    this.#reader = null;
    if (this.#closed) return;
    this.#bodySink = null; // what the handler did not read is discarded
    if (close && this.#bodyLeft > 0 && !this.#peerEnded) {
      // Closing with body bytes still coming would reset the connection and lose the answer (a 413):
      // the rest of the body is read and dropped first.
      this.#closeAfterBody = true;
      return this.#resumeInput();
    }
    if (close || this.#peerEnded) return this.shutdown();
    this.#busy = false;
    this.#resumeInput();
    if (this.#inEnd > this.#inStart) this.#parse(this.#in, this.#inStart, this.#inEnd);
  }

  /** Writes a raw answer (its body is copied before `#send` first waits); returns whether to close afterwards. */
  async #respondRaw(head: RequestHead, raw: RawResponse): Promise<boolean> {
    const f = frameResponse(head.version, head.connection, raw.status, "", raw.headers, this.server.date(), true);
    let sent: Promise<void>;
    try {
      if (head.method === "HEAD" || raw.status === 204 || raw.status === 304) sent = this.#send(f.head, EMPTY, "");
      else if (!f.chunked) sent = this.#send(f.head, raw.body, "");
      else if (raw.body.length === 0) sent = this.#send(f.head, EMPTY, "0\r\n\r\n");
      else sent = this.#send(`${f.head}${raw.body.length.toString(16)}\r\n`, raw.body, "\r\n0\r\n\r\n");
    } finally {
      raw.release?.();
    }
    await sent;
    return f.close;
  }

  /** Writes the response; returns whether the connection closes afterwards. */
  async #respond(head: RequestHead, response: Response): Promise<boolean> {
    const headers: Array<[string, string]> = [];
    response.headers.forEach((value, name) => void headers.push([name, value]));
    const f = frameResponse(
      head.version,
      head.connection,
      response.status,
      response.statusText,
      headers,
      this.server.date(),
    );
    const noBody = response.body === null || head.method === "HEAD" || response.status === 204 ||
      response.status === 304;
    if (noBody) {
      if (response.body !== null) response.body.cancel().catch(() => {});
      await this.#send(f.head, EMPTY, f.chunked ? "0\r\n\r\n" : "");
      return f.close;
    }
    if (!f.chunked && headers.some(([n]) => n === "content-length")) {
      await this.#send(f.head, new Uint8Array(await response.arrayBuffer()), "");
      return f.close;
    }
    // A streamed body (a log tail): the head goes out at once, then each chunk as it comes.
    const reader = response.body!.getReader();
    this.#reader = reader;
    await this.#send(f.head, EMPTY, "");
    for (;;) {
      const r = await reader.read();
      if (this.#closed) return true;
      if (r.done) break;
      if (r.value.length === 0) continue;
      if (f.chunked) await this.#send(`${r.value.length.toString(16)}\r\n`, r.value, "\r\n");
      else await this.#send("", r.value, "");
    }
    if (f.chunked) await this.#send("0\r\n\r\n", EMPTY, "");
    return f.close;
  }

  /** Writes `before` (Latin-1), `bytes` and `after` in one write; waits while the transport is full. */
  async #send(before: string, bytes: Uint8Array, after: string): Promise<void> {
    if (this.#closed) return;
    const size = before.length + bytes.length + after.length;
    if (size === 0) return;
    const out = this.server.output(size);
    let at = putLatin1(out, 0, before);
    out.set(bytes, at);
    at = putLatin1(out, at + bytes.length, after);
    this.lastUsed = this.server.now();
    if (this.transport.write(out.subarray(0, at))) return;
    await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }
}
