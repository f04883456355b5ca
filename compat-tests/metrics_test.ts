/**
 * Black-box tests of `/metrics` (EXTENSIONS.md §8) on our entries (Deno,
 * Bun, or the binary with SUPERVISOR_TS_BIN): a scrape of a live daemon
 * parses with the strict exposition parser, every process has node_exporter's
 * `node_supervisord_{up,state,exit_status}` with labels `group,name`, the
 * RSS of a child matches `/proc/PID/status` VmRSS within 5 %, the
 * `metrics_auth = false` scrape needs no credentials while `/RPC2` still
 * does, and a server without `metrics` answers Python's 404. The config
 * loads in supervisord 4.2.5.
 *
 * Python counterpart: none (the Go port's `/metrics` and node_exporter's
 * supervisord collector are the peers).
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { ForegroundDaemon } from "./_daemon.ts";
import { freePort } from "./_ctl_process.ts";
import { rawHttp } from "./_raw_http.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { parseExposition } from "../src/metrics/_exposition_parser.ts";

function conf(dir: string, port: number): string {
  return `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true

[inet_http_server]
port=127.0.0.1:${port}
username=admin
password=secret
metrics=true
metrics_auth=false
metrics_families=native node supervisor_exporter

[unix_http_server]
file=${dir}/s.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:hog]
command=/usr/bin/python3 -c "import time; b = bytearray(32 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(1000)"
startsecs=1

[group:pool]
programs=w1,w2

[program:w1]
command=/bin/sleep 1000
startsecs=0

[program:w2]
command=/bin/sleep 1000
autostart=false
`;
}

function vmRss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  assert.ok(m !== null);
  return Number(m[1]) * 1024;
}

Deno.test(`/metrics on a live daemon: strict format, node_exporter names and labels, RSS as /proc says (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-metrics-");
  const port = await freePort();
  const text = conf(tmp.path, port);
  const path = join(tmp.path, "supervisord.conf");
  writeFileSync(path, text);
  if (canAskPython) assert.deepEqual(pythonLoadErrors([text.replaceAll(tmp.path, "{TMP}")]), [null]);
  using d = new ForegroundDaemon("ours", ["-c", path], { cwd: "/", env: fixedEnv() });
  await d.waitFor(/success: hog entered RUNNING state/);
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const m = parseExposition(await res.text());
  for (const name of ["node_supervisord_up", "node_supervisord_state", "node_supervisord_exit_status"]) {
    const labels = m.get(name)?.samples.map((s) => s.labels);
    assert.deepEqual(labels?.map((l) => `${l.group}:${l.name}`).sort(), ["hog:hog", "pool:w1", "pool:w2"], name);
    assert.ok(labels?.every((l) => Object.keys(l).sort().join() === "group,name"), name);
  }
  const up = (name: string) => m.get("node_supervisord_up")?.samples.find((s) => s.labels.name === name)?.value;
  assert.deepEqual([up("hog"), up("w1"), up("w2")], [1, 1, 0]);
  for (
    const name of ["supervisor_process_info", "supervisord_up", "supervisord_build_info", "process_cpu_seconds_total"]
  ) {
    assert.ok(m.has(name), name);
  }
  // RSS against /proc, read right after the scrape.
  const info = await (await fetch(`http://127.0.0.1:${port}/api/v1/processes/hog`, {
    headers: { Authorization: "Basic " + btoa("admin:secret") },
  })).json();
  const scraped = m.get("supervisord_process_resident_memory_bytes")?.samples.find((s) => s.labels.name === "hog")
    ?.value;
  const actual = vmRss(info.pid);
  assert.ok(scraped !== undefined && Math.abs(scraped - actual) <= actual * 0.05, `${scraped} vs ${actual}`);
  assert.ok(actual > 32 * 1024 * 1024, "the child touched its 32 MiB");

  // metrics_auth=false opens /metrics only.
  assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/processes`)).status, 401);
  const rpc = await fetch(`http://127.0.0.1:${port}/RPC2`, { method: "POST", body: "<x/>" });
  assert.equal(rpc.status, 401);
  await rpc.body?.cancel();
  // The unix server has no metrics=true: Python's 404.
  const off = await rawHttp({ path: join(tmp.path, "s.sock") }, "GET /metrics HTTP/1.0\r\n\r\n");
  assert.equal(off.status, 404);
});
