/**
 * Benchmark scenarios `load` and `churn`: XML-RPC under concurrent load,
 * driven by Debian's `wrk` (C, so the client is not the bottleneck) against
 * a daemon with N programs and `[inet_http_server]` on 127.0.0.1.
 *
 * `load`: 200 keep-alive connections POST `supervisor.getState` for 10 s,
 * then `supervisor.getAllProcessInfo` for 10 s. `churn`: 1,000 connections
 * that each carry one request (`Connection: close`) POST `getState` for
 * 10 s. Each run records requests per second, the p50 and p99 latency, the
 * errors wrk counts (connect, read, write, timeout, non-2xx), and the
 * daemon's resident memory before the load, at its peak (sampled every
 * 100 ms) and 10 s after the load ended. Replies are checked before and
 * after each load with a single call, so a fault cannot pass as a fast
 * answer.
 *
 * Deno script code (scripts/ may use Deno APIs).
 *
 * Python counterpart: none (project tooling); the behaviour loaded is
 * supervisor/http.py and supervisor/medusa's server with
 * supervisor/rpcinterface.py behind it.
 * @module
 */

import { request } from "node:http";
import { Buffer } from "node:buffer";
import type { Sizes } from "./bench_args.ts";
import { NUMBERED_NAME, type RunPaths, supervisordSection } from "./bench_conf.ts";
import { BenchAbort, type Daemon, sleep } from "./bench_daemon.ts";
import { vmRssKiB } from "./bench_proc.ts";
import type { Metric } from "./bench_report.ts";
import { type BenchContext, type RunInfo, type Scenario, withDaemon } from "./bench_scenarios.ts";
import { checkAllInfo, replyValue } from "./bench_rpc.ts";
import { encodeMethodCall, type XmlRpcValue } from "../src/rpc/xmlrpc_codec.ts";

/** The program name of the load scenarios (numbered `load_000`...). */
export const LOAD_PROGRAM = "load";

/** The config: an inet RPC server on 127.0.0.1:`port` and `n` copies of `sleep infinity`. */
export function loadConf(paths: RunPaths, n: number, port: number): string {
  return [
    supervisordSection(paths, { minfds: 4096 }),
    "[inet_http_server]",
    `port=127.0.0.1:${port}`,
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    `[program:${LOAD_PROGRAM}]`,
    "command=sleep infinity",
    "startsecs=0",
    `numprocs=${n}`,
    `process_name=${NUMBERED_NAME}`,
    "",
  ].join("\n");
}

/** Quotes a string for Lua (long brackets cannot hold `]]`, so escape instead). */
export function luaString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

/**
 * The wrk script: POSTs one method call on every request (with
 * `Connection: close` when `close`), and on exit prints one line
 * `RESULT <json>` with the totals and latency percentiles in µs.
 */
export function wrkScript(method: string, close: boolean): string {
  const body = encodeMethodCall(method, []);
  return [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "text/xml"',
    close ? 'wrk.headers["Connection"] = "close"' : "",
    `wrk.body = ${luaString(body)}`,
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    '  io.write(string.format("RESULT {\\"requests\\":%d,\\"duration_us\\":%d,\\"connect\\":%d,\\"read\\":%d,' +
    '\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d}\\n",',
    "    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,",
    "    latency:percentile(50), latency:percentile(99)))",
    "end",
    "",
  ].filter((l) => l !== "").join("\n") + "\n";
}

/** What one wrk run measured. */
export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
}

