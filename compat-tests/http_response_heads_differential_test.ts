/**
 * Response heads byte for byte: our supervisord and `/usr/bin/supervisord`
 * side by side answer the same raw requests (XML-RPC, errors 400/401/404/411,
 * log tails, the main log tail) over the unix socket and over an inet server
 * with credentials, and the heads must be identical once the dates are
 * masked: the same header names spelled the same way, in the same order,
 * nothing more (no `Connection: keep-alive`, no `Keep-Alive:`), the status
 * line echoing the request's HTTP version. The web UI is our own (README,
 * Known differences), so for its pages the test checks that Python's
 * headers come first in Python's order, spelled alike, followed only by the
 * UI's own.
 * A 401 says `Connection: close`; the stock client sends its body after its
 * headers, so the connection must not be closed before the body is in
 * (Medusa leaves it open; ours reads the rest of the body, then closes), or
 * the client's send fails (EPIPE on a unix socket) instead of reading the
 * 401.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_request`:
 * `reply_headers`, `build_reply_header`, `error`, `done`), supervisor/http.py.
 * @module
 */

import assert from "node:assert/strict";
import { CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName, run } from "./_harness.ts";
import { PYTHON } from "./_python.ts";
import { callXml, rawHttp, type Target } from "./_raw_http.ts";

const FIXTURE = `${UNIX_HEADER}
[inet_http_server]
port=127.0.0.1:{PORT}
username=user
password=pass

${RPC_SECTION}
[program:never]
command=/bin/sleep 100
autostart=false
`;

const AUTH = `Authorization: Basic ${btoa("user:pass")}\r\n`;
const BODY = callXml("supervisor.getAPIVersion");

function rpc(version: string, headers = "Host: localhost\r\n"): string {
  return `POST /RPC2 HTTP/${version}\r\n${headers}Content-Type: text/xml\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;
}

const get = (path: string, version = "1.1", headers = "Host: localhost\r\n") =>
  `GET ${path} HTTP/${version}\r\n${headers}\r\n`;

/** Requests whose heads must be identical; `inet` ones go to the server with credentials. */
const SAME: Array<[label: string, via: "unix" | "inet", request: string]> = [
  ["XML-RPC", "unix", rpc("1.1")],
  ["XML-RPC, no Host, Connection: close", "unix", rpc("1.1", "Connection: close\r\n")],
  ["XML-RPC with credentials", "inet", rpc("1.1", `Host: localhost\r\n${AUTH}`)],
  ["POST /RPC2 without Content-Length (411)", "unix", "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["GET /RPC2 (400)", "unix", get("/RPC2")],
  ["XML-RPC without credentials (401)", "inet", rpc("1.1")],
  ["a log tail without credentials (401)", "inet", get("/logtail/never")],
  ["a log tail", "unix", get("/logtail/never")],
  ["a stderr log tail", "unix", get("/logtail/never/stderr")],
  ["an unknown log tail (404)", "unix", get("/logtail/nosuch")],
  ["POST to a log tail (400)", "unix", "POST /logtail/never HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"],
  ["the main log tail", "unix", get("/mainlogtail")],
  ["an unknown path (404)", "unix", get("/nothing/here")],
  ["DELETE (400)", "unix", "DELETE /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["HTTP/1.0 XML-RPC", "unix", rpc("1.0")],
  ["HTTP/1.0 XML-RPC, Connection: keep-alive", "unix", rpc("1.0", "Connection: keep-alive\r\n")],
  ["HTTP/1.0 unknown path (404)", "unix", get("/nothing/here", "1.0", "")],
];

/** The web UI's pages: Python's headers first, in Python's order; then only these of the UI's own. */
const UI_PAGES = ["/", "/index.html", "/tail.html?processname=never"];
const UI_OWN = ["Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options"];

function mask(head: string): string {
  return head.replace(/^(Date|Last-Modified): .*$/gm, "$1: <DATE>");
}

async function head(target: Target, request: string): Promise<string> {
  const r = await rawHttp(target, request, { headOnly: true, timeoutMs: 5000 });
  return mask(r.head);
}

function headerNames(head: string): string[] {
  return head.split("\r\n").slice(1).map((l) => l.slice(0, l.indexOf(":")));
}

/** The stock client with a wrong password, `times` over: the HTTP status of each refusal. */
const WRONG_PASSWORD = `
import sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
out = []
for _ in range(int(sys.argv[2])):
    t = SupervisorTransport('user', 'wrong', sys.argv[1])
    try:
        xmlrpc.client.ServerProxy('http://127.0.0.1', transport=t).supervisor.getAPIVersion()
        out.append('answered')
    except xmlrpc.client.ProtocolError as e:
        out.append(str(e.errcode))
    except Exception as e:
        out.append(type(e).__name__)
print(' '.join(out))
`;

/** A unix socket with credentials: a connection closed early fails the client's send at once (EPIPE). */
const UNIX_AUTH_FIXTURE =
  UNIX_HEADER.replace("file=%(here)s/s.sock\n", "file=%(here)s/s.sock\nusername=user\npassword=pass\n") +
  `\n${RPC_SECTION}`;

let pairPromise: Promise<CtlPair> | null = null;
const pair = () => pairPromise ??= CtlPair.start(FIXTURE);

const target = (via: "unix" | "inet", d: { dir: string; port: number }): Target =>
  via === "unix" ? { path: `${d.dir}/s.sock` } : { port: d.port };

Deno.test({
  name:
    `[HTTP.response.headers,HTTP.errors,HTTP.logtail,HTTP.mainlogtail,AUTH.401] response heads are supervisord's byte for byte, dates masked (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const p = await pair();
    for (const [label, via, request] of SAME) {
      const got = await p.both((d) => head(target(via, d), request));
      assert.match(got.reference, /^HTTP\/1\.[01] \d{3} /, `${label}: the reference answered`);
      assert.equal(got.ours, got.reference, label);
    }
  },
});

Deno.test({
  name:
    `[HTTP.response.headers] web UI pages start with supervisord's headers in its order, then only the UI's own (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const p = await pair();
    for (const page of UI_PAGES) {
      const got = await p.both((d) => head(target("unix", d), get(page)));
      const python = headerNames(got.reference);
      const ours = headerNames(got.ours);
      assert.deepEqual(python, [
        "Server",
        "Date",
        "Content-Type",
        "Pragma",
        "Cache-Control",
        "Expires",
        "Content-Length",
      ]);
      assert.deepEqual(ours.filter((n) => python.includes(n)), python, `${page}: Python's headers, in its order`);
      assert.deepEqual(ours.filter((n) => !python.includes(n)), UI_OWN, `${page}: nothing else but the UI's own`);
      assert.equal(got.ours.split("\r\n")[0], "HTTP/1.1 200 OK");
    }
  },
});

Deno.test({
  name:
    `[AUTH.401,XPORT.rpc] the stock client reads the 401 for a wrong password every time, also over a unix socket (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using p = await CtlPair.start(UNIX_AUTH_FIXTURE);
    const got = await p.both(async (d) => {
      const url = `unix://${d.dir}/s.sock`;
      const r = await run([PYTHON, "-c", WRONG_PASSWORD, url, "20"], { timeoutMs: 60_000 });
      return r.stdout.trim() + r.stderr;
    });
    assert.equal(got.reference, Array(20).fill("401").join(" "));
    assert.equal(got.ours, got.reference);
  },
});

Deno.test({
  name: "http response heads: dispose of the daemons",
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (pairPromise !== null) await (await pairPromise)[Symbol.asyncDispose]();
  },
});
