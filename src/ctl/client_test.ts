import assert from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { openStream, ProtocolError, RpcClient, RpcFault, serverTarget, SocketError } from "./client.ts";
import { errorLine, PyError } from "./py_errors.ts";
import { serveStub, StubFault } from "./_testing.ts";

Deno.test("[XPORT.rpc] serverTarget() reads unix and http URLs as SupervisorTransport does", () => {
  assert.deepEqual(serverTarget("unix:///run/s.sock"), {
    endpoint: { transport: "unix", path: "/run/s.sock" },
    host: "localhost",
  });
  assert.deepEqual(serverTarget("http://LocalHost"), {
    endpoint: { transport: "tcp", hostname: "localhost", port: 80 },
    host: "localhost",
  });
  assert.deepEqual(serverTarget("http://user:pw@127.0.0.1:9001/x?y"), {
    endpoint: { transport: "tcp", hostname: "127.0.0.1", port: 9001 },
    host: "127.0.0.1:9001",
  });
  assert.deepEqual(serverTarget("http://[::1]:9001"), {
    endpoint: { transport: "tcp", hostname: "::1", port: 9001 },
    host: "[::1]:9001",
  });
});

Deno.test("[CTL.exit] serverTarget() reports Python's errors for unusable URLs", () => {
  const line = (url: string) => {
    const t = serverTarget(url);
    return "error" in t ? errorLine(t.error) : "ok";
  };
  assert.equal(
    line("https://x:1"),
    "error: <class 'ValueError'>, Unknown protocol for serverurl https://x:1: " +
      "file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 505",
  );
  assert.equal(
    line("http://127.0.0.1:99999"),
    "error: <class 'ValueError'>, Port out of range 0-65535: file: /usr/lib/python3.11/urllib/parse.py line: 184",
  );
  assert.equal(
    line("http://h:abc"),
    "error: <class 'ValueError'>, Port could not be cast to integer value as 'abc': " +
      "file: /usr/lib/python3.11/urllib/parse.py line: 182",
  );
  assert.equal(line("http://h:"), "ok");
});

Deno.test("[XPORT.rpc,AUTH.basic] RpcClient.call() posts XML-RPC to /RPC2 with basic auth and decodes the result", async () => {
  const rt = new FakeRuntime();
  const stub = await serveStub(rt, { "supervisor.echo": (...p) => p }, { credentials: "user:pässword" });
  const client = new RpcClient(rt, { serverurl: "unix:///run/s.sock", username: "user", password: "pässword" });
  assert.deepEqual(await client.call("supervisor.echo", "a", 1, true), ["a", 1, true]);
  assert.deepEqual(stub.calls, [["supervisor.echo", ["a", 1, true]]]);
  assert.equal(stub.auth[0], `Basic ${btoa("user:p\xc3\xa4ssword")}`);
});

Deno.test("[CTL.auth401] RpcClient.call() sends no Authorization without a password; 401 is a ProtocolError", async () => {
  const rt = new FakeRuntime();
  const stub = await serveStub(rt, {}, { credentials: "user:123" });
  const client = new RpcClient(rt, { serverurl: "unix:///run/s.sock", username: "user", password: null });
  const e = await client.call("supervisor.getVersion").catch((x) => x);
  assert.ok(e instanceof ProtocolError);
  assert.equal(e.errcode, 401);
  assert.equal(stub.auth[0], null);
  assert.equal(
    errorLine(e),
    "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>: " +
      "file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 539",
  );
});

Deno.test("[XMLRPC.fault] RpcClient.call() throws faults as RpcFault with code and string", async () => {
  const rt = new FakeRuntime();
  await serveStub(rt, {
    "supervisor.startProcess": () => {
      throw new StubFault(10, "BAD_NAME: it's");
    },
  });
  const client = new RpcClient(rt, { serverurl: "unix:///run/s.sock", username: null, password: null });
  const e = await client.call("supervisor.startProcess", "x").catch((x) => x);
  assert.ok(e instanceof RpcFault);
  assert.equal(e.code, 10);
  assert.equal(e.faultString, "BAD_NAME: it's");
  assert.equal(
    errorLine(e),
    `error: <class 'xmlrpc.client.Fault'>, <Fault 10: "BAD_NAME: it's">: file: /usr/lib/python3.11/xmlrpc/client.py line: 668`,
  );
});

Deno.test("[CTL.upcheck] RpcClient.call() maps connection failures to Python's socket errors", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedSocket("/run/stale.sock");
  const missing = new RpcClient(rt, { serverurl: "unix:///run/none.sock", username: null, password: null });
  const e1 = await missing.call("supervisor.getVersion").catch((x) => x);
  assert.ok(e1 instanceof SocketError);
  assert.equal(e1.code, "ENOENT");
  assert.equal(
    errorLine(e1),
    "error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory: " +
      "file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 557",
  );
  const tcp = new RpcClient(rt, { serverurl: "http://127.0.0.1:1", username: null, password: null });
  const e2 = await tcp.call("supervisor.getVersion").catch((x) => x);
  assert.equal(
    errorLine(e2),
    "error: <class 'ConnectionRefusedError'>, [Errno 111] Connection refused: file: /usr/lib/python3.11/socket.py line: 836",
  );
  const nohost = new RpcClient(rt, { serverurl: "http://:9001", username: null, password: null });
  const e3 = await nohost.call("supervisor.getVersion").catch((x) => x);
  assert.ok(e3 instanceof PyError);
  assert.equal(e3.pyClass, "TypeError");
});

Deno.test("[CTL.exit] RpcClient constructor refuses an unknown scheme, as getServerProxy() does", () => {
  const rt = new FakeRuntime();
  assert.throws(
    () => new RpcClient(rt, { serverurl: "foo://bar", username: null, password: null }),
    (e) => e instanceof PyError && e.message === "Unknown protocol for serverurl foo://bar",
  );
});

Deno.test("[XPORT.tailf] openStream() streams a log tail; 404 gives the listener's stderr line", async () => {
  const rt = new FakeRuntime();
  const stub = await serveStub(rt, {});
  stub.missing.add("/logtail/nosuch/stdout");
  const settings = { serverurl: "unix:///run/s.sock", username: null, password: "pw" };
  const bad = await openStream(rt, settings, "/logtail/nosuch/stdout");
  assert.deepEqual(bad, {
    ok: false,
    message: "unix:///run/s.sock/logtail/nosuch/stdout Cannot read, status code 404",
  });
  const good = await openStream(rt, settings, "/logtail/x/stderr");
  assert.ok(good.ok);
  stub.tails.get("/logtail/x/stderr")!.write("hello");
  stub.tails.get("/logtail/x/stderr")!.end();
  assert.equal(await good.response.text(), "hello");
  assert.equal(stub.auth.at(-1), `Basic ${btoa("None:pw")}`);
});
