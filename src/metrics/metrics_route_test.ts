import { deepEqual, equal, ok } from "node:assert/strict";
import { defaultServerExtensions, type ServerExtensions } from "../config/schema.ts";
import { installHealthChecks } from "../health/health_checks.ts";
import { createHttpHandler } from "../http/server.ts";
import { ProcessState } from "../process/states.ts";
import { programGroup, settle, type TestDaemon, testDaemon } from "../rpc/_api_testing.ts";
import { type ParsedFamily, parseExposition } from "./_exposition_parser.ts";
import { ExitCounter } from "../api/exit_counter.ts";
import { metricsRoute } from "./metrics_route.ts";

const URL_ = "http://127.0.0.1:9001/metrics";
const ALL: ServerExtensions = {
  ...defaultServerExtensions(),
  metrics: true,
  metrics_families: ["native", "node", "supervisor_exporter"],
};

async function daemon(): Promise<TestDaemon & { counter: ExitCounter }> {
  const d = await testDaemon([
    programGroup("web", [{ startsecs: 1 }]),
    programGroup("grp", [{ name: "a", startsecs: 0 }, { name: "b", startsecs: 0 }]),
  ], () => ({}));
  return Object.assign(d, { counter: new ExitCounter(d.sup) });
}

function seedProc(d: TestDaemon, pid: number, ticks: [number, number], rssKb: number, pgrp = pid): void {
  d.rt.fs.seedFile(
    `/proc/${pid}/stat`,
    `${pid} (x) S 1 ${pgrp} ${pgrp} 0 -1 0 0 0 0 0 ${ticks[0]} ${ticks[1]} 0 0 20 0 1 0 5000 0 ${rssKb / 4} 0\n`,
  );
}

async function scrape(d: TestDaemon & { counter: ExitCounter }, ext: ServerExtensions = ALL) {
  const route = metricsRoute({ supervisor: d.sup, runtime: d.rt, counter: d.counter }, ext);
  const res = await route.handle(new Request(URL_), "/metrics");
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(await res.text());
}

const series = (f: ParsedFamily | undefined) =>
  (f?.samples ?? []).map((s) => `${JSON.stringify(s.labels)} ${s.value}`).sort();

Deno.test("node family: node_exporter's four names, labels group and name, start time only while up", async () => {
  const d = await daemon();
  d.start("web");
  const m = await scrape(d, { ...ALL, metrics_families: ["node"] });
  deepEqual([...m.keys()], [
    "node_supervisord_up",
    "node_supervisord_state",
    "node_supervisord_exit_status",
    "node_supervisord_start_time_seconds",
  ]);
  deepEqual(series(m.get("node_supervisord_up")), [
    '{"group":"grp","name":"a"} 0',
    '{"group":"grp","name":"b"} 0',
    '{"group":"web","name":"web"} 1',
  ]);
  deepEqual(m.get("node_supervisord_up")?.help, "Process Up");
  equal(m.get("node_supervisord_start_time_seconds")?.type, "counter");
  deepEqual(m.get("node_supervisord_start_time_seconds")?.samples.map((s) => s.labels), [{
    group: "web",
    name: "web",
  }]);
  deepEqual(series(m.get("node_supervisord_state")).at(-1), '{"group":"web","name":"web"} 10');
});

Deno.test("supervisor_exporter family: info with state and exit_status labels, uptime, supervisord_up", async () => {
  const d = await daemon();
  d.start("web");
  d.rt.clock.advance(1000);
  await settle();
  equal(d.proc("web").state, ProcessState.RUNNING);
  d.rt.clock.advance(5000);
  const m = await scrape(d, { ...ALL, metrics_families: ["supervisor_exporter"] });
  deepEqual([...m.keys()], ["supervisor_process_info", "supervisor_process_uptime", "supervisord_up"]);
  ok(
    series(m.get("supervisor_process_info")).includes(
      '{"exit_status":"0","group":"web","name":"web","state":"RUNNING"} 1',
    ),
  );
  deepEqual(series(m.get("supervisor_process_uptime")), ['{"group":"web","name":"web"} 6']);
  deepEqual(m.get("supervisord_up")?.samples, [{ labels: {}, value: 1 }]);
});

