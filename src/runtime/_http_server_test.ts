import { deepStrictEqual as assertEquals, equal, ok } from "node:assert/strict";
import { HttpServer, INLINE_BODY_BYTES, KEEP_INPUT_BYTES, type Transport } from "./_http_server.ts";
import type { Handler, RawHandler } from "./types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const NOW = Date.UTC(2026, 11, 6, 17, 16, 33);
const DATE = "Sun, 06 Dec 2026 17:16:33 GMT";

/** A transport that records what is written; `full` makes writes queue until `drain()`. */
class Recorder implements Transport {
  writes: Uint8Array[] = [];
  buffers: ArrayBufferLike[] = [];
  ended = false;
  paused = false;
  full = false;
  write(bytes: Uint8Array): boolean {
    this.writes.push(bytes.slice());
    this.buffers.push(bytes.buffer);
    return !this.full;
  }
  end(): void {
    this.ended = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  get text(): string {
    return this.writes.map((w) => dec.decode(w)).join("");
  }
}

/** Lets queued promise callbacks and timers run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await settle();
  ok(cond(), "condition not reached");
}

/** Answers `<method> <path> <body>` (bytes, so no Content-Type is added). */
const echo: Handler = async (req) => {
  const text = enc.encode(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`);
  return new Response(text, { headers: { "Content-Length": String(text.length) } });
};

function open(handler: Handler) {
  const server = new HttpServer(handler, "localhost", () => NOW);
  const t = new Recorder();
  const conn = server.open(t);
  return { server, t, conn };
}

const post = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${enc.encode(body).length}\r\n\r\n${body}`;

Deno.test("[HTTP.request,HTTP.keepalive] pipelined requests split across chunks are answered in order, one at a time", async () => {
  const { t, conn } = open(echo);
  const wire = enc.encode(post("/a", "one") + post("/b", "two") + "GET /c HTTP/1.1\r\n\r\n");
  for (let i = 0; i < wire.length; i += 7) conn.data(wire.subarray(i, i + 7));
  await until(() => t.text.includes("GET /c"));
  const bodies = t.text.split(/HTTP\/1\.1 200 OK\r\n[^]*?\r\n\r\n/).filter((b) => b !== "");
  assertEquals(bodies, ["POST /a one", "POST /b two", "GET /c "]);
  equal(t.ended, false, "HTTP/1.1 keeps the connection");
});

Deno.test("[HTTP.response.headers] a response head: version echoed, Server then Date, Medusa's case; HTTP/1.0 closes", async () => {
  const { t, conn } = open(() =>
    Promise.resolve(new Response(enc.encode("hi"), { headers: { "Content-Length": "2", "Server": "Medusa/1.12" } }))
  );
  conn.data(enc.encode("GET / HTTP/1.0\r\n\r\n"));
  await until(() => t.ended);
  equal(t.text, `HTTP/1.0 200 OK\r\nServer: Medusa/1.12\r\nDate: ${DATE}\r\nContent-Length: 2\r\n\r\nhi`);
});

Deno.test("[HTTP.keepalive] a streamed body goes out chunked, its head before the first chunk", async () => {
  let push!: (s: string) => void;
  let finish!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      push = (s) => c.enqueue(enc.encode(s));
      finish = () => c.close();
    },
  });
  const { t, conn } = open(() => Promise.resolve(new Response(body)));
  conn.data(enc.encode("GET /logtail/x HTTP/1.1\r\n\r\n\r\n"));
  await until(() => t.writes.length === 1);
  equal(t.text, `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nTransfer-Encoding: chunked\r\n\r\n`);
  push("hello\n");
  await until(() => t.writes.length === 2);
  equal(dec.decode(t.writes[1]), "6\r\nhello\n\r\n");
  finish();
  await until(() => t.writes.length === 3);
  equal(dec.decode(t.writes[2]), "0\r\n\r\n");
});

