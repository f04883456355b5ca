import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import {
  findHeadEnd,
  frameResponse,
  headerCase,
  httpDate,
  latin1,
  parseRequestHead,
  putLatin1,
  skipEmptyLines,
} from "./_http_wire.ts";

const enc = new TextEncoder();
const DATE = "Sun, 06 Dec 2026 17:16:33 GMT";

Deno.test("[HTTP.request] findHeadEnd() finds the first CRLF CRLF; skipEmptyLines() steps over stray empty lines", () => {
  const buf = enc.encode("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nbody");
  const start = skipEmptyLines(buf, 0, buf.length);
  equal(start, 4);
  equal(findHeadEnd(buf, start, buf.length), buf.length - 4);
  equal(findHeadEnd(buf, start, buf.length - 6), -1, "a head cut before its end is not complete");
  equal(findHeadEnd(enc.encode("GET / HTTP/1.1\n\n"), 0, 16), -1, "bare LFs do not end a head (Medusa)");
});

Deno.test("[HTTP.request] parseRequestHead() reads Medusa's request line, joins continuations, reads Content-Length", () => {
  const head = parseRequestHead(
    "POST /RPC2 HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n  b\r\ncontent-length: 95\r\nConnection: Close",
  );
  assertEquals(
    { method: head?.method, target: head?.target, version: head?.version, length: head?.contentLength },
    { method: "POST", target: "/RPC2", version: "1.1", length: 95 },
  );
  equal(head?.connection, "close");
  assertEquals(head?.headers, [["Host", "x"], ["X-Long", "a b"], ["content-length", "95"], ["Connection", "Close"]]);
  equal(head?.header("x-long"), "a b");
  const lazy = parseRequestHead("POST /RPC2 HTTP/1.1\r\nAuthorization: Basic abc\r\nContent-Length: 7");
  equal(lazy?.header("AUTHORIZATION"), "Basic abc", "looked up without making the pairs");
  equal(lazy?.header("content-length"), "7");
  equal(lazy?.contentLength, 7);
  equal(lazy?.header("host"), null);
  equal(parseRequestHead("\r\n\r\nGET /x HTTP/1.0")?.version, "1.0", "leading empty lines are skipped");
  equal(parseRequestHead("GET /")?.version, null, "no version");
  equal(parseRequestHead("GET / HTTP/1.1\r\nContent-Length: 1x")?.contentLength, null, "not a number");
  equal(parseRequestHead("GET / HTTP/1.1")?.contentLength, 0);
  equal(parseRequestHead("GARBAGE"), null);
  equal(parseRequestHead("GET  / HTTP/1.1"), null);
  const utf8Path = latin1(enc.encode("GET /logtail/é HTTP/1.1"), 0, 24);
  equal(parseRequestHead(utf8Path)?.target, "/logtail/é", "raw UTF-8 in the target is read as UTF-8");
});

Deno.test("[HTTP.keepalive] frameResponse() keeps or closes as Medusa does, chunking HTTP/1.1 bodies without a length", () => {
  const withLength: Array<[string, string]> = [["content-length", "3"]];
  const f = (v: string | null, c: string, h: Array<[string, string]> = withLength, status = 200) =>
    frameResponse(v, c, status, "", h, DATE);
  equal(f("1.1", "").close, false);
  equal(f("1.1", "close").close, true);
  equal(f("1.1", "", []).chunked, true);
  equal(f("1.1", "close", []).chunked, false, "a closing connection delimits the body");
  equal(f("1.1", "", [], 304).chunked, false, "304 has no body");
  equal(f("1.0", "").close, true);
  equal(f("1.0", "keep-alive").close, false);
  equal(f("1.0", "keep-alive", []).close, true, "no length: HTTP/1.0 cannot keep the connection");
  equal(f(null, "").close, true);
  equal(f("1.1", "", [["connection", "close"], ["content-length", "0"]]).close, true, "the handler may close");
  equal(
    f("1.0", "keep-alive").head,
    `HTTP/1.0 200 OK\r\nDate: ${DATE}\r\nContent-Length: 3\r\nConnection: Keep-Alive\r\n\r\n`,
  );
  equal(f("1.1", "", []).head, `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nTransfer-Encoding: chunked\r\n\r\n`);
  equal(f(null, "").head.slice(0, 17), "HTTP/1.0 200 OK\r\n");
});

Deno.test("[HTTP.response.headers] fetch headers are written in Medusa's case and order for each kind of response", () => {
  const head = (status: number, h: Record<string, string>) =>
    frameResponse("1.1", "", status, "", Object.entries(h).sort(([a], [b]) => (a < b ? -1 : 1)), DATE).head;
  equal(
    head(200, { "server": "Medusa/1.12", "content-type": "text/xml", "content-length": "279" }),
    `HTTP/1.1 200 OK\r\nServer: Medusa/1.12\r\nDate: ${DATE}\r\nContent-Type: text/xml\r\nContent-Length: 279\r\n\r\n`,
  );
  equal(
    head(401, {
      "server": "Medusa/1.12",
      "connection": "close",
      "www-authenticate": 'Basic realm="default"',
      "content-length": "137",
      "content-type": "text/html",
    }),
    `HTTP/1.1 401 Unauthorized\r\nServer: Medusa/1.12\r\nDate: ${DATE}\r\nConnection: close\r\n` +
      `WWW-Authenticate: Basic realm="default"\r\nContent-Length: 137\r\nContent-Type: text/html\r\n\r\n`,
  );
  equal(
    head(200, {
      "server": "Medusa/1.12",
      "last-modified": DATE,
      "content-type": "text/plain;charset=utf-8",
      "x-accel-buffering": "no",
    }),
    `HTTP/1.1 200 OK\r\nServer: Medusa/1.12\r\nDate: ${DATE}\r\nLast-Modified: ${DATE}\r\n` +
      "Content-Type: text/plain;charset=utf-8\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n",
  );
  equal(
    head(200, {
      "content-type": "text/html",
      "pragma": "no-cache",
      "cache-control": "no-cache",
      "expires": "0",
      "content-length": "5",
      "x-frame-options": "DENY",
    }),
    `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nContent-Type: text/html\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n` +
      "Expires: 0\r\nX-Frame-Options: DENY\r\nContent-Length: 5\r\n\r\n",
  );
  equal(headerCase("www-authenticate"), "WWW-Authenticate");
  equal(headerCase("etag"), "ETag");
});

Deno.test("[HTTP.response.headers] ordered headers are written as given, Date after Server", () => {
  const h: Array<[string, string]> = [["Server", "Medusa/1.12"], ["Content-Type", "text/xml"], ["Content-Length", "9"]];
  equal(
    frameResponse("1.1", "", 200, "", h, DATE, true).head,
    `HTTP/1.1 200 OK\r\nServer: Medusa/1.12\r\nDate: ${DATE}\r\nContent-Type: text/xml\r\nContent-Length: 9\r\n\r\n`,
  );
  equal(frameResponse("1.1", "", 200, "", [], DATE, true).head.split("\r\n")[1], `Date: ${DATE}`);
});

Deno.test("httpDate() and putLatin1() write what Medusa writes, byte per char", () => {
  equal(httpDate(Date.UTC(2026, 11, 6, 17, 16, 33, 999)), DATE);
  const out = new Uint8Array(8);
  equal(putLatin1(out, 2, "a\xe9"), 4);
  assertEquals([...out.subarray(2, 4)], [0x61, 0xe9]);
});
