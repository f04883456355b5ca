/**
 * Benchmark scenario `rpc`: a daemon with `[unix_http_server]` and
 * `[rpcinterface:supervisor]` and N programs with startsecs=1. Measures the
 * startup to all `success:` lines, then the wall time of
 * `supervisor.getAllProcessInfo` and `supervisor.getProcessInfo` over the
 * unix socket. The client is the same for both sides and cheap: node:http
 * with a fresh connection per call (as supervisorctl does) and a pre-built
 * request body, timed from request start to the last body byte. Replies
 * are checked after the timed loop, so a fault or a short reply aborts the
 * repetition instead of producing a fast-looking number.
 *
 * Deno script code (scripts/ may use Deno APIs).
 *
 * Python counterpart: none (project tooling); the behaviour timed is
 * supervisor/rpcinterface.py (`getAllProcessInfo`, `getProcessInfo`) behind
 * supervisor/http.py's unix socket server.
 * @module
 */

import { request } from "node:http";
import { Buffer } from "node:buffer";
import type { Sizes } from "./bench_args.ts";
import { NUMBERED_NAME, type RunPaths, supervisordSection } from "./bench_conf.ts";
import { BenchAbort } from "./bench_daemon.ts";
import type { Metric } from "./bench_report.ts";
import { type Scenario, withDaemon } from "./bench_scenarios.ts";
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from "../src/rpc/xmlrpc_codec.ts";

/** The program name of the scenario (its group too: numprocs makes `rpc:rpc_000`...). */
export const RPC_PROGRAM = "rpc";

/** The unix socket path of a run: inside its temporary directory. */
export function rpcSocket(paths: RunPaths): string {
  return `${paths.dir}/supervisor.sock`;
}

/** The namespec of the `i`-th process, e.g. `rpc:rpc_007`. */
export function rpcNamespec(i: number): string {
  return `${RPC_PROGRAM}:${RPC_PROGRAM}_${String(i).padStart(3, "0")}`;
}

/**
 * The config: an RPC server on the run's unix socket and `n` copies of
 * `sleep infinity` that count as started after 1 s (startsecs=1).
 */
export function rpcConf(paths: RunPaths, n: number): string {
  if (n < 1 || n > 1000) throw new RangeError(`Cannot build the rpc config: ${n} programs is outside 1..1000`);
  const lines = [
    supervisordSection(paths, { minfds: 4096 }),
    "[unix_http_server]",
    `file=${rpcSocket(paths)}`,
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    `[program:${RPC_PROGRAM}]`,
    "command=sleep infinity",
    "startsecs=1",
    `numprocs=${n}`,
    `process_name=${NUMBERED_NAME}`,
    "",
  ];
  return lines.join("\n");
}

/** One timed call: wall time in ms, HTTP status and the reply body. */
export interface RpcReply {
  ms: number;
  status: number;
  body: Uint8Array;
}

/**
 * POSTs `body` to `/RPC2` over the unix socket on a fresh connection and
 * resolves once the whole reply body has arrived.
 */
