// deno-lint-ignore-file no-console
/**
 * Benchmarks the XML-RPC codec on the biggest reply supervisord sends in
 * practice: `getAllProcessInfo` for 1,000 processes (structs with the
 * members of SURFACE RPC.struct.processinfo, realistic values). Reports the
 * median and p90 over many runs of:
 * - our encoder (`encodeMethodResponse`), next to the npm `xmlrpc` package's
 *   serializer (1.3.2, built on xmlbuilder) and, when /usr/bin/python3 is
 *   there, Python's `xmlrpc.client.dumps` (what supervisord itself runs);
 * - our decoder on the same document;
 * - the whole dispatcher path (`RpcDispatcher.handle` of the request).
 *
 * Usage: deno run -A scripts/bench_xmlrpc.ts [runs]   (or: bun scripts/bench_xmlrpc.ts [runs])
 * @module
 */

import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { decodeMethodResponse, encodeMethodCall, encodeMethodResponse } from "../src/rpc/xmlrpc_codec.ts";
import { RpcDispatcher } from "../src/rpc/dispatcher.ts";

const runs = Number(process.argv[2] ?? "") || 300;
const require = createRequire(import.meta.url);
const npm = require("xmlrpc/lib/serializer.js") as { serializeMethodResponse(v: unknown): string };

function processInfo(i: number) {
  const running = i % 5 !== 0;
  const log = `/var/log/supervisor/worker_${i}-stdout---supervisor-8ujr4eir.log`;
  return {
    name: `worker_${i}`,
    group: `pool_${Math.floor(i / 50)}`,
    start: 1795579568 + i,
    stop: running ? 0 : 1795579600,
    now: 1795583177,
    state: running ? 20 : 100,
    statename: running ? "RUNNING" : "EXITED",
    spawnerr: running ? "" : "Bad exit code 3",
    exitstatus: running ? 0 : 3,
    logfile: log,
    stdout_logfile: log,
    stderr_logfile: i % 2 ? `/var/log/supervisor/worker_${i}-stderr---supervisor-2hx8q1fa.log` : "",
    pid: running ? 20000 + i : 0,
    description: running ? `pid ${20000 + i}, uptime 1:00:09` : "Nov 25 04:05 AM",
  };
}

const infos = Array.from({ length: 1000 }, (_, i) => processInfo(i));

function measure(label: string, fn: () => unknown, n = runs): { label: string; median: number; p90: number } {
  for (let i = 0; i < Math.min(50, n); i++) fn(); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, median: times[Math.floor(n / 2)] ?? NaN, p90: times[Math.floor(n * 0.9)] ?? NaN };
}

async function measureAsync(label: string, fn: () => Promise<unknown>, n = runs) {
  for (let i = 0; i < Math.min(50, n); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, median: times[Math.floor(n / 2)] ?? NaN, p90: times[Math.floor(n * 0.9)] ?? NaN };
}

function pythonDumps(): { label: string; median: number; p90: number } | null {
  if (!existsSync("/usr/bin/python3")) return null;
  const script = `
import json, sys, time, xmlrpc.client as X
infos = json.loads(sys.stdin.read())
ts = []
for i in range(${Math.min(runs, 100)}):
    t0 = time.perf_counter(); X.dumps((infos,), methodresponse=True); ts.append((time.perf_counter() - t0) * 1000)
ts.sort()
print(json.dumps([ts[len(ts)//2], ts[int(len(ts)*0.9)]]))
`;
  const r = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(infos), encoding: "utf8" });
  if (r.status !== 0) return null;
  const [median, p90] = JSON.parse(r.stdout) as [number, number];
  return { label: "python3 xmlrpc.client.dumps (supervisord's encoder)", median, p90 };
}

const xml = encodeMethodResponse(infos);
const npmXml = npm.serializeMethodResponse(infos);
const dispatcher = new RpcDispatcher();
dispatcher.register({ name: "supervisor.getAllProcessInfo", signature: ["array"], help: "", handler: () => infos });
const request = new TextEncoder().encode(encodeMethodCall("supervisor.getAllProcessInfo", []));

const results = [
  measure("ours   encodeMethodResponse", () => encodeMethodResponse(infos)),
  measure("npm    xmlrpc serializeMethodResponse", () => npm.serializeMethodResponse(infos), Math.min(runs, 100)),
  pythonDumps(),
  measure("ours   decodeMethodResponse", () => decodeMethodResponse(xml)),
  await measureAsync("ours   RpcDispatcher.handle (decode request, call, encode)", () => dispatcher.handle(request)),
].filter((r) => r !== null);

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
console.log(
  `getAllProcessInfo, 1000 processes: ours ${xml.length} bytes, npm ${npmXml.length} bytes; ${runtime}, ${runs} runs`,
);
for (const r of results) {
  console.log(`${r.label.padEnd(60)} median ${r.median.toFixed(3)} ms   p90 ${r.p90.toFixed(3)} ms`);
}
