import { deepEqual, equal, ok } from "node:assert/strict";
import { createHttpHandler } from "../http/server.ts";
import { installHealthChecks } from "../health/health_checks.ts";
import { installDependencies } from "../process/dependencies.ts";
import { ProcessState } from "../process/states.ts";
import { programGroup, settle, type TestDaemon, testDaemon } from "../rpc/_api_testing.ts";
import { checkSchema, responseSchema } from "./_schema_check.ts";
import { SseReader } from "./_sse_testing.ts";
import { OPENAPI } from "./openapi.ts";
import { ExitCounter } from "./exit_counter.ts";
import { apiRoute } from "./routes.ts";
import { DEFAULT_FOLLOW_INTERVAL_MS } from "./sse.ts";

const BASE = "http://127.0.0.1:9001/api/v1";
const OUT = "/logs/web.out";

type Api = (
  method: string,
  path: string,
  init?: { body?: string; type?: string | null; headers?: Record<string, string> },
) => Promise<Response>;

async function daemon(): Promise<TestDaemon & { api: Api }> {
  const d = await testDaemon([
    programGroup("web", [{ startsecs: 0, stdout_logfile: OUT, stderr_logfile: "/logs/web.err" }]),
    programGroup("grp", [{ name: "a", startsecs: 0 }, { name: "b", startsecs: 0 }]),
  ], () => ({}));
  d.rt.killExits = true;
  const route = apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt }, { keepaliveMs: 15_000 });
  const handler = createHttpHandler({ rpc: { handle: () => Promise.reject(new Error("no rpc")) }, routes: [route] });
  const api: Api = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const type = init.type === undefined ? (method === "POST" ? "application/json" : null) : init.type;
    if (type !== null) headers["Content-Type"] = type;
    const req = new Request(BASE + path, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
    return handler(req);
  };
  return Object.assign(d, { api });
}

/** Awaits `p` while moving the manual clock on. */
async function pump<T>(d: TestDaemon, p: Promise<T>, stepMs = 50): Promise<T> {
  let done = false;
  const watched = p.finally(() => done = true);
  for (let i = 0; i < 1000 && !done; i++) {
    await settle();
    if (!done) d.rt.clock.advance(stepMs);
  }
  return await watched;
}

