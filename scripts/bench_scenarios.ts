/**
 * The benchmark scenarios that need no data check: restart after SIGKILL,
 * numprocs start and stop, idle CPU and memory, and shutdown. Each runs one
 * daemon in a fresh temporary directory and records values through
 * `RunInfo.record`; a `BenchAbort` ends the repetition for that side.
 *
 * Python counterpart: none (project tooling); the behaviour timed is
 * supervisor/supervisord.py's main loop and supervisor/process.py.
 * @module
 */

import { writeFileSync } from "node:fs";
import type { BenchOptions, ScenarioId, Sizes } from "./bench_args.ts";
import { type RunPaths, sleepersConf } from "./bench_conf.ts";
import { BenchAbort, Daemon, sleep } from "./bench_daemon.ts";
import { ChildScanner, liveChildren, readStat, vmRssKiB } from "./bench_proc.ts";
import type { Metric, SideId } from "./bench_report.ts";

/** What every scenario can use. */
export interface BenchContext {
  opts: BenchOptions;
  /** Repository root: the daemons' working directory. */
  root: string;
  /** Extra environment for the daemons (PATH with node_modules/.bin first). */
  env: Record<string, string>;
  /** Clock ticks per second of /proc CPU times. */
  clkTck: number;
  /** Lines for the report's notes section. */
  notes: string[];
}

/** One repetition of one scenario on one side. */
export interface RunInfo {
  side: SideId;
  rep: number;
  paths: RunPaths;
  record(metricId: string, value: number): void;
}

/** A scenario: its metrics and how to run one repetition. */
export interface Scenario {
  id: ScenarioId;
  /** The table rows, titled with the sizes in use. */
  metrics(sizes: Sizes): Metric[];
  run(ctx: BenchContext, run: RunInfo): Promise<void>;
}

/**
 * Writes `conf`, launches the side's daemon on it, runs `fn`, and always
 * closes the daemon; processes that outlive it are noted in the report.
 */
export async function withDaemon<T>(
  ctx: BenchContext,
  run: RunInfo,
  scenario: ScenarioId,
  conf: string,
  fn: (d: Daemon) => Promise<T>,
  consume?: (stdout: ReadableStream<Uint8Array>) => Promise<void>,
): Promise<T> {
  writeFileSync(run.paths.conf, conf);
  const argv = run.side === "python" ? ctx.opts.python : ctx.opts.ours;
  const d = new Daemon(run.side, argv, run.paths.conf, run.paths.mainLog, ctx.root, ctx.env, consume);
  try {
    return await fn(d);
  } finally {
    const survivors = await d.close();
    if (survivors.length > 0) {
      ctx.notes.push(
        `${scenario}, ${run.side}, run ${run.rep}: ${survivors.length} process(es) outlived the daemon ` +
          `(pids ${survivors.map((s) => s.pid).join(", ")}); the benchmark killed them.`,
      );
    }
  }
}

const ms = (scenario: string, id: string, label: string, target: Metric["target"]): Metric => ({
  id,
  scenario,
  label,
  unit: "ms",
  better: "lower",
  target,
});

/** Scenario 1: SIGKILL the only child; time until the daemon has a new child. */
export const restartScenario: Scenario = {
  id: "restart",
  metrics: () => [
    ms("1. restart after SIGKILL", "restart.ms", "SIGKILL → new child exists", { kind: "abs", max: 20, unit: "ms" }),
  ],
  run(ctx, run) {
    const conf = sleepersConf(run.paths, { name: "victim", numprocs: 1, autorestart: true });
    return withDaemon(ctx, run, "restart", conf, async (d) => {
      await d.waitForLines("success", 1, 30_000, 5);
      const scanner = new ChildScanner(d.pid);
      for (let k = 1; k <= ctx.opts.sizes.killsPerRun; k++) {
        const old = new Set(scanner.children());
        const victim = liveChildren(d.pid)[0];
        if (victim === undefined) throw new BenchAbort("no child of the daemon found after `success:`");
        d.track();
        Deno.kill(victim.pid, "SIGKILL");
        const t0 = performance.now();
        for (;;) {
          if (scanner.children().some((p) => !old.has(p))) break;
          if (d.exited) throw new BenchAbort(await d.exitReason());
          if (performance.now() - t0 > 15_000) throw new BenchAbort("timeout: no new child 15 s after SIGKILL");
          await sleep(1);
        }
        run.record("restart.ms", performance.now() - t0);
        await d.waitForLines("success", k + 1, 30_000, 5);
      }
    });
  },
};

/**
 * Watches a shutdown that began at `t0`: returns the ms until the daemon
 * exited, and until `n` `stopped:` lines were logged (null if they never were).
 */