Deno.test("every response is assembled in one output buffer shared by all connections", async () => {
  const server = new HttpServer(echo, "localhost", () => NOW);
  const a = new Recorder();
  const b = new Recorder();
  const ca = server.open(a);
  const cb = server.open(b);
  ca.data(enc.encode(post("/1", "x")));
  cb.data(enc.encode(post("/2", "y")));
  await until(() => a.writes.length === 1 && b.writes.length === 1);
  ca.data(enc.encode(post("/3", "z")));
  await until(() => a.writes.length === 2);
  equal(new Set([...a.buffers, ...b.buffers]).size, 1, "one ArrayBuffer behind every write");
});

Deno.test("a partial request waits in the connection's input buffer, kept up to KEEP_INPUT_BYTES", async () => {
  const { t, conn } = open(echo);
  const big = "x".repeat(KEEP_INPUT_BYTES * 2);
  const wire = enc.encode(post("/big", big));
  conn.data(wire.subarray(0, 100));
  conn.data(wire.subarray(100));
  await until(() => t.writes.length === 1);
  ok(t.text.endsWith(`POST /big ${big}`));
  const small = enc.encode(post("/s", "abc"));
  conn.data(small.subarray(0, 10));
  conn.data(small.subarray(10));
  await until(() => t.writes.length === 2);
  ok(t.text.endsWith("POST /s abc"));
});

Deno.test("[HTTP.rpc2] a body above INLINE_BODY_BYTES streams to the handler; what it leaves unread is dropped, then the close", async () => {
  let seen = -1;
  const refuse: Handler = async (req) => {
    seen = Number(req.headers.get("content-length"));
    await req.body?.cancel();
    return new Response("no", { status: 413, headers: { "Content-Length": "2", "Connection": "close" } });
  };
  const { t, conn } = open(refuse);
  const length = INLINE_BODY_BYTES * 3;
  conn.data(enc.encode(`POST /RPC2 HTTP/1.1\r\nContent-Length: ${length}\r\n\r\n`));
  await until(() => t.writes.length === 1);
  equal(seen, length);
  ok(t.text.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
  await settle();
  equal(t.ended, false, "the connection stays until the body is in, so the client can read the answer");
  const chunk = new Uint8Array(64 * 1024);
  for (let sent = 0; sent < length; sent += chunk.length) conn.data(chunk);
  await until(() => t.ended);
});

Deno.test("a transport that is full holds the next response until drained()", async () => {
  const { t, conn } = open(echo);
  t.full = true;
  conn.data(enc.encode(post("/1", "a") + post("/2", "b")));
  await until(() => t.writes.length === 1);
  await settle();
  equal(t.writes.length, 1, "the second response waits");
  t.full = false;
  conn.drained();
  await until(() => t.writes.length === 2);
});

Deno.test("Handler.raw answers complete requests without a Request; null passes them to the handler", async () => {
  const seen: string[] = [];
  const raw: RawHandler = (req) => {
    seen.push(`${req.method} ${req.target} ${req.header("CONTENT-TYPE")} ${dec.decode(req.body)}`);
    if (req.target !== "/fast") return null;
    return { status: 200, headers: [["Server", "S"], ["Content-Length", "4"]], body: enc.encode("fast") };
  };
  const { t, conn } = open(Object.assign((req: Request) => echo(req), { raw }));
  conn.data(enc.encode(post("/fast", "1", "Content-Type: text/xml\r\n") + post("/slow", "2")));
  await until(() => t.writes.length === 2);
  assertEquals(seen, ["POST /fast text/xml 1", "POST /slow null 2"]);
  equal(
    t.text,
    `HTTP/1.1 200 OK\r\nServer: S\r\nDate: ${DATE}\r\nContent-Length: 4\r\n\r\nfast` +
      `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nContent-Length: 12\r\n\r\nPOST /slow 2`,
  );
});

Deno.test("[HTTP.request] an unreadable request line closes without an answer; close() ends every connection", () => {
  const { t, conn } = open(echo);
  conn.data(enc.encode("GARBAGE\r\n\r\n"));
  equal(t.ended, true);
  equal(t.writes.length, 0);
  const { server, t: t2 } = open(echo);
  equal(server.connections, 1);
  server.close();
  equal(t2.ended, true);
  equal(server.connections, 0);
});