/** Reads the `RESULT` line of {@linkcode wrkScript}; throws `BenchAbort` when it is missing. */
export function parseWrkResult(stdout: string): WrkResult {
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) throw new BenchAbort(`wrk printed no result: ${stdout.trim().slice(-200)}`);
  const r = JSON.parse(line.slice("RESULT ".length)) as Record<string, number>;
  const n = (k: string) => {
    const v = r[k];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new BenchAbort(`wrk result without ${k}: ${line}`);
    return v;
  };
  const seconds = n("duration_us") / 1e6;
  return {
    rps: seconds > 0 ? n("requests") / seconds : 0,
    p50Ms: n("p50_us") / 1000,
    p99Ms: n("p99_us") / 1000,
    errors: n("connect") + n("read") + n("write") + n("status") + n("timeout"),
    requests: n("requests"),
  };
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Samples a process's VmRSS every `everyMs` until stopped; `peak()` is the largest sample in KiB. */
class RssSampler {
  #peak = 0;
  #timer: ReturnType<typeof setInterval>;
  constructor(readonly pid: number, everyMs = 100) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
  }
  sample(): number {
    const kib = vmRssKiB(this.pid) ?? 0;
    if (kib > this.#peak) this.#peak = kib;
    return kib;
  }
  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    return this.#peak;
  }
}

/** Runs wrk for `seconds` with `connections` on `url` with the script; returns its result. */
async function runWrk(dir: string, url: string, script: string, connections: number, seconds: number) {
  const path = `${dir}/wrk-${crypto.randomUUID()}.lua`;
  await Deno.writeTextFile(path, script);
  const out = await new Deno.Command("wrk", {
    args: ["-t2", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", path, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new BenchAbort(`wrk exited ${out.code}: ${text.trim().slice(-200)}`);
  return parseWrkResult(text);
}

/** POSTs one call over a fresh connection and returns its decoded value (a fault aborts). */
function oneCall(port: number, method: string): Promise<XmlRpcValue> {
  const body = new TextEncoder().encode(encodeMethodCall(method, []));
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/RPC2",
      method: "POST",
      agent: false,
      headers: { "Content-Type": "text/xml", "Content-Length": body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(replyValue(method, { ms: 0, status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        } catch (e) {
          reject(e);
        }
      });
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new BenchAbort(`${method}: no reply after 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

async function checkReplies(port: number, n: number): Promise<void> {
  const state = await oneCall(port, "supervisor.getState") as { statename?: unknown };
  if (state?.statename !== "RUNNING") throw new BenchAbort(`getState: ${JSON.stringify(state)}`);
  checkAllInfo(await oneCall(port, "supervisor.getAllProcessInfo"), n);
}

const MIB = 1024;

function mib(kib: number): number {
  return kib / MIB;
}

interface LoadStep {
  key: string;
  method: string;
  connections: number;
  close: boolean;
}

/** Runs the steps one after the other against one daemon and records every metric. */
async function loadRun(ctx: BenchContext, run: RunInfo, id: "load" | "churn", steps: LoadStep[]): Promise<void> {
  const n = ctx.opts.sizes.loadPrograms;
  const seconds = ctx.opts.sizes.loadSeconds;
  const port = freePort();
  await withDaemon(ctx, run, id, loadConf(run.paths, n, port), async (d: Daemon) => {
    await d.waitForLines("success", n, 120_000, 5);
    await sleep(1000);
    await checkReplies(port, n);
    const before = vmRssKiB(d.pid);
    if (before === null) throw new BenchAbort(await d.exitReason());
    const sampler = new RssSampler(d.pid);
    try {
      for (const step of steps) {
        const r = await runWrk(
          run.paths.dir,
          `http://127.0.0.1:${port}/RPC2`,
          wrkScript(step.method, step.close),
          step.connections,
          seconds,
        );
        if (d.exited) throw new BenchAbort(await d.exitReason());
        run.record(`${id}.${step.key}.rps`, r.rps);
        run.record(`${id}.${step.key}.p50`, r.p50Ms);
        run.record(`${id}.${step.key}.p99`, r.p99Ms);
        run.record(`${id}.${step.key}.errors`, r.errors);
      }
    } finally {
      const peak = sampler.stop();
      run.record(`${id}.rss.before`, mib(before));
      run.record(`${id}.rss.growth`, mib(peak - before));
    }
    await sleep(ctx.opts.sizes.loadAfterSeconds * 1000);
    const after = vmRssKiB(d.pid);
    if (after === null || d.exited) throw new BenchAbort(await d.exitReason());
    run.record(`${id}.rss.after`, mib(after - before));
    await checkReplies(port, n);
  });
}

