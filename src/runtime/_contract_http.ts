/**
 * Contract suite, HTTP: `serve()` on unix sockets and TCP (streamed bodies
 * flushed per chunk, closing with a stream still open), `request()` over
 * both, normalised connection errors, and the stock Python clients talking
 * to our server: supervisor's own `SupervisorTransport` over a unix socket,
 * and the exact bytes of the `supervisorctl tail -f` client (empty `Host:`
 * header, extra CRLF after the headers).
 *
 * Python counterpart: supervisor/http.py, supervisor/xmlrpc.py
 * (`SupervisorTransport`), supervisor/http_client.py; SURFACE §7.
 * @module
 */

import * as assert from "./_contract_assert.ts";
import type { Endpoint, Handler, Listener, Runtime } from "./types.ts";
import { AddressInUseError, ConnectionRefusedError, NotFoundError } from "./errors.ts";
import { BASE_ENV, type ContractCase, readText, run, within, withTempDir } from "./_contract_util.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function withServer<T>(rt: Runtime, at: Endpoint, handler: Handler, fn: (l: Listener) => Promise<T>): Promise<T> {
  const listener = await rt.serve(at, handler);
  try {
    return await fn(listener);
  } finally {
    await within(rt, listener.close(), 10_000, "listener close");
  }
}

/** Echoes method, path, query, Host and body. */
const echo: Handler = async (req) => {
  const url = new URL(req.url);
  const body = await req.text();
  return new Response(`${req.method} ${url.pathname}${url.search} host=${req.headers.get("host")} body=${body}`, {
    headers: { "x-echo": "1" },
  });
};

/** A handler whose body sends "first", then waits for `release`, then "second". */
function gated(): { handler: Handler; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const handler: Handler = () => {
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (step++ === 0) return c.enqueue(enc.encode("first\n"));
        await gate;
        c.enqueue(enc.encode("second\n"));
        c.close();
      },
    });
    return Promise.resolve(new Response(body, { headers: { "content-type": "text/plain" } }));
  };
  return { handler, release };
}

async function checkStreaming(rt: Runtime, at: Endpoint): Promise<void> {
  const { handler, release } = gated();
  await withServer(rt, at, handler, async (l) => {
    const res = await within(rt, rt.request(l.endpoint, new Request("http://localhost/logtail/x")), 10_000, "head");
    assert.equal(res.status, 200);
    // The client asks for `Connection: close`, so (as Medusa does) the body is not chunked but ends with the
    // connection; the tail client's keep-alive request below gets chunks.
    assert.equal(res.headers.get("transfer-encoding"), null);
    const reader = res.body?.getReader();
    assert.ok(reader !== undefined);
    const first = await within(rt, reader.read(), 10_000, "first chunk before the stream ends");
    assert.equal(dec.decode(first.value), "first\n");
    release();
    let rest = "";
    for (;;) {
      const r = await within(rt, reader.read(), 10_000, "rest of stream");
      if (r.done) break;
      rest += dec.decode(r.value);
    }
    assert.equal(rest, "second\n");
  });
}

