/**
 * The HTTP front and the dispatcher on a real socket: served by the adapter
 * of the runtime running the test (Deno or Bun) on a unix socket in a temp
 * directory, and driven by the stock Python clients: supervisor's own
 * `SupervisorTransport` under `xmlrpc.client.ServerProxy` (what
 * supervisorctl uses for every call), and `/usr/bin/supervisorctl tail -f`
 * and `maintail -f` (its raw chunked-HTTP client). The `supervisor.*`
 * methods are stubs here; the engine supplies the real ones.
 *
 * Python counterpart: supervisor/xmlrpc.py (`SupervisorTransport`),
 * supervisor/http_client.py, supervisor/supervisorctl.py (`do_tail`).
 * @module
 */

import { deepStrictEqual as assertEquals, equal, match, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { spawn } from "node:child_process";
import { REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { hasPython, PYTHON } from "./_python.ts";
import { createDenoRuntime } from "../src/runtime/deno.ts";
import { createBunRuntime } from "../src/runtime/bun.ts";
import type { Runtime } from "../src/runtime/types.ts";
import { RpcDispatcher, type RpcHandler } from "../src/rpc/dispatcher.ts";
import { Faults, RpcError } from "../src/rpc/faults.ts";
import { bindSupervisorMethods, SUPERVISOR_METHODS } from "../src/rpc/supervisor_methods.ts";
import { createHttpHandler, type Credentials, type LogTailSource } from "../src/http/server.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const enc = new TextEncoder();

function processInfo(i: number) {
  return {
    name: `proc_${i}`,
    group: `group_${i % 10}`,
    start: 1795579568,
    stop: 0,
    now: 1795579577,
    state: 20,
    statename: "RUNNING",
    spawnerr: "",
    exitstatus: 0,
    logfile: `/var/log/supervisor/proc_${i}-stdout---supervisor-8ujr4eir.log`,
    stdout_logfile: `/var/log/supervisor/proc_${i}-stdout---supervisor-8ujr4eir.log`,
    stderr_logfile: "",
    pid: 10000 + i,
    description: `pid ${10000 + i}, uptime 0:00:09`,
  };
}

function dispatcher(): RpcDispatcher {
  const handlers: Record<string, RpcHandler> = {};
  for (const m of SUPERVISOR_METHODS) {
    if (m.aliasOf === undefined) handlers[m.name] = () => Promise.reject(new RpcError(Faults.FAILED, "stub"));
  }
  const d = new RpcDispatcher();
  d.registerAll(bindSupervisorMethods({
    ...handlers,
    "supervisor.getAPIVersion": () => "3.0",
    "supervisor.getPID": () => 4242,
    "supervisor.getAllProcessInfo": () => Array.from({ length: 1000 }, (_, i) => processInfo(i)),
    "supervisor.getProcessInfo": ([name]) => {
      if (name !== "proc_1") throw new RpcError(Faults.BAD_NAME, String(name));
      return processInfo(1);
    },
    // Log text as a coloured program leaves it: ESC and CR (SURFACE XMLRPC.badtext).
    "supervisor.readProcessStdoutLog": () => "\x1b[31mred\x1b[0m\r\nplain\n",
  }));
  return d;
}

/** A tail that sends two lines a moment apart, then ends (so `tail -f` exits). */
const logs: LogTailSource = {
  processLog(name, channel) {
    if (name !== "web") return Promise.resolve(null);
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (step++ === 0) return c.enqueue(enc.encode(`first ${channel}\n`));
        await new Promise((r) => setTimeout(r, 50));
        c.enqueue(enc.encode(`second ${channel}\n`));
        c.close();
      },
    });
    return Promise.resolve({ body, mtime: Date.UTC(2026, 10, 25, 4, 17, 13) });
  },
  mainLog: () => Promise.resolve({ body: new Blob(["main log line\n"]).stream(), mtime: 0 }),
};