function stepMetrics(id: string, title: string, key: string, what: string, targets: {
  rps?: Metric["target"];
  p99?: Metric["target"];
}): Metric[] {
  const none: Metric["target"] = { kind: "none" };
  return [
    {
      id: `${id}.${key}.rps`,
      scenario: title,
      label: `${what}: requests/s`,
      unit: "req/s",
      better: "higher",
      target: targets.rps ?? none,
    },
    {
      id: `${id}.${key}.p50`,
      scenario: title,
      label: `${what}: p50 latency`,
      unit: "ms",
      better: "lower",
      target: none,
    },
    {
      id: `${id}.${key}.p99`,
      scenario: title,
      label: `${what}: p99 latency`,
      unit: "ms",
      better: "lower",
      target: targets.p99 ?? none,
    },
    {
      id: `${id}.${key}.errors`,
      scenario: title,
      label: `${what}: errors (connect, read, write, timeout, non-2xx)`,
      unit: "count",
      better: "lower",
      target: { kind: "abs", max: 0, unit: "" },
    },
  ];
}

function rssMetrics(id: string, title: string): Metric[] {
  return [
    {
      id: `${id}.rss.before`,
      scenario: title,
      label: "daemon VmRSS before the load",
      unit: "MiB",
      better: "lower",
      target: { kind: "none" },
    },
    {
      id: `${id}.rss.growth`,
      scenario: title,
      label: "VmRSS growth at the peak of the load",
      unit: "MiB",
      better: "lower",
      target: { kind: "abs", max: 32, unit: "MiB" },
    },
    {
      id: `${id}.rss.after`,
      scenario: title,
      label: "VmRSS above the figure before, 10 s after the load",
      unit: "MiB",
      better: "lower",
      target: { kind: "abs", max: 8, unit: "MiB" },
    },
  ];
}

const loadTitle = (s: Sizes) => `7. XML-RPC load, ${s.loadPrograms} programs, 200 keep-alive connections`;
const churnTitle = (s: Sizes) => `8. XML-RPC load, ${s.loadPrograms} programs, 1,000 one-request connections`;

/** Scenario 7: 200 keep-alive connections, getState then getAllProcessInfo. */
export const loadScenario: Scenario = {
  id: "load",
  metrics: (s) => [
    ...stepMetrics("load", loadTitle(s), "state", `getState, ${s.loadSeconds} s`, {
      rps: { kind: "ratio", min: 4 },
    }),
    ...stepMetrics("load", loadTitle(s), "all", `getAllProcessInfo, ${s.loadSeconds} s`, {
      rps: { kind: "ratio", min: 10 },
      p99: { kind: "ratio", max: 0.1 },
    }),
    ...rssMetrics("load", loadTitle(s)),
  ],
  run: (ctx, run) =>
    loadRun(ctx, run, "load", [
      { key: "state", method: "supervisor.getState", connections: 200, close: false },
      { key: "all", method: "supervisor.getAllProcessInfo", connections: 200, close: false },
    ]),
};

/** Scenario 8: 1,000 connections of one request each, getState. */
export const churnScenario: Scenario = {
  id: "churn",
  metrics: (s) => [
    ...stepMetrics("churn", churnTitle(s), "state", `getState, ${s.loadSeconds} s`, {}),
    ...rssMetrics("churn", churnTitle(s)),
  ],
  run: (ctx, run) =>
    loadRun(ctx, run, "churn", [
      { key: "state", method: "supervisor.getState", connections: 1000, close: true },
    ]),
};
