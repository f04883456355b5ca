// deno-lint-ignore-file no-console
/**
 * The engine benchmark: runs each scenario against Python supervisord
 * (/usr/bin/supervisord) and ours in one run, interleaved (Python, ours,
 * Python, ours...), N repetitions each, and reports medians and the ratio
 * ours/Python as a Markdown table (stdout and `.test-output/bench.md`).
 *
 * Scenarios: 1 restart after SIGKILL, 2 numprocs start/stop, 3 stdout
 * throughput with rotation, 4 idle CPU and memory, 5 shutdown, 6 RPC latency
 * (scripts/bench_rpc.ts), 7 and 8 XML-RPC under load from wrk
 * (scripts/bench_load.ts), 9 the container console (scripts/bench_console.ts:
 * its stdout read by the benchmark). Daemons are observed through their main
 * log file and /proc only, except scenario 6, which calls XML-RPC on
 * purpose, and 9, which reads their stdout. A daemon
 * that exits early or never gets there shows as `n/a (<reason>)`.
 *
 * Usage: deno run -A scripts/bench.ts [--quick] [--runs N] [--only LIST]
 *        [--ours CMD] [--python CMD] [--out FILE] [--keep]
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "../src/config/pypath.ts";
import { type BenchOptions, parseBenchArgs, type ScenarioId, USAGE } from "./bench_args.ts";
import { runPaths } from "./bench_conf.ts";
import { BenchAbort, liveDaemons } from "./bench_daemon.ts";
import { renderSamples, renderTable, Results, type SideId } from "./bench_report.ts";
import {
  type BenchContext,
  idleScenario,
  numprocsScenario,
  restartScenario,
  type Scenario,
  shutdownScenario,
} from "./bench_scenarios.ts";
import { noteBaseline, throughputScenario } from "./bench_throughput.ts";
import { rpcScenario } from "./bench_rpc.ts";
import { churnScenario, loadScenario } from "./bench_load.ts";
import { consoleScenario } from "./bench_console.ts";

const ALL: Record<ScenarioId, Scenario> = {
  restart: restartScenario,
  numprocs: numprocsScenario,
  throughput: throughputScenario,
  idle: idleScenario,
  shutdown: shutdownScenario,
  rpc: rpcScenario,
  load: loadScenario,
  churn: churnScenario,
  console: consoleScenario,
};

const SIDES: readonly SideId[] = ["python", "ours"];

async function commandOutput(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return new TextDecoder().decode(out.code === 0 ? out.stdout : out.stderr).trim();
  } catch (e) {
    return `unavailable (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** Runs one repetition of one scenario on one side, in a fresh temporary directory. */
async function runOnce(ctx: BenchContext, results: Results, sc: Scenario, side: SideId, rep: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `svbench-${sc.id}-${side}-` });
  const recorded = new Map<string, number[]>();
  const record = (id: string, v: number) => {
    results.add(id, side, v);
    recorded.set(id, [...recorded.get(id) ?? [], v]);
  };
  let failure: string | null = null;
  try {
    await sc.run(ctx, { side, rep, paths: runPaths(dir), record });
  } catch (e) {
    failure = e instanceof BenchAbort ? e.message : `error: ${e instanceof Error ? e.message : String(e)}`;
    for (const m of sc.metrics(ctx.opts.sizes)) if (!recorded.has(m.id)) results.fail(m.id, side, failure);
  } finally {
    if (ctx.opts.keep) ctx.notes.push(`${sc.id}, ${side}, run ${rep}: kept ${dir}`);
    else await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const got = [...recorded].map(([id, vs]) => `${id}=${vs.map((v) => v.toFixed(1)).join(",")}`).join(" ");
  console.error(`[${sc.id}] ${side} run ${rep}: ${got}${failure === null ? "" : ` n/a (${failure})`}`);
}