Deno.test("native family: CPU and RSS read from /proc at scrape time, exits and restarts counted, build info", async () => {
  const d = await daemon();
  const child = d.start("web");
  const pid = d.proc("web").pid;
  seedProc(d, pid, [150, 50], 2048);
  seedProc(d, d.rt.pid, [10, 10], 4096);
  d.rt.fs.seedFile("/proc/stat", "cpu 1 2 3\nbtime 1700000000\n");
  let m = await scrape(d, { ...ALL, metrics_families: ["native"] });
  deepEqual(m.get("supervisord_process_cpu_seconds_total")?.samples, [
    { labels: { group: "web", name: "web" }, value: 2 },
  ]);
  deepEqual(m.get("supervisord_process_resident_memory_bytes")?.samples, [
    { labels: { group: "web", name: "web" }, value: 2048 * 1024 },
  ]);
  deepEqual(m.get("process_resident_memory_bytes")?.samples, [{ labels: {}, value: 4096 * 1024 }]);
  deepEqual(m.get("process_start_time_seconds")?.samples, [{ labels: {}, value: 1700000000 + 50 }]);
  equal(m.get("supervisord_build_info")?.samples[0]?.labels.runtime, "fake");
  equal(m.has("supervisord_process_healthy"), false);
  // The child dies while STARTING: BACKOFF, an unexpected exit.
  child.exit(1);
  await settle();
  equal(d.proc("web").state, ProcessState.BACKOFF);
  m = await scrape(d, { ...ALL, metrics_families: ["native"] });
  ok(series(m.get("supervisord_process_exits_total")).includes('{"expected":"false","group":"web","name":"web"} 1'));
  deepEqual(m.get("supervisord_process_backoff_seconds")?.samples, [
    { labels: { group: "web", name: "web" }, value: 1 },
  ]);
  d.rt.clock.advance(1000);
  await settle();
  m = await scrape(d, { ...ALL, metrics_families: ["native"] });
  ok(series(m.get("supervisord_process_restarts_total")).includes('{"group":"web","name":"web"} 1'));
});

Deno.test("metrics_process_tree sums CPU and RSS over the child's process group", async () => {
  const d = await daemon();
  d.start("web");
  const pid = d.proc("web").pid;
  seedProc(d, pid, [100, 0], 1000);
  seedProc(d, pid + 1000, [50, 50], 500, pid);
  seedProc(d, pid + 2000, [7, 7], 7, 1);
  const m = await scrape(d, { ...ALL, metrics_families: ["native"], metrics_process_tree: true });
  deepEqual(m.get("supervisord_process_cpu_seconds_total")?.samples[0]?.value, 2);
  deepEqual(m.get("supervisord_process_resident_memory_bytes")?.samples[0]?.value, 1500 * 1024);
});

Deno.test("metrics_auth=false exempts /metrics from basic auth, and nothing else", async () => {
  const d = await daemon();
  const rpc = {
    handle: () => Promise.resolve({ status: 200 as const, body: new TextEncoder().encode("<ok/>"), release: () => {} }),
  };
  const deps = { supervisor: d.sup, runtime: d.rt, counter: d.counter };
  const credentials = { username: "u", password: "p" };
  const open = createHttpHandler({ rpc, credentials, routes: [metricsRoute(deps, { ...ALL, metrics_auth: false })] });
  equal((await open(new Request(URL_))).status, 200);
  equal((await open(new Request("http://127.0.0.1:9001/metrics/x"))).status, 401);
  const rpcReq = new Request("http://127.0.0.1:9001/RPC2", { method: "POST", body: "x" });
  equal((await open(rpcReq)).status, 401);
  const closed = createHttpHandler({ rpc, credentials, routes: [metricsRoute(deps, ALL)] });
  equal((await closed(new Request(URL_))).status, 401);
  const authed = new Request(URL_, { headers: { Authorization: "Basic " + btoa("u:p") } });
  equal((await closed(authed)).status, 200);
  const route = metricsRoute(deps, ALL);
  equal((await route.handle(new Request(URL_, { method: "POST" }), "/metrics")).status, 405);
  equal(await (await route.handle(new Request(URL_, { method: "HEAD" }), "/metrics")).text(), "");
});

Deno.test("the counter stops counting once closed", async () => {
  const d = await daemon();
  d.counter.close();
  const child = d.start("web");
  child.exit(1);
  await settle();
  deepEqual(d.counter.counts(d.proc("web")), { exitsExpected: 0, exitsUnexpected: 0, restarts: 0 });
});

Deno.test("supervisord_process_healthy follows the health check, absent for processes without one", async () => {
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
  const d = await testDaemon([
    programGroup("db", [{ startsecs: 0, healthcheck }]),
    programGroup("web", [{ startsecs: 0 }]),
  ], () => ({}));
  installHealthChecks(d.sup, { run: () => Promise.resolve({ ok: true, detail: "connected" }) });
  const counter = new ExitCounter(d.sup);
  const route = metricsRoute({ supervisor: d.sup, runtime: d.rt, counter }, { ...ALL, metrics_families: ["native"] });
  const read = async () => parseExposition(await (await route.handle(new Request(URL_), "/metrics")).text());
  deepEqual((await read()).get("supervisord_process_healthy")?.samples, [
    { labels: { group: "db", name: "db" }, value: 0 },
  ]);
  d.start("db");
  await settle();
  deepEqual((await read()).get("supervisord_process_healthy")?.samples, [
    { labels: { group: "db", name: "db" }, value: 1 },
  ]);
});