async function withFront(credentials: Credentials | null, fn: (sock: string) => Promise<void>): Promise<void> {
  const rt: Runtime = isBun ? createBunRuntime() : createDenoRuntime();
  using tmp = tempDir("svts-rpc-");
  const sock = `${tmp.path}/supervisor.sock`;
  const listener = await rt.serve(
    { transport: "unix", path: sock },
    createHttpHandler({ rpc: dispatcher(), credentials, logs }),
  );
  try {
    await fn(sock);
  } finally {
    await listener.close();
  }
}

const CLIENT = `
import sys, json, xmlrpc.client as X
from supervisor.xmlrpc import SupervisorTransport
sock, user, pw = sys.argv[1], sys.argv[2] or None, sys.argv[3] or None
def proxy(u, p): return X.ServerProxy('http://127.0.0.1', transport=SupervisorTransport(u, p, 'unix://' + sock))
p = proxy(user, pw)
out = {'names': p.system.listMethods(), 'sig': p.system.methodSignature('supervisor.startProcess'),
       'version': p.supervisor.getVersion()}
infos = p.supervisor.getAllProcessInfo()
out['infos'] = [len(infos), infos[1] == p.supervisor.getProcessInfo('proc_1'), infos[-1]['name']]
try: p.supervisor.getProcessInfo('nosuch')
except X.Fault as f: out['fault'] = [f.faultCode, f.faultString]
out['log'] = p.supervisor.readProcessStdoutLog('proc_1', 0, 0)
out['multicall'] = p.system.multicall([{'methodName': 'supervisor.getPID'},
    {'methodName': 'supervisor.getProcessInfo', 'params': ['nosuch']}, {'methodName': 'system.multicall', 'params': [[]]}])
try:
    proxy(user, 'wrong').system.listMethods()
    out['badauth'] = None
except X.ProtocolError as e: out['badauth'] = e.errcode
print(json.dumps(out))
`;

async function pythonClient(sock: string, user = "", password = ""): Promise<Record<string, unknown>> {
  const r = await run([PYTHON, "-c", CLIENT, sock, user, password], { timeoutMs: 30_000 });
  equal(r.stderr, "");
  equal(r.code, 0);
  return JSON.parse(r.stdout);
}

Deno.test({
  name: "[XPORT.rpc,HTTP.rpc2,RPC.system.listMethods,RPC.system.multicall,XMLRPC.badtext] the stock Python " +
    "client (SupervisorTransport) talks to the front over a unix socket",
  ignore: !hasPython,
  async fn() {
    await withFront(null, async (sock) => {
      const out = await pythonClient(sock);
      equal((out.names as string[]).length, 41);
      ok((out.names as string[]).includes("supervisor.tailProcessLog"));
      assertEquals(out.sig, ["boolean", "string", "boolean"]);
      equal(out.version, "3.0");
      assertEquals(out.infos, [1000, true, "proc_999"]);
      assertEquals(out.fault, [10, "BAD_NAME: nosuch"]);
      equal(out.log, "\ufffd[31mred\ufffd[0m\r\nplain\n"); // parseable, CR kept
      assertEquals(out.multicall, [
        4242,
        { faultCode: 10, faultString: "BAD_NAME: nosuch" },
        { faultCode: 2, faultString: "INCORRECT_PARAMETERS: Recursive system.multicall forbidden" },
      ]);
      equal(out.badauth, null); // no credentials configured: anything goes
    });
  },
});

Deno.test({
  name: "[AUTH.basic,AUTH.sha,AUTH.401] the stock client authenticates against a {SHA} password; a wrong one is 401",
  ignore: !hasPython,
  async fn() {
    const creds = { username: "bob", password: "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3" }; // sha1("test")
    await withFront(creds, async (sock) => {
      const out = await pythonClient(sock, "bob", "test");
      equal(out.version, "3.0");
      equal(out.badauth, 401);
    });
  },
});

/**
 * Runs the stock supervisorctl until its stdout ends with `until` (a tail
 * never ends by itself: the stock client waits for the server to close), then
 * stops it. Returns stdout and stderr.
 */
function ctlUntil(args: string[], until: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(REFERENCE_CTL, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const finish = () => {
      clearTimeout(timer);
      child.kill("SIGKILL");
    };
    const timer = setTimeout(finish, 10_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (stdout.endsWith(until)) finish();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", () => (clearTimeout(timer), resolve({ stdout, stderr })));
  });
}