function header(opts: BenchOptions, host: Record<string, string>, totalS: number): string {
  const s = opts.sizes;
  return [
    "## Engine benchmark: supervisor-ts vs Python supervisord",
    "",
    `Medians of ${opts.runs} run(s) per side, run interleaved (Python, ours, Python, ours...) in one ` +
    `${totalS.toFixed(0)} s session, ${opts.quick ? "`--quick` sizes" : "full sizes"}. ` +
    `Python: \`${opts.python.join(" ")}\` (${host.python}); ours: \`${opts.ours.join(" ")}\`. ` +
    `Host: ${host.cpus} CPUs, Linux ${host.kernel}, ${host.deno}, ${host.date}. ` +
    "Observed through the main log and /proc only (the rpc scenario also over XML-RPC). " +
    "`n/a (reason)`: that side produced no value.",
    "",
    `Sizes: ${s.killsPerRun} SIGKILLs per run; numprocs=${s.numprocs}; ${s.throughputBytes / 1048576} MiB of ` +
    `16-byte lines, stdout_logfile_maxbytes=${s.logMaxBytes / 1048576}MB, backups=${s.logBackups}; ` +
    `${s.idlePrograms} idle programs, ${s.settleSeconds} s settle + ${s.idleSeconds} s window; ` +
    `${s.shutdownPrograms} programs at shutdown; ${s.loadPrograms} programs behind the inet server under load, ` +
    `${s.loadSeconds} s per wrk run, memory read again ${s.loadAfterSeconds} s after. ` +
    "Programs are `sleep infinity` with startsecs=0.",
  ].join("\n");
}

function renderReport(ctx: BenchContext, results: Results, host: Record<string, string>, totalS: number): string {
  return [
    header(ctx.opts, host, totalS),
    "",
    renderTable(results),
    "",
    "### Notes",
    "",
    ctx.notes.map((n) => `- ${n}`).join("\n"),
    "",
    "### Samples",
    "",
    renderSamples(results),
    "",
  ].join("\n");
}

async function hostInfo(clkTck: number): Promise<Record<string, string>> {
  return {
    cpus: String(navigator.hardwareConcurrency),
    kernel: Deno.osRelease(),
    deno: `Deno ${Deno.version.deno}`,
    python: `supervisord ${await commandOutput("/usr/bin/supervisord", ["--version"])}`,
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    clkTck: String(clkTck),
  };
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(Deno.args);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const clkTck = Number(await commandOutput("getconf", ["CLK_TCK"])) || 100;
  const ctx: BenchContext = {
    opts,
    root,
    env: { PATH: `${root}/node_modules/.bin:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
    clkTck,
    notes: [],
  };
  Deno.addSignalListener("SIGINT", () => {
    for (const d of liveDaemons) d.kill();
    Deno.exit(130);
  });
  const results = new Results();
  const scenarios = opts.only.map((id) => ALL[id]);
  for (const sc of scenarios) for (const m of sc.metrics(opts.sizes)) results.declare(m);
  const t0 = performance.now();
  for (const sc of scenarios) {
    const ts = performance.now();
    if (sc.id === "throughput") await noteBaseline(ctx, opts.runs);
    if (sc.id === "idle") {
      ctx.notes.push(
        "idle CPU: the daemon's utime+stime (all threads) from /proc/<pid>/stat; one clock tick " +
          `(1/${clkTck} s) is ${(100 / clkTck / opts.sizes.idleSeconds).toFixed(2)}% of a core over the window.`,
      );
    }
    for (let rep = 1; rep <= opts.runs; rep++) {
      for (const side of SIDES) await runOnce(ctx, results, sc, side, rep);
    }
    ctx.notes.push(`${sc.id}: ${((performance.now() - ts) / 1000).toFixed(0)} s for both sides.`);
  }
  const md = renderReport(ctx, results, await hostInfo(clkTck), (performance.now() - t0) / 1000);
  console.log(md);
  const out = opts.out.startsWith("/") ? opts.out : `${root}/${opts.out}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.error(`wrote ${out}`);
  return 0;
}

Deno.exit(await main());
