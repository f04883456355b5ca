import assert from "node:assert/strict";
import { runPaths } from "./bench_conf.ts";
import { BenchAbort } from "./bench_daemon.ts";
import { churnScenario, loadConf, loadScenario, luaString, parseWrkResult, wrkScript } from "./bench_load.ts";
import { FULL_SIZES } from "./bench_args.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";

const paths = runPaths("/run/bench");

function hostWith(conf: string): ConfigHost {
  const dirs = new Set(["/", "/run", "/run/bench", "/tmp"]);
  return {
    readFile: (p) => {
      if (p !== paths.conf) throw new Error(`ENOENT: ${p}`);
      return new TextEncoder().encode(conf);
    },
    exists: (p) => p === paths.conf || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readDir: () => [],
    env: { HOME: "/root", PATH: "/usr/bin:/bin" },
    cwd: "/run/bench",
    hostname: "box",
    uid: 0,
    tempdir: "/tmp",
    passwd: () => [{ name: "root", uid: 0, gid: 0, home: "/root" }],
    groups: () => [{ name: "root", gid: 0, members: [] }],
  };
}

Deno.test("loadConf() loads as an inet server on 127.0.0.1 with n sleepers started at once", () => {
  const cfg = loadConfig(paths.conf, hostWith(loadConf(paths, 50, 40123)));
  assert.deepEqual(cfg.servers.map((s) => [s.family, s.family === "inet" ? `${s.host}:${s.port}` : ""]), [
    ["inet", "127.0.0.1:40123"],
  ]);
  const procs = cfg.groups.flatMap((g) => g.processes);
  assert.equal(procs.length, 50);
  assert.ok(procs.every((p) => p.startsecs === 0 && p.command === "sleep infinity"));
});

Deno.test("luaString() quotes backslashes, quotes and line ends", () => {
  assert.equal(luaString(`a"b\\c\nd\re`), `"a\\"b\\\\c\\nd\\re"`);
});

Deno.test("wrkScript() posts the method call, with Connection: close only when asked, and prints RESULT", () => {
  const keep = wrkScript("supervisor.getState", false);
  assert.match(keep, /^wrk\.method = "POST"$/m);
  assert.match(keep, /<methodName>supervisor\.getState<\/methodName>/);
  assert.doesNotMatch(keep, /Connection/);
  assert.match(wrkScript("supervisor.getState", true), /^wrk\.headers\["Connection"\] = "close"$/m);
  assert.match(keep, /RESULT/);
  assert.match(keep, /latency:percentile\(99\)/);
});

Deno.test("parseWrkResult() turns the RESULT line into req/s, ms and an error total", () => {
  const r = parseWrkResult(
    "Running 10s test\nRESULT " +
      '{"requests":20000,"duration_us":10000000,"connect":1,"read":2,"write":3,"status":4,"timeout":5,' +
      '"p50_us":1500,"p99_us":25000}\n',
  );
  assert.deepEqual(r, { rps: 2000, p50Ms: 1.5, p99Ms: 25, errors: 15, requests: 20000 });
  assert.throws(() => parseWrkResult("unable to connect"), BenchAbort);
  assert.throws(() => parseWrkResult('RESULT {"requests":1}'), /without duration_us/);
});

Deno.test("the load and churn scenarios declare throughput, latency, error and memory rows with the issue's targets", () => {
  const ids = loadScenario.metrics(FULL_SIZES).map((m) => `${m.id}:${JSON.stringify(m.target)}`);
  assert.ok(ids.includes('load.state.rps:{"kind":"ratio","min":4}'));
  assert.ok(ids.includes('load.all.rps:{"kind":"ratio","min":10}'));
  assert.ok(ids.includes('load.all.p99:{"kind":"ratio","max":0.1}'));
  assert.ok(ids.includes('load.rss.growth:{"kind":"abs","max":32,"unit":"MiB"}'));
  assert.ok(ids.includes('load.rss.after:{"kind":"abs","max":8,"unit":"MiB"}'));
  assert.deepEqual(churnScenario.metrics(FULL_SIZES).map((m) => m.id), [
    "churn.state.rps",
    "churn.state.p50",
    "churn.state.p99",
    "churn.state.errors",
    "churn.rss.before",
    "churn.rss.growth",
    "churn.rss.after",
  ]);
});