Deno.test({
  name:
    "[XPORT.tailf,HTTP.logtail,HTTP.mainlogtail] the stock supervisorctl tail -f and maintail -f read our chunked streams",
  ignore: !existsSync(REFERENCE_CTL),
  async fn() {
    const banner = "==> Press Ctrl-C to exit <==\n";
    for (const creds of [null, { username: "bob", password: "s3cr:et" }]) {
      await withFront(creds, async (sock) => {
        const base = ["-s", `unix://${sock}`, ...(creds === null ? [] : ["-u", "bob", "-p", "s3cr:et"])];
        const want = `${banner}first stderr\nsecond stderr\n`;
        equal((await ctlUntil([...base, "tail", "-f", "web", "stderr"], want)).stdout, want);
        if (creds !== null) return;
        const out = `${banner}first stdout\nsecond stdout\n`;
        equal((await ctlUntil([...base, "tail", "-f", "web"], out)).stdout, out);
        equal(
          (await ctlUntil([...base, "maintail", "-f"], `${banner}main log line\n`)).stdout,
          `${banner}main log line\n`,
        );
        const missing = await ctlUntil([...base, "tail", "-f", "nosuch"], "never");
        match(missing.stderr, /\/logtail\/nosuch\/stdout Cannot read, status code 404/);
      });
    }
  },
});

/** Sends raw bytes to the socket; returns what came back once it matches `done` (or the server closes, or 5 s pass). */
function raw(sock: string, bytes: string, done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    let out = "";
    const timer = setTimeout(() => s.destroy(), 5000);
    s.on("data", (d) => {
      out += d.toString("latin1");
      if (done.test(out)) s.destroy();
    });
    s.on("error", reject);
    s.on("close", () => (clearTimeout(timer), resolve(out)));
    s.write(bytes);
  });
}

Deno.test("[HTTP.rpc2,HTTP.errors,AUTH.401,XPORT.tailf] response heads on the wire", async () => {
  const creds = { username: "bob", password: "pw" };
  await withFront(creds, async (sock) => {
    const body = "<?xml version='1.0'?><methodCall><methodName>supervisor.getPID</methodName></methodCall>";
    const auth = `Authorization: Basic ${btoa("bob:pw")}\r\n`;
    const rpc = await raw(
      sock,
      `POST /RPC2 HTTP/1.0\r\nHost: localhost\r\n${auth}Content-Length: ${body.length}\r\n\r\n${body}`,
      /<\/methodResponse>\n/,
    );
    match(rpc, /^HTTP\/1\.[01] 200 OK\r\n/);
    match(rpc, /\r\ncontent-type: text\/xml\r\n/i);
    match(rpc, /\r\ncontent-length: 124\r\n/i);
    match(rpc, /\r\nserver: Medusa\/1\.12\r\n/i);
    match(rpc, /<value><int>4242<\/int><\/value>/);
    const denied = await raw(
      sock,
      `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      /<\/body>\r\n/,
    );
    match(denied, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    match(denied, /\r\nwww-authenticate: Basic realm="default"\r\n/i);
    match(denied, /\r\nconnection: close\r\n/i);
    match(denied, /<p>Error code 401\.\r\n<p>Message: Unauthorized\.\r\n/);
    // The tail client's exact request: empty Host, extra CRLF after the headers.
    const tail = await raw(
      sock,
      `GET /logtail/web/stderr HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\nAccept: */*\r\nUser-agent: Supervisor HTTP Client\r\n${auth}\r\n\r\n`,
      /\r\n0\r\n\r\n/,
    );
    match(tail, /^HTTP\/1\.1 200 OK\r\n/);
    match(tail, /\r\ntransfer-encoding: chunked\r\n/i);
    match(tail, /\r\nlast-modified: Wed, 25 Nov 2026 04:17:13 GMT\r\n/i);
    match(tail, /\r\nx-accel-buffering: no\r\n/i);
    match(tail, /\r\n\r\nd\r\nfirst stderr\n\r\ne\r\nsecond stderr\n\r\n0\r\n\r\n/);
  });
});