async function watchStop(d: Daemon, t0: number, n: number): Promise<{ exitMs: number; linesMs: number | null }> {
  let linesAt: number | null = null;
  while (!d.exited && performance.now() - t0 < 60_000) {
    d.log.poll();
    if (linesAt === null && d.log.counts.stopped >= n) linesAt = performance.now();
    await sleep(2);
  }
  const exitAt = await d.waitExit(1000);
  d.log.poll();
  // Lines that appeared between the last poll and the exit count from the exit.
  if (linesAt === null && d.log.counts.stopped >= n) linesAt = exitAt;
  return { exitMs: exitAt - t0, linesMs: linesAt === null ? null : linesAt - t0 };
}

/** Scenario 2: numprocs=N from launch to N RUNNING, then SIGTERM to stop. */
export const numprocsScenario: Scenario = {
  id: "numprocs",
  metrics: (s) => [
    ms(`2. numprocs=${s.numprocs}`, "numprocs.start", "launch → all `success:`", { kind: "ratio", max: 0.5 }),
    ms(`2. numprocs=${s.numprocs}`, "numprocs.exit", "SIGTERM → daemon exit", { kind: "ratio", max: 0.2 }),
    ms(`2. numprocs=${s.numprocs}`, "numprocs.stopped", "SIGTERM → all `stopped:`", { kind: "ratio", max: 0.2 }),
  ],
  run(ctx, run) {
    const n = ctx.opts.sizes.numprocs;
    const conf = sleepersConf(run.paths, { name: "many", numprocs: n, minfds: 4096 });
    return withDaemon(ctx, run, "numprocs", conf, async (d) => {
      const tRunning = await d.waitForLines("success", n, 120_000, 2);
      run.record("numprocs.start", tRunning - d.launchedAt);
      const t0 = d.terminate();
      const { exitMs, linesMs } = await watchStop(d, t0, n);
      run.record("numprocs.exit", exitMs);
      if (linesMs === null) throw new BenchAbort(`only ${d.log.counts.stopped} of ${n} "stopped:" lines logged`);
      run.record("numprocs.stopped", linesMs);
    });
  },
};

/** Scenario 4: CPU of the idle daemon over a window, and its resident memory. */
export const idleScenario: Scenario = {
  id: "idle",
  metrics: (s) => [
    {
      id: "idle.cpu",
      scenario: `4. ${s.idlePrograms} idle programs`,
      label: `daemon CPU over ${s.idleSeconds} s`,
      unit: "% of a core",
      better: "lower",
      target: { kind: "ratio", max: 0.1 },
    },
    {
      id: "idle.rss",
      scenario: `4. ${s.idlePrograms} idle programs`,
      label: "daemon VmRSS",
      unit: "MiB",
      better: "lower",
      target: { kind: "ratio", max: 1 },
    },
  ],
  run(ctx, run) {
    const { idlePrograms: n, idleSeconds, settleSeconds } = ctx.opts.sizes;
    const conf = sleepersConf(run.paths, { name: "idle", numprocs: n, minfds: 4096 });
    return withDaemon(ctx, run, "idle", conf, async (d) => {
      await d.waitForLines("success", n, 180_000, 5);
      d.track();
      await sleep(settleSeconds * 1000);
      const s0 = readStat(d.pid);
      const t0 = performance.now();
      await sleep(idleSeconds * 1000);
      const s1 = readStat(d.pid);
      const t1 = performance.now();
      const rssKiB = vmRssKiB(d.pid);
      if (s0 === null || s1 === null || rssKiB === null || d.exited) throw new BenchAbort(await d.exitReason());
      const ticks = s1.utime + s1.stime - (s0.utime + s0.stime);
      run.record("idle.cpu", (ticks / ctx.clkTck) / ((t1 - t0) / 1000) * 100);
      run.record("idle.rss", rssKiB / 1024);
    });
  },
};

/** Scenario 5: SIGTERM to exit with a few programs running. */
export const shutdownScenario: Scenario = {
  id: "shutdown",
  metrics: (s) => [
    ms(`5. shutdown, ${s.shutdownPrograms} programs`, "shutdown.exit", "SIGTERM → daemon exit", {
      kind: "ratio",
      max: 0.2,
    }),
  ],
  run(ctx, run) {
    const n = ctx.opts.sizes.shutdownPrograms;
    const conf = sleepersConf(run.paths, { name: "prog", numprocs: n });
    return withDaemon(ctx, run, "shutdown", conf, async (d) => {
      await d.waitForLines("success", n, 30_000, 5);
      const t0 = d.terminate();
      run.record("shutdown.exit", (await d.waitExit(60_000)) - t0);
    });
  },
};
