// deno-lint-ignore-file no-console
/**
 * File watch costs (issue P5, "Measure"). 1: from a file write to the
 * restarted child's spawn, over N runs: our daemon watches a temp tree with
 * `restart_debounce=100ms`; each run writes a file and polls the main log
 * every 2 ms for the next `spawned: 'web'` line (the figure includes the
 * debounce and at most one poll interval). Prints median and p99 minus the
 * debounce too. 2: the daemon's CPU time while 10,000 files sit under watch
 * and nothing changes, over 20 s (utime+stime from /proc, in clock ticks).
 * Usage: deno run -A scripts/bench_watch.ts [--runs N] [--idle SECONDS] [--ours CMD]
 *   (default: 30 runs and 20 s of dist/supervisord when built, else deno run src/main_deno.ts)
 * Python counterpart: none (project tooling).
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const DEBOUNCE_MS = 100;

function args(): { runs: number; idle: number; ours: string[] } {
  const argv = process.argv.slice(2);
  const at = (flag: string) => argv.indexOf(flag);
  const bin = join(ROOT, "dist/supervisord");
  return {
    runs: at("--runs") >= 0 ? Number(argv[at("--runs") + 1]) : 30,
    idle: at("--idle") >= 0 ? Number(argv[at("--idle") + 1]) : 20,
    ours: at("--ours") >= 0
      ? argv[at("--ours") + 1]!.split(" ")
      : existsSync(bin)
      ? [bin]
      : ["deno", "run", "-A", join(ROOT, "src/main_deno.ts")],
  };
}

const conf = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[program:web]
command=/bin/sleep 1000
startsecs=0
restart_directory_monitor=%(here)s/tree
restart_debounce=${DEBOUNCE_MS}ms
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawns(log: string): number {
  try {
    return readFileSync(log, "utf8").split("spawned: 'web'").length - 1;
  } catch {
    return 0;
  }
}

async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(2);
  }
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function main(): Promise<void> {
  const { runs, idle, ours } = args();
  const dir = mkdtempSync(join(tmpdir(), "svts-bench-watch-"));
  const tree = join(dir, "tree");
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(tree, `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(tree, `d${d}`, `f${f}.txt`), "x");
  }
  writeFileSync(join(dir, "supervisord.conf"), conf);
  const log = join(dir, "supervisord.log");
  const child = spawn(ours[0]!, [...ours.slice(1), "-n", "-c", join(dir, "supervisord.conf")], {
    cwd: dir,
    stdio: "ignore",
  });
  try {
    await until(() => spawns(log) >= 1);
    await sleep(1000);
    const before = cpuTicks(child.pid!);
    await sleep(idle * 1000);
    const idleTicks = cpuTicks(child.pid!) - before;
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const n = spawns(log);
      const t0 = performance.now();
      writeFileSync(join(tree, `d${i % 100}`, "changed.txt"), String(i));
      await until(() => spawns(log) > n);
      latencies.push(performance.now() - t0);
      await sleep(300);
    }
    console.log(`daemon: ${ours.join(" ")}`);
    console.log(`idle with 10,000 files watched: ${idleTicks} clock ticks of CPU in ${idle} s`);
    console.log(
      `write -> spawn over ${runs} runs (debounce ${DEBOUNCE_MS} ms): median ${pct(latencies, 0.5).toFixed(1)} ms, ` +
        `p99 ${pct(latencies, 0.99).toFixed(1)} ms; beyond the debounce: median ${
          (pct(latencies, 0.5) - DEBOUNCE_MS).toFixed(1)
        } ms`,
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
