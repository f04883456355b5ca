import { deepStrictEqual as assertEquals, equal, ok } from "node:assert/strict";
import { createHttpHandler, type HttpFrontOptions, type LogTail, pyUnquote } from "./server.ts";
import { RpcDispatcher } from "../rpc/dispatcher.ts";
import { decodeMethodResponse, encodeMethodCall } from "../rpc/xmlrpc_codec.ts";
import { FakeRuntime } from "../runtime/fake.ts";

const enc = new TextEncoder();
const medusaPage = (code: number, reason: string) =>
  `<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code ${code}.\r\n` +
  `<p>Message: ${reason}.\r\n</body>\r\n`;

function dispatcher(): RpcDispatcher {
  const d = new RpcDispatcher();
  d.register({ name: "supervisor.getPID", signature: ["int"], help: "", handler: () => 42 });
  return d;
}

function post(path: string, body: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    body,
    headers: { "Content-Length": String(enc.encode(body).byteLength), ...headers },
  });
}

const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  new Request(`http://localhost${path}`, { method, headers });

const getPid = encodeMethodCall("supervisor.getPID", []);

function stream(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(enc.encode(text));
      c.close();
    },
  });
}

function tails() {
  const asked: string[] = [];
  const logs: HttpFrontOptions["logs"] = {
    processLog(name, channel) {
      asked.push(`${name} ${channel}`);
      return Promise.resolve(
        name === "missing" ? null : { body: stream(`${name} ${channel}\n`), mtime: 1795579568_900 },
      );
    },
    mainLog: () => Promise.resolve({ body: stream("main\n"), mtime: 0 }),
  };
  return { asked, logs };
}

Deno.test("[HTTP.rpc2,XMLRPC.response] POST /RPC2 answers text/xml with a Content-Length", async () => {
  const h = createHttpHandler({ rpc: dispatcher() });
  const res = await h(post("/RPC2", getPid));
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/xml");
  equal(res.headers.get("server"), "Medusa/1.12");
  const body = await res.text();
  equal(res.headers.get("content-length"), String(enc.encode(body).byteLength));
  assertEquals(decodeMethodResponse(body), { fault: false, value: 42 });
  // Any path starting with /RPC2 is XML-RPC, also %-encoded.
  equal((await h(post("/RPC2anything?x=1", getPid))).status, 200);
  equal((await h(post("/RPC%32", getPid))).status, 200);
});

Deno.test("[HTTP.routes,HTTP.errors] non-POST /RPC2 is 400, no Content-Length 411, bad XML 400, with Medusa's error page", async () => {
  const h = createHttpHandler({ rpc: dispatcher() });
  const res = await h(get("/RPC2"));
  equal(res.status, 400);
  equal(res.headers.get("content-type"), "text/html");
  equal(await res.text(), medusaPage(400, "Bad Request"));
  equal(res.headers.get("content-length"), "136"); // observed on supervisord
  equal((await h(get("/RPC2", {}, "PUT"))).status, 400);
  const chunked = new Request(
    "http://localhost/RPC2",
    { method: "POST", body: stream(getPid), duplex: "half" } as RequestInit,
  );
  const noLength = await h(chunked);
  equal(noLength.status, 411);
  equal(await noLength.text(), medusaPage(411, "Length Required"));
  equal((await h(post("/RPC2", "hello"))).status, 400);
  equal((await h(post("/RPC2", "<methodCall><methodName/></methodCall>"))).status, 400);
});

Deno.test("[HTTP.routes] other paths go to the fallback; by default GET/HEAD 404, other methods 400", async () => {
  const h = createHttpHandler({ rpc: dispatcher() });
  const notFound = await h(get("/nosuch"));
  equal(notFound.status, 404);
  equal(await notFound.text(), medusaPage(404, "Not Found"));
  equal((await h(get("/", {}, "HEAD"))).status, 404);
  equal((await h(post("/nosuch", ""))).status, 400);
  const seen: string[] = [];
  const ui = createHttpHandler({
    rpc: dispatcher(),
    fallback: (req) => (seen.push(new URL(req.url).pathname), Promise.resolve(new Response("ui"))),
  });
  equal(await (await ui(get("/index.html"))).text(), "ui");
  assertEquals(seen, ["/index.html"]);
});

Deno.test("request bodies over the cap are 413 before the body is read", async () => {
  let pulled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled = true;
      c.enqueue(new Uint8Array(10));
      c.close();
    },
  }, { highWaterMark: 0 });
  const h = createHttpHandler({ rpc: dispatcher(), maxBodyBytes: 100 });
  const big = new Request("http://localhost/RPC2", {
    method: "POST",
    body,
    headers: { "Content-Length": "101" },
    duplex: "half",
  } as RequestInit);
  const res = await h(big);
  equal(res.status, 413);
  equal(await res.text(), medusaPage(413, "Request Entity Too Large"));
  equal(res.headers.get("connection"), "close");
  equal(pulled, false);
  // A body longer than its Content-Length claims is abandoned at the cap too.
  const liar = new Request("http://localhost/RPC2", {
    method: "POST",
    body: stream("x".repeat(200)),
    headers: { "Content-Length": "10" },
    duplex: "half",
  } as RequestInit);
  equal((await h(liar)).status, 413);
  equal((await h(post("/RPC2", getPid))).status, 413); // the getVersion call itself is > 100 bytes
  equal((await createHttpHandler({ rpc: dispatcher() })(post("/RPC2", getPid))).status, 200);
});