export function rpcCall(socketPath: string, body: Uint8Array, timeoutMs = 30_000): Promise<RpcReply> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({
      socketPath,
      path: "/RPC2",
      method: "POST",
      agent: false,
      headers: { "Content-Type": "text/xml", "Content-Length": body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on(
        "end",
        () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no reply after ${timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The value of a reply; throws `BenchAbort` on an HTTP error, a fault or unparseable XML. */
export function replyValue(method: string, reply: RpcReply): XmlRpcValue {
  if (reply.status !== 200) throw new BenchAbort(`${method}: HTTP ${reply.status}`);
  let decoded;
  try {
    decoded = decodeMethodResponse(reply.body);
  } catch (e) {
    throw new BenchAbort(`${method}: bad reply (${e instanceof Error ? e.message : String(e)})`);
  }
  if (decoded.fault) throw new BenchAbort(`${method}: fault ${JSON.stringify(decoded)}`);
  return decoded.value;
}

/** Checks a `getAllProcessInfo` value: `n` structs, every one RUNNING. */
export function checkAllInfo(value: XmlRpcValue, n: number): void {
  if (!Array.isArray(value) || value.length !== n) {
    throw new BenchAbort(
      `getAllProcessInfo: expected ${n} entries, got ${Array.isArray(value) ? value.length : "no array"}`,
    );
  }
  const notRunning = value.filter((v) => (v as { statename?: unknown } | null)?.statename !== "RUNNING").length;
  if (notRunning > 0) throw new BenchAbort(`getAllProcessInfo: ${notRunning} of ${n} not RUNNING`);
}

/** Checks a `getProcessInfo` value: the struct of `name`, RUNNING. */
export function checkOneInfo(value: XmlRpcValue, name: string): void {
  const v = value as { name?: unknown; statename?: unknown } | null;
  if (v?.name !== name || v.statename !== "RUNNING") {
    throw new BenchAbort(`getProcessInfo: expected ${name} RUNNING, got ${JSON.stringify(value).slice(0, 120)}`);
  }
}

/** Makes `count` calls one after another; returns their wall times and replies. */
async function timedCalls(socketPath: string, body: Uint8Array, count: number): Promise<RpcReply[]> {
  const replies: RpcReply[] = [];
  for (let i = 0; i < count; i++) replies.push(await rpcCall(socketPath, body));
  return replies;
}

/**
 * The client's own cost: the median wall time of `count` calls through
 * `rpcCall` to an in-process `Deno.serve` on a unix socket that answers at
 * once with a one-string reply (the figure includes that server's time).
 */
export async function clientFloorMs(dir: string, count = 200): Promise<number> {
  const path = `${dir}/floor.sock`;
  const reply = '<?xml version="1.0"?><methodResponse><params><param><value><string>x</string></value></param>' +
    "</params></methodResponse>";
  const server = Deno.serve(
    { path, transport: "unix", onListen() {} },
    () => new Response(reply, { headers: { "Content-Type": "text/xml" } }),
  );
  try {
    const body = new TextEncoder().encode(encodeMethodCall("supervisor.getPID", []));
    await timedCalls(path, body, 20);
    return median((await timedCalls(path, body, count)).map((r) => r.ms));
  } finally {
    await server.shutdown();
  }
}

const title = (s: Sizes) => `6. RPC, ${s.rpcPrograms} programs`;

/** Scenario 6: startup with an RPC server, then getAllProcessInfo and getProcessInfo latency. */
export const rpcScenario: Scenario = {
  id: "rpc",
  metrics: (s): Metric[] => [
    {
      id: "rpc.start",
      scenario: title(s),
      label: "launch → all `success:` (startsecs=1)",
      unit: "ms",
      better: "lower",
      target: { kind: "ratio", max: 0.6 },
    },
    {
      id: "rpc.all",
      scenario: title(s),
      label: `getAllProcessInfo, median of ${s.rpcAllCalls} calls`,
      unit: "ms",
      better: "lower",
      target: { kind: "ratio", max: 0.1 },
    },
    {
      id: "rpc.one",
      scenario: title(s),
      label: `getProcessInfo, median of ${s.rpcOneCalls} calls`,
      unit: "ms",
      better: "lower",
      target: { kind: "abs", max: 0.5, unit: "ms" },
    },
  ],
  async run(ctx, run) {
    // Before any daemon runs, so that nothing competes for the CPU.
    if (run.side === "python" && run.rep === 1) {
      const floor = await clientFloorMs(run.paths.dir);
      ctx.notes.push(
        "rpc: client is node:http over the unix socket, a fresh connection per call, pre-built body, " +
          "timed from request start to the last body byte, after one untimed call of each method; its floor " +
          `(same client against an in-process Deno.serve answering at once) is ${floor.toFixed(3)} ms median.`,
      );
    }
    const { rpcPrograms: n, rpcAllCalls, rpcOneCalls } = ctx.opts.sizes;
    const sock = rpcSocket(run.paths);
    const one = rpcNamespec(Math.floor(n / 2));
    const oneName = one.slice(one.indexOf(":") + 1);
    const enc = new TextEncoder();
    const allBody = enc.encode(encodeMethodCall("supervisor.getAllProcessInfo", []));
    const oneBody = enc.encode(encodeMethodCall("supervisor.getProcessInfo", [one]));
    await withDaemon(ctx, run, "rpc", rpcConf(run.paths, n), async (d) => {
      const tRunning = await d.waitForLines("success", n, 180_000, 2);
      run.record("rpc.start", tRunning - d.launchedAt);
      // One untimed call of each, so neither side pays a first-call cost in the samples.
      checkAllInfo(replyValue("getAllProcessInfo", await rpcCall(sock, allBody)), n);
      checkOneInfo(replyValue("getProcessInfo", await rpcCall(sock, oneBody)), oneName);
      const all = await timedCalls(sock, allBody, rpcAllCalls);
      for (const r of all) checkAllInfo(replyValue("getAllProcessInfo", r), n);
      run.record("rpc.all", median(all.map((r) => r.ms)));
      const ones = await timedCalls(sock, oneBody, rpcOneCalls);
      for (const r of ones) checkOneInfo(replyValue("getProcessInfo", r), oneName);
      run.record("rpc.one", median(ones.map((r) => r.ms)));
      if (d.exited) throw new BenchAbort(await d.exitReason());
    });
  },
};