/** The body as JSON, after checking it against the document's schema for this answer. */
async function conforming(res: Response, method: string, docPath: string): Promise<Record<string, unknown>> {
  const body = await res.json();
  const errors = checkSchema(OPENAPI, responseSchema(OPENAPI, method, docPath, res.status), body);
  deepEqual(errors, [], `${method} ${docPath} ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

function append(d: TestDaemon, path: string, data: string): void {
  const f = d.rt.fs.openWriteSync(path, "append");
  f.write(new TextEncoder().encode(data));
  f.close();
}

Deno.test("GET /api/v1/processes lists every process with getProcessInfo's fields and the extension fields", async () => {
  const d = await daemon();
  const res = await d.api("GET", "/processes");
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "application/json");
  const body = await conforming(res, "GET", "/processes");
  const list = body.processes as Array<Record<string, unknown>>;
  deepEqual(list.map((p) => p.namespec), ["web", "grp:a", "grp:b"]);
  const web = list[0]!;
  equal(web.statename, "STOPPED");
  equal(web.stdout_logfile, OUT);
  equal(web.cpu_seconds, null);
  equal(web.health, null);
  const one = await d.api("GET", "/processes/grp:b");
  equal((await conforming(one, "GET", "/processes/{ns}")).name, "b");
});

Deno.test("errors are {error:{code,message}} with the spec's statuses", async () => {
  const d = await daemon();
  const missing = await d.api("GET", "/processes/nope");
  equal(missing.status, 404);
  deepEqual(await conforming(missing, "GET", "/processes/{ns}"), { error: { code: "BAD_NAME", message: "nope" } });
  const stop = await d.api("POST", "/processes/web/stop");
  equal(stop.status, 409);
  equal(((await conforming(stop, "POST", "/processes/{ns}/stop")).error as { code: string }).code, "NOT_RUNNING");
  const sig = await d.api("POST", "/processes/web/signal", { body: '{"signal":"NOPE"}' });
  equal(sig.status, 400);
  equal(((await sig.json()).error as { code: string }).code, "BAD_SIGNAL");
  const unknownRoute = await d.api("GET", "/nothing/here");
  equal(unknownRoute.status, 404);
  equal((await unknownRoute.json()).error.code, "NOT_FOUND");
  const wrongMethod = await d.api("GET", "/processes/web/start");
  equal(wrongMethod.status, 405);
  equal(wrongMethod.headers.get("allow"), "POST");
  const badJson = await d.api("POST", "/processes/web/start", { body: "{" });
  equal(badJson.status, 400);
  const extra = await d.api("POST", "/processes/web/start", { body: '{"force":true}' });
  equal((await extra.json()).error.message, "unknown field 'force'");
});

Deno.test("a POST without Content-Type: application/json is refused (415) and does nothing", async () => {
  const d = await daemon();
  for (const type of [null, "application/x-www-form-urlencoded", "text/plain"]) {
    const res = await d.api("POST", "/processes/web/start", { type, body: "" });
    equal(res.status, 415);
    equal((await conforming(res, "POST", "/processes/{ns}/start")).error instanceof Object, true);
  }
  equal(d.proc("web").state, ProcessState.STOPPED);
  const ok200 = await d.api("POST", "/processes/web/start", { type: "application/json; charset=utf-8" });
  equal(ok200.status, 200);
});

Deno.test("start, stop, restart and signal map ProcessControl's outcomes; wait=false answers at once", async () => {
  const d = await daemon();
  const start = await pump(d, d.api("POST", "/processes/web/start"));
  equal(start.status, 200);
  deepEqual(await conforming(start, "POST", "/processes/{ns}/start"), {
    results: [{ group: "web", name: "web", namespec: "web", status: "ok" }],
  });
  equal(d.proc("web").state, ProcessState.RUNNING);
  const again = await d.api("POST", "/processes/web/start");
  equal(again.status, 409);
  equal((await again.json()).error.code, "ALREADY_STARTED");
  const pid = d.proc("web").pid;
  const restart = await pump(d, d.api("POST", "/processes/web/restart"));
  equal(restart.status, 200);
  ok(d.proc("web").pid !== pid && d.proc("web").state === ProcessState.RUNNING);
  const running = d.proc("web").pid;
  const sig = await d.api("POST", "/processes/web/signal?signal=HUP", { body: "" });
  equal(sig.status, 200);
  deepEqual(d.rt.kills.at(-1), { pid: running, signal: 1 });
  await pump(d, d.api("POST", "/processes/web/start"));
  const stop = await d.api("POST", "/processes/web/stop?wait=false");
  equal(stop.status, 200);
  equal((await stop.json()).results[0].status, "ok");
  const group = await pump(d, d.api("POST", "/processes/grp:*/start"));
  const results = (await conforming(group, "POST", "/processes/{ns}/start")).results as Array<{ namespec: string }>;
  deepEqual(results.map((r) => r.namespec), ["grp:a", "grp:b"]);
  const badWait = await d.api("POST", "/processes/web/start?wait=maybe");
  equal(badWait.status, 400);
});

Deno.test("a wait past ?timeout= answers 202 with the process pending; the operation goes on", async () => {
  const d = await daemon();
  d.rt.killExits = false; // the child ignores SIGTERM until stopwaitsecs
  await pump(d, d.api("POST", "/processes/web/start"));
  const stop = await pump(d, d.api("POST", "/processes/web/stop?timeout=1s"), 250);
  equal(stop.status, 202);
  deepEqual((await conforming(stop, "POST", "/processes/{ns}/stop")).results, [
    { group: "web", name: "web", namespec: "web", status: "pending" },
  ]);
  equal(d.proc("web").state, ProcessState.STOPPING);
});

Deno.test("logs by offset: a slice, negative offsets from the end, next_offset to continue", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\nworld\n");
  const all = await d.api("GET", "/processes/web/logs/stdout");
  deepEqual(await conforming(all, "GET", "/processes/{ns}/logs/{stream}"), {
    offset: 0,
    next_offset: 12,
    size: 12,
    data: "hello\nworld\n",
  });
  const tail = await (await d.api("GET", "/processes/web/logs/stdout?offset=-6")).json();
  deepEqual(tail, { offset: 6, next_offset: 12, size: 12, data: "world\n" });
  const part = await (await d.api("GET", "/processes/web/logs/stdout?offset=2&length=3")).json();
  deepEqual(part, { offset: 2, next_offset: 5, size: 12, data: "llo" });
  // A read that would cut a character ends before it.
  d.rt.fs.seedFile(OUT, "é!");
  deepEqual(await (await d.api("GET", "/processes/web/logs/stdout?length=1")).json(), {
    offset: 0,
    next_offset: 0,
    size: 3,
    data: "",
  });
  const noFile = await d.api("GET", "/processes/grp:a/logs/stderr");
  equal(noFile.status, 500);
  equal((await noFile.json()).error.code, "NO_FILE");
  equal((await d.api("GET", "/processes/web/logs/stdout?offset=x")).status, 400);
});

Deno.test("SSE follow: id is the byte offset, Last-Event-ID resumes with no gap or duplicate", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "old\n");
  const res = await d.api("GET", "/processes/web/logs/stdout/follow?offset=0");
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const sse = new SseReader(res.body!);
  deepEqual(await sse.next(), { event: "log", id: "4", data: '"old\\n"' });
  append(d, OUT, "a\rb\u0000\n");
  const next = pump(d, sse.next(), DEFAULT_FOLLOW_INTERVAL_MS);
  deepEqual(await next, { event: "log", id: "9", data: JSON.stringify("a\rb\u0000\n") });
  await sse.cancel();
  append(d, OUT, "missed\n");
  const again = await d.api("GET", "/processes/web/logs/stdout/follow", { headers: { "Last-Event-ID": "9" } });
  const resumed = new SseReader(again.body!);
  const frame = await pump(d, resumed.next(), DEFAULT_FOLLOW_INTERVAL_MS);
  deepEqual(frame, { event: "log", id: "16", data: '"missed\\n"' });
  await resumed.cancel();
});

Deno.test("SSE follow: rotated when a new file replaces the log, truncated when it shrinks", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "0123456789\n");
  const sse = new SseReader((await d.api("GET", "/processes/web/logs/stdout/follow")).body!);
  const first = pump(d, sse.next(), DEFAULT_FOLLOW_INTERVAL_MS);
  d.rt.fs.renameSync(OUT, OUT + ".1");
  append(d, OUT, "new\n");
  deepEqual(await first, { event: "rotated", id: "0", data: "{}" });
  deepEqual(await pump(d, sse.next(), DEFAULT_FOLLOW_INTERVAL_MS), { event: "log", id: "4", data: '"new\\n"' });
  const f = d.rt.fs.openWriteSync(OUT, "truncate");
  f.close();
  deepEqual(await pump(d, sse.next(), DEFAULT_FOLLOW_INTERVAL_MS), { event: "truncated", id: "0", data: "{}" });
  await sse.cancel();
  // A Last-Event-ID past the end of the file (replaced while away) starts again from 0.
  const back = new SseReader(
    (await d.api("GET", "/processes/web/logs/stdout/follow", { headers: { "Last-Event-ID": "999" } })).body!,
  );
  deepEqual(await back.next(), { event: "truncated", id: "0", data: "{}" });
  await back.cancel();
});

Deno.test("SSE follow: a keepalive comment after 15 s of silence, and no timer once the client is gone", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "");
  const sse = new SseReader((await d.api("GET", "/processes/web/logs/stdout/follow")).body!);
  const frame = pump(d, sse.next(), 1000);
  deepEqual(await frame, { comment: "keepalive" });
  const idle = d.rt.clock.pending;
  const waiting = sse.next();
  await settle();
  equal(d.rt.clock.pending, idle + 1, "a read in progress has its check timer");
  await sse.cancel();
  equal(await waiting, null);
  equal(d.rt.clock.pending, idle, "the follow's timer is cleared once the client is gone");
});

Deno.test("GET /events streams state changes while connected", async () => {
  const d = await daemon();
  const sse = new SseReader((await d.api("GET", "/events")).body!);
  deepEqual(await sse.next(), { comment: "connected" });
  await pump(d, d.api("POST", "/processes/web/start"));
  const starting = await sse.next();
  equal(starting?.event, "state");
  equal(starting?.id, "1");
  const data = JSON.parse(starting!.data!);
  deepEqual([data.namespec, data.from, data.to], ["web", "STOPPED", "STARTING"]);
  equal(JSON.parse((await sse.next())!.data!).to, "RUNNING");
  await sse.cancel();
});

Deno.test("GET /health is 200 while RUNNING with no essential process down, and 503 with reasons otherwise", async () => {
  const d = await daemon();
  const res = await d.api("GET", "/health");
  equal(res.status, 200);
  deepEqual(await conforming(res, "GET", "/health"), { status: "ok", state: "RUNNING", reasons: [] });
  (d.proc("web").config as { essential: boolean }).essential = true;
  const down = await d.api("GET", "/health");
  equal(down.status, 503);
  deepEqual((await conforming(down, "GET", "/health")).reasons, ["essential process web:web is STOPPED"]);
});

Deno.test("POST /logs/reopen reopens the logs as SIGUSR2 does", async () => {
  const d = await daemon();
  const res = await d.api("POST", "/logs/reopen");
  equal(res.status, 200);
  deepEqual(await conforming(res, "POST", "/logs/reopen"), { reopened: true });
  ok(d.rt.fs.text("/var/log/supervisord.log")?.includes("supervisord logreopen"));
  equal((await d.api("POST", "/logs/reopen", { type: null })).status, 415);
});

Deno.test("the API is behind the server's authentication; without the route the paths are Medusa's 404", async () => {
  const d = await daemon();
  const route = apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt });
  const rpc = { handle: () => Promise.reject(new Error("no rpc")) };
  const authed = createHttpHandler({ rpc, routes: [route], credentials: { username: "u", password: "p" } });
  equal((await authed(new Request(BASE + "/processes"))).status, 401);
  const ok200 = await authed(new Request(BASE + "/processes", { headers: { Authorization: "Basic " + btoa("u:p") } }));
  equal(ok200.status, 200);
  const off = createHttpHandler({ rpc });
  const res = await off(new Request(BASE + "/processes"));
  equal(res.status, 404);
  equal(res.headers.get("content-type"), "text/html");
});

Deno.test("the OpenAPI document is served and every $ref in it resolves", async () => {
  const d = await daemon();
  const doc = await (await d.api("GET", "/openapi.json")).json();
  equal(doc.openapi, "3.1.0");
  const refs = JSON.stringify(doc).match(/"#\/[^"]+"/g) ?? [];
  ok(refs.length > 5);
  for (const r of refs) {
    deepEqual(checkSchema(doc, { $ref: JSON.parse(r) }, null).filter((e) => e.includes("unresolved")), []);
  }
});

Deno.test("a process with depends_on shows its dependencies and what its start waits for", async () => {
  const d = await testDaemon([
    programGroup("db", [{ startsecs: 0 }]),
    programGroup("app", [{ startsecs: 0, depends_on: [{ target: "db", condition: "running" }] }]),
  ], () => ({}));
  installDependencies(d.sup);
  const handler = createHttpHandler({
    rpc: { handle: () => Promise.reject(new Error("no rpc")) },
    routes: [apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt })],
  });
  const res = await handler(new Request(BASE + "/processes/app"));
  const app = await conforming(res, "GET", "/processes/{ns}");
  deepEqual([app.depends_on, app.waiting_on, app.dependency_failed], [["db:running"], ["db (running)"], null]);
  const db = await conforming(await handler(new Request(BASE + "/processes/db")), "GET", "/processes/{ns}");
  deepEqual([db.depends_on, db.waiting_on, db.dependency_failed], [null, null, null]);
});

Deno.test("health: the process's check in its JSON; /health needs every checked process RUNNING and healthy", async () => {
  const healthcheck = {
    probe: { kind: "tcp" as const, host: "127.0.0.1", port: 5432 },
    interval: 10,
    timeout: 1,
    initial_delay: 0,
    start_period: 0,
    start_interval: 1,
    retries: 3,
    successes: 1,
    action: "none" as const,
    expect: [[0, 0]] as Array<[number, number]>,
    body: null,
    tls_verify: true,
  };
  const d = await testDaemon([programGroup("db", [{ startsecs: 0, healthcheck }])], () => ({}));
  let answer = false;
  installHealthChecks(d.sup, { run: () => Promise.resolve({ ok: answer, detail: answer ? "connected" : "refused" }) });
  const handler = createHttpHandler({
    rpc: { handle: () => Promise.reject(new Error("no rpc")) },
    routes: [apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt })],
  });
  const get = (p: string) => handler(new Request(BASE + p));
  const stopped = await get("/health");
  deepEqual([stopped.status, (await conforming(stopped, "GET", "/health")).reasons], [503, [
    "process db:db is STOPPED",
  ]]);
  d.start("db");
  await pump(d, Promise.resolve());
  const starting = await conforming(await get("/processes/db"), "GET", "/processes/{ns}");
  equal((starting.health as { status: string }).status, "starting");
  equal((await get("/health")).status, 503);
  answer = true;
  d.rt.clock.advance(1000);
  await settle();
  const healthy = await conforming(await get("/processes/db"), "GET", "/processes/{ns}");
  const h = healthy.health as { status: string; history: Array<{ ok: boolean; detail: string }> };
  equal(h.status, "healthy");
  deepEqual(h.history.map((r) => [r.ok, r.detail]).at(-1), [true, "connected"]);
  const ok200 = await get("/health");
  deepEqual([ok200.status, (await ok200.json()).status], [200, "ok"]);
});

Deno.test("restarts counts automatic restarts; next_start_at is when a BACKOFF process starts again", async () => {
  const d = await testDaemon([programGroup("flaky", [{ startsecs: 5, autorestart: true }])], () => ({}));
  const counter = new ExitCounter(d.sup);
  const handler = createHttpHandler({
    rpc: { handle: () => Promise.reject(new Error("no rpc")) },
    routes: [apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt, counter })],
  });
  const get = async () =>
    await conforming(await handler(new Request(BASE + "/processes/flaky")), "GET", "/processes/{ns}");
  const child = d.start("flaky");
  equal((await get()).restarts, 0);
  child.exit(1); // dies while STARTING: BACKOFF, retried 1 s later
  await settle();
  const backoff = await get();
  equal(backoff.statename, "BACKOFF");
  equal(backoff.next_start_at, d.rt.clock.now() / 1000 + 1);
  d.rt.clock.advance(1000);
  await settle();
  const again = await get();
  deepEqual([again.statename, again.restarts, again.next_start_at], ["STARTING", 1, null]);
});