Deno.test("[AUTH.basic,AUTH.401,AUTH.sha] with credentials every route needs them; failures are Medusa's 401", async () => {
  const errs: string[] = [];
  const h = createHttpHandler({
    rpc: dispatcher(),
    credentials: { username: "user", password: "{SHA}" + "40bd001563085fc35165329ea1ff5c5ecbdbbeef" }, // sha1("123")
    stderr: (l) => void errs.push(l),
  });
  const good = { Authorization: `Basic ${btoa("user:123")}` };
  for (const req of [post("/RPC2", getPid), get("/nosuch"), get("/logtail/x"), get("/RPC2")]) {
    const res = await h(req);
    equal(res.status, 401);
    equal(res.headers.get("www-authenticate"), 'Basic realm="default"');
    equal(res.headers.get("connection"), "close");
    equal(res.headers.get("content-length"), "137"); // observed on supervisord
    equal(await res.text(), medusaPage(401, "Unauthorized"));
  }
  equal((await h(post("/RPC2", getPid, { Authorization: `Basic ${btoa("user:1234")}` }))).status, 401);
  equal((await h(post("/RPC2", getPid, good))).status, 200);
  equal((await h(get("/nosuch", good))).status, 404);
  equal((await h(get("/RPC2", good))).status, 400);
  equal((await h(post("/RPC2", getPid, { Authorization: "Basic aGk" }))).status, 400);
  equal((await h(post("/RPC2", getPid, { Authorization: `Basic ${btoa("user")}` }))).status, 500);
  equal((await h(post("/RPC2", getPid, { Authorization: "Digest x" }))).status, 401);
  assertEquals(errs, ["malformed authorization info <aGk>\n", "unknown/unsupported auth method: digest\n"]);
});

Deno.test("[AUTH.401] a 401 is answered only after the request body has been taken in", async () => {
  const h = createHttpHandler({ rpc: dispatcher(), credentials: { username: "user", password: "123" } });
  let sent = 0;
  const chunks = [getPid.slice(0, 20), getPid.slice(20)];
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks[sent++];
      if (next === undefined) c.close();
      else c.enqueue(enc.encode(next));
    },
  }, { highWaterMark: 0 });
  const req = new Request("http://localhost/RPC2", {
    method: "POST",
    body,
    headers: { "Content-Length": String(getPid.length) },
    duplex: "half",
  } as RequestInit);
  equal((await h(req)).status, 401);
  equal(sent, 3); // both chunks and the end were pulled before the answer
});

Deno.test("[AUTH.noauth] without credentials no Authorization is needed or checked", async () => {
  const h = createHttpHandler({ rpc: dispatcher(), credentials: null });
  equal((await h(post("/RPC2", getPid, { Authorization: "Digest nonsense" }))).status, 200);
});

Deno.test("[HTTP.logtail] GET /logtail/<name>[/<channel>] streams the injected tail with supervisord's headers", async () => {
  const { asked, logs } = tails();
  const h = createHttpHandler({ rpc: dispatcher(), logs });
  const res = await h(get("/logtail/grp%3Aweb/stderr"));
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/plain;charset=utf-8");
  equal(res.headers.get("x-accel-buffering"), "no");
  equal(res.headers.get("last-modified"), "Wed, 25 Nov 2026 04:06:08 GMT");
  equal(res.headers.get("content-length"), null); // so the runtime sends it chunked
  equal(await res.text(), "grp:web stderr\n");
  await (await h(get("/logtail/web"))).text();
  await (await h(get("/logtailXYZ/quirk"))).text(); // Python skips the first segment whatever it is
  assertEquals(asked, ["grp:web stderr", "web stdout", "quirk stdout"]);
  equal((await h(get("/logtail/web/bogus"))).status, 404);
  equal((await h(get("/logtail/missing"))).status, 404);
  equal((await h(get("/logtail"))).status, 404);
  equal((await h(get("/logtail/web", {}, "POST"))).status, 400);
  equal((await createHttpHandler({ rpc: dispatcher() })(get("/logtail/web"))).status, 404);
});

