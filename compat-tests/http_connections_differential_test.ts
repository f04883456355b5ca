/**
 * Differential test of the HTTP connection rules: which responses keep the
 * connection open, which close it, and what `Connection` header says so
 * (compared case-insensitively: Medusa writes `Keep-Alive`, some runtimes
 * lower-case header names), on both the unix socket and the inet server;
 * and several idle keep-alive connections left open by a client (as
 * supervisorctl leaves them) all keep working.
 *
 * Python counterpart: supervisor/medusa/http_server.py (`http_request.done`)
 * and supervisor/xmlrpc.py (`SupervisorTransport`, one connection per proxy).
 * @module
 */

import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";
import { callXml, open, rawHttp, rpcRequest, type Target } from "./_raw_http.ts";

const FIXTURE = `${UNIX_HEADER}
[inet_http_server]
port=127.0.0.1:{PORT}

${RPC_SECTION}
[program:run]
command=/bin/sh -c "exec sleep 120"
startsecs=0
`;

const GET_PID = callXml("supervisor.getPID");

/** Request variants: HTTP version and extra headers. */
const VARIANTS: Array<[string, string]> = [
  ["1.1 default", rpcRequest(GET_PID, "", "1.1")],
  ["1.1 Connection: close", rpcRequest(GET_PID, "Connection: close\r\n", "1.1")],
  ["1.0 default", rpcRequest(GET_PID, "", "1.0")],
  ["1.1 GET 404", "GET /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n"],
];

/**
 * HTTP/1.0 with `Connection: keep-alive`: Medusa keeps the connection open
 * and answers `Connection: Keep-Alive` when the response has a length.
 */
const KEEP_ALIVE_10: Array<[string, string]> = [
  ["1.0 Connection: keep-alive", rpcRequest(GET_PID, "Connection: keep-alive\r\n", "1.0")],
  ["1.0 GET 404 keep-alive", "GET /nothing/here HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"],
];

/** Facts for every variant over both servers, per side. */
async function allFacts(variants: Array<[string, string]>): Promise<{ ours: string[]; reference: string[] }> {
  const p = await pair();
  const ours: string[] = [];
  const reference: string[] = [];
  for (const [label, request] of variants) {
    for (const via of ["unix", "inet"] as const) {
      const facts = await p.both((d) =>
        connectionFacts(via === "unix" ? { path: `${d.dir}/s.sock` } : { port: d.port }, request)
      );
      ours.push(`${label} over ${via}: ${facts.ours}`);
      reference.push(`${label} over ${via}: ${facts.reference}`);
    }
  }
  return { ours, reference };
}

/**
 * What a reply says about the connection: status, Connection header
 * (lower-cased), whether it closed. Medusa leaves `Connection: close` out of
 * deferred (XML-RPC) responses that close (a harmless quirk, SURFACE
 * HTTP.keepalive), so for those a `close` header counts as absent.
 */
async function connectionFacts(target: Target, request: string): Promise<string> {
  const r = await rawHttp(target, request, { timeoutMs: 1500 });
  let header = /^connection:\s*(.*)$/im.exec(r.head)?.[1]?.trim().toLowerCase() ?? "-";
  if (request.startsWith("POST /RPC2") && header === "close") header = "-";
  // The status line and the rest of the head: http_response_heads_differential_test.ts.
  return `${r.status} connection:${header} ${r.closed ? "closed" : "open"}`;
}

/** Sends `request` on an already open socket and resolves with the status of the reply. */
function onSocket(socket: Socket, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let data = "";
    const timer = setTimeout(() => reject(new Error(`no reply; got ${JSON.stringify(data)}`)), 5000);
    const onData = (chunk: Buffer) => {
      data += chunk.toString("latin1");
      const end = data.indexOf("\r\n\r\n");
      const length = Number(/^content-length:\s*(\d+)/im.exec(data)?.[1] ?? -1);
      if (end >= 0 && length >= 0 && data.length >= end + 4 + length) {
        clearTimeout(timer);
        socket.off("data", onData);
        resolve(Number(/^HTTP\/\d\.\d (\d{3})/.exec(data)?.[1] ?? 0));
      }
    };
    socket.on("data", onData);
    socket.write(request);
  });
}

let pairPromise: Promise<CtlPair> | null = null;
const pair = () => pairPromise ??= CtlPair.start(FIXTURE, { ready: [[/success: run /, 1]] });

Deno.test({
  name: `[HTTP.keepalive] persistence by HTTP version and Connection: close, as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { ours, reference } = await allFacts(VARIANTS);
    assert.deepEqual(ours, reference);
  },
});

Deno.test({
  name: `[HTTP.keepalive] HTTP/1.0 Connection: keep-alive stays open, as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { ours, reference } = await allFacts(KEEP_ALIVE_10);
    assert.deepEqual(ours, reference);
  },
});

Deno.test({
  name:
    `[XPORT.connections,HTTP.keepalive] idle keep-alive connections left open all keep answering (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const p = await pair();
    const statuses = await p.both(async (d) => {
      const sockets = await Promise.all([1, 2, 3].map(() => open({ path: `${d.dir}/s.sock` })));
      const out: number[] = [];
      try {
        // Each connection makes a call and is left idle while the next is used, twice round.
        for (let round = 0; round < 2; round++) {
          for (const s of sockets) out.push(await onSocket(s, rpcRequest(GET_PID, "", "1.1")));
        }
      } finally {
        for (const s of sockets) s.destroy();
      }
      return out;
    });
    assert.deepEqual(statuses.ours, [200, 200, 200, 200, 200, 200]);
    assert.deepEqual(statuses.ours, statuses.reference);
  },
});

Deno.test({
  name: "http connections: dispose of the daemons",
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (pairPromise !== null) await (await pairPromise)[Symbol.asyncDispose]();
  },
});