/** The HTTP cases. */
export const httpCases: ContractCase[] = [
  ["serve() and request() exchange requests over a unix socket", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const at: Endpoint = { transport: "unix", path: `${dir}/http.sock` };
      await withServer(rt, at, echo, async (l) => {
        assert.deepEqual(l.endpoint, at);
        const info = await rt.fs.stat(at.path);
        assert.equal((info?.mode ?? 0) & 0o170000, 0o140000, "a socket file exists");
        const init = { method: "POST", body: "<xml/>", headers: { "content-type": "text/xml" } };
        const res = await rt.request(at, new Request("http://localhost/RPC2?a=1", init));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("x-echo"), "1");
        assert.equal(await res.text(), "POST /RPC2?a=1 host=localhost body=<xml/>");
      });
      assert.equal(await rt.fs.stat(at.path), null, "close() unlinks the socket path");
    });
  }],

  ["serve() on TCP port 0 reports the bound port; request() reaches it", async (rt) => {
    await withServer(rt, { transport: "tcp", hostname: "127.0.0.1", port: 0 }, echo, async (l) => {
      assert.ok(l.endpoint.transport === "tcp" && l.endpoint.port > 0);
      const res = await rt.request(l.endpoint, new Request("http://ignored.example/path?q"));
      assert.equal(await res.text(), `GET /path?q host=127.0.0.1:${l.endpoint.port} body=`);
    });
  }],

  ["serve() streams a body, each chunk flushed (unix and TCP)", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await checkStreaming(rt, { transport: "unix", path: `${dir}/stream.sock` });
    });
    await checkStreaming(rt, { transport: "tcp", hostname: "127.0.0.1", port: 0 });
  }],

  [
    "serve() sends the head of a streamed body at once, before the body has anything (a tail of an empty log)",
    async (rt) => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const later: Handler = () =>
        Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              async pull(c) {
                await gate;
                c.enqueue(enc.encode("late\n"));
              },
            }, { highWaterMark: 0 }),
            { headers: { "content-type": "text/plain;charset=utf-8" } },
          ),
        );
      await withServer(rt, { transport: "tcp", hostname: "127.0.0.1", port: 0 }, later, async (l) => {
        const res = await within(rt, rt.request(l.endpoint, new Request("http://localhost/logtail/x")), 10_000, "head");
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "text/plain;charset=utf-8");
        release();
        const reader = res.body?.getReader();
        assert.ok(reader !== undefined);
        const first = await within(rt, reader.read(), 10_000, "the first chunk, once there is one");
        // The client's `Connection: close` makes the body unchunked (Medusa's rule), so reads may join chunks.
        assert.match(dec.decode(first.value), /^late\n/);
        await reader.cancel();
      });
    },
  ],

  ["Listener.close() ends responses that are still streaming", async (rt) => {
    let cancelled = false;
    const endless: Handler = () =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            pull: (c) => c.enqueue(enc.encode("tick\n")),
            cancel: () => void (cancelled = true),
          }, { highWaterMark: 0 }),
        ),
      );
    const listener = await rt.serve({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, endless);
    const res = await rt.request(listener.endpoint, new Request("http://localhost/mainlogtail"));
    const reader = res.body?.getReader();
    assert.ok(reader !== undefined);
    await within(rt, reader.read(), 10_000, "first tick");
    await within(rt, listener.close(), 10_000, "close with an open stream");
    const drained = (async () => {
      for (;;) if ((await reader.read()).done) return;
    })().catch(() => {});
    await within(rt, drained, 10_000, "client sees the end");
    assert.ok(cancelled, "the body stream was cancelled");
  }],

  ["serve() refuses a unix path that exists", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/taken`, "");
      await assert.rejects(
        rt.serve({ transport: "unix", path: `${dir}/taken` }, echo),
        (e) => e instanceof AddressInUseError && e.errno === 98,
      );
    });
  }],

  ["request() failures are normalised: ENOENT, ECONNREFUSED", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const get = () => new Request("http://localhost/");
      await assert.rejects(
        rt.request({ transport: "unix", path: `${dir}/none.sock` }, get()),
        (e) => e instanceof NotFoundError,
      );
      await rt.fs.writeTextFile(`${dir}/file.sock`, "");
      await assert.rejects(
        rt.request({ transport: "unix", path: `${dir}/file.sock` }, get()),
        (e) => e instanceof ConnectionRefusedError,
      );
      const l = await rt.serve({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, echo);
      await l.close();
      await assert.rejects(rt.request(l.endpoint, get()), (e) => e instanceof ConnectionRefusedError);
    });
  }],

  ["the stock Python XML-RPC client (SupervisorTransport) talks to serve() over a unix socket", async (rt) => {
    const probe = await run(rt, {
      path: "/usr/bin/python3",
      argv: ["python3", "-c", "import supervisor.xmlrpc"],
      env: BASE_ENV,
    })
      .catch(() => null);
    if (probe === null || probe.status.code !== 0) return; // python3 or supervisor absent: nothing to prove
    await withTempDir(rt, async (dir) => {
      const at: Endpoint = { transport: "unix", path: `${dir}/rpc.sock` };
      const seen: string[] = [];
      const rpc: Handler = async (req) => {
        seen.push(`${req.method} ${new URL(req.url).pathname} host=${req.headers.get("host")} ${await req.text()}`);
        const xml =
          "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>3.0</string></value>\n" +
          "</param>\n</params>\n</methodResponse>\n";
        return new Response(xml, { headers: { "content-type": "text/xml" } });
      };
      const script = "import sys, xmlrpc.client\nfrom supervisor.xmlrpc import SupervisorTransport\n" +
        "t = SupervisorTransport(None, None, 'unix://' + sys.argv[1])\n" +
        "p = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=t)\n" +
        "print(p.supervisor.getVersion())\nprint(p.supervisor.getVersion())\n";
      await withServer(rt, at, rpc, async () => {
        const r = await run(rt, { path: "/usr/bin/python3", argv: ["python3", "-c", script, at.path], env: BASE_ENV });
        assert.equal(r.stderr, "");
        assert.equal(r.stdout, "3.0\n3.0\n");
      });
      assert.equal(seen.length, 2);
      assert.match(seen[0] ?? "", /^POST \/RPC2 host=localhost <\?xml.*supervisor\.getVersion/s);
    });
  }],

  ["the supervisorctl tail -f request (empty Host, extra CRLF) gets a chunked stream", async (rt) => {
    const probe = await run(rt, { path: "/usr/bin/python3", argv: ["python3", "-c", "pass"], env: BASE_ENV })
      .catch(() => null);
    if (probe === null || probe.status.code !== 0) return;
    const { handler, release } = gated();
    const script = [
      "import socket, sys",
      "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])",
      "s.sendall(b'GET /logtail/foo HTTP/1.1\\r\\nHost: \\r\\nAccept-Encoding: chunked\\r\\nAccept: */*\\r\\n'",
      "          b'User-agent: Supervisor HTTP Client\\r\\n\\r\\n\\r\\n')",
      "data, told = b'', False",
      "while not data.endswith(b'0\\r\\n\\r\\n'):",
      "    d = s.recv(65536)",
      "    if not d: break",
      "    data += d",
      "    if b'first' in data and not told: told = print('FIRST', flush=True) or sys.stdin.readline()",
      "sys.stdout.write(data.decode())",
    ].join("\n");
    await withTempDir(rt, async (dir) => {
      const at: Endpoint = { transport: "unix", path: `${dir}/tail.sock` };
      await withServer(rt, at, handler, async () => {
        const child = rt.spawn({ path: "/usr/bin/python3", argv: ["python3", "-c", script, at.path], env: BASE_ENV });
        const reader = child.stdout?.getReader();
        assert.ok(reader !== undefined);
        const first = await within(rt, reader.read(), 10_000, "first chunk reaches the tail client");
        assert.equal(dec.decode(first.value), "FIRST\n");
        release();
        await child.stdin?.write(enc.encode("\n"));
        await child.stdin?.close();
        reader.releaseLock();
        const out = await within(rt, readText(child.stdout), 10_000, "tail client output");
        await child.stderr?.cancel();
        assert.deepEqual(await child.exited, { code: 0, signal: null });
        assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(out, /\r\ntransfer-encoding: chunked\r\n/i);
        assert.match(out, /\r\n\r\n6\r\nfirst\n\r\n7\r\nsecond\n\r\n0\r\n\r\n$/);
      });
    });
  }],
];