Deno.test("[HTTP.mainlogtail] GET /mainlogtail streams the main log without X-Accel-Buffering", async () => {
  const { logs } = tails();
  const h = createHttpHandler({ rpc: dispatcher(), logs });
  const res = await h(get("/mainlogtail"));
  equal(res.status, 200);
  equal(res.headers.get("x-accel-buffering"), null);
  equal(res.headers.get("last-modified"), "Thu, 01 Jan 1970 00:00:00 GMT");
  equal(await res.text(), "main\n");
  equal((await h(get("/mainlogtail", {}, "POST"))).status, 400);
  const none = createHttpHandler({ rpc: dispatcher(), logs: { ...logs, mainLog: () => Promise.resolve(null) } });
  equal((await none(get("/mainlogtail"))).status, 404);
});

Deno.test("[HTTP.errors] a failing tail source or fallback becomes Medusa's 500 page", async () => {
  const h = createHttpHandler({
    rpc: dispatcher(),
    logs: { processLog: () => Promise.reject(new Error("x")), mainLog: () => Promise.resolve(null as LogTail | null) },
    fallback: () => {
      throw new Error("ui broke");
    },
  });
  const res = await h(get("/logtail/a"));
  equal(res.status, 500);
  equal(await res.text(), medusaPage(500, "Internal Server Error"));
  equal((await h(get("/index.html"))).status, 500);
});

Deno.test("pyUnquote() decodes %XX runs as UTF-8 and keeps stray percent signs", () => {
  equal(pyUnquote("/a%20b"), "/a b");
  equal(pyUnquote("%C3%A9%2"), "é%2");
  equal(pyUnquote("%zz%ff"), "%zz\ufffd");
  equal(pyUnquote("plain"), "plain");
});

Deno.test("the handler serves through FakeRuntime's in-memory listener", async () => {
  const rt = new FakeRuntime();
  const listener = await rt.serve(
    { transport: "unix", path: "/run/sv.sock" },
    createHttpHandler({ rpc: dispatcher() }),
  );
  const res = await rt.request(listener.endpoint, post("/RPC2", getPid));
  ok(res.ok);
  assertEquals(decodeMethodResponse(await res.text()), { fault: false, value: 42 });
  await listener.close();
});

Deno.test("[HTTP.routes,AUTH.basic] a registered route is served behind the same authentication, in table order", async () => {
  const seen: string[] = [];
  const h = createHttpHandler({
    rpc: dispatcher(),
    credentials: { username: "user", password: "123" },
    routes: [{ path: "/api/v1", handle: (_req, path) => (seen.push(path), new Response("api")) }],
    ui: [
      { path: "/", exact: true, handle: () => new Response("index") },
      { path: "/api", handle: () => new Response("never: an earlier route takes /api/v1") },
    ],
  });
  const auth = { Authorization: `Basic ${btoa("user:123")}` };
  equal((await h(get("/api/v1/processes"))).status, 401);
  equal(await (await h(get("/api/v1/processes;x", auth))).text(), "api");
  assertEquals(seen, ["/api/v1/processes"]);
  equal(await (await h(get("/", auth))).text(), "index");
  equal((await h(get("/index.html", auth))).status, 404, "an exact route takes its path only");
  equal((await h(post("/RPC2", getPid, auth))).status, 200, "supervisord's own routes come first");
});

Deno.test("[HTTP.rpc2,AUTH.basic] the raw fast path answers POST /RPC2 exactly as the Request route does", async () => {
  const h = createHttpHandler({ rpc: dispatcher(), credentials: { username: "u", password: "p" }, maxBodyBytes: 1000 });
  ok(h.raw !== undefined);
  const good = `Basic ${btoa("u:p")}`;
  const cases: Array<[string, Record<string, string>, string]> = [
    ["POST", { "Authorization": good }, getPid],
    ["POST", { "Authorization": good }, "not xml"],
    ["POST", { "Authorization": `Basic ${btoa("u:x")}` }, getPid],
    ["POST", {}, getPid],
    ["POST", { "Authorization": good }, "x".repeat(1001)],
    ["GET", { "Authorization": good }, ""],
  ];
  for (const [method, headers, body] of cases) {
    const bytes = enc.encode(body);
    const all: Record<string, string> = { ...headers };
    if (method === "POST") all["Content-Length"] = String(bytes.length);
    const viaRequest = await h(
      new Request("http://localhost/RPC2", { method, headers: all, ...(method === "POST" ? { body: bytes } : {}) }),
    );
    const raw = await h.raw({
      method,
      target: "/RPC2",
      header: (n) => Object.entries(all).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] ?? null,
      body: bytes,
    });
    ok(raw !== null, `${method} ${JSON.stringify(headers)}`);
    equal(raw.status, viaRequest.status);
    assertEquals(
      raw.headers.map(([n, v]) => [n.toLowerCase(), v]).sort(),
      [...viaRequest.headers].sort(),
    );
    assertEquals(raw.body, new Uint8Array(await viaRequest.arrayBuffer()));
  }
  const other = await h.raw({ method: "POST", target: "/RPC2x", header: () => null, body: new Uint8Array() });
  equal(other, null, "anything but /RPC2 itself goes to the Request route");
});
