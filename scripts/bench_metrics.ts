// deno-lint-ignore-file no-console
/**
 * Benchmarks `/metrics` (EXTENSIONS.md §8, P3 "Measure"): a daemon with 500
 * `sleep` programs and `metrics = true` (all three families, or those of
 * `--families`) is scraped
 * many times in a row; reports the median and p99 scrape time, the daemon's
 * CPU time per scrape (from /proc/PID/stat, clock ticks of 10 ms), and the
 * daemon's CPU ticks over an idle window with nobody scraping.
 *
 * Usage: deno run -A scripts/bench_metrics.ts [--ours "dist/supervisord"] [--scrapes N] [--procs N] [--idle S]
 *   [--families "node"]
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1] ?? fallback;
}

const ours = arg("--ours", "deno run -A src/main_deno.ts").split(" ");
const scrapes = Number(arg("--scrapes", "200"));
const procs = Number(arg("--procs", "500"));
const idleSeconds = Number(arg("--idle", "20"));
const families = arg("--families", "native node supervisor_exporter");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), "svts-bench-metrics-"));
const port = await freePort();
writeFileSync(
  join(dir, "supervisord.conf"),
  `[supervisord]\nlogfile=${dir}/supervisord.log\npidfile=${dir}/supervisord.pid\nchildlogdir=${dir}\nnodaemon=true\n\n` +
    `[inet_http_server]\nport=127.0.0.1:${port}\nmetrics=true\nmetrics_families=${families}\n\n` +
    `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n` +
    `[program:w]\ncommand=/bin/sleep 100000\nnumprocs=${procs}\nprocess_name=%(program_name)s_%(process_num)03d\n` +
    `startsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n`,
);
const daemon = spawn(ours[0]!, [...ours.slice(1), "-c", join(dir, "supervisord.conf")], {
  stdio: "ignore",
  detached: true,
});
try {
  const url = `http://127.0.0.1:${port}/metrics`;
  for (;;) {
    await sleep(250);
    try {
      const text = await (await fetch(url)).text();
      const up = text.split("\n").filter((l) => l.startsWith("node_supervisord_up{") && l.endsWith(" 1")).length;
      if (up === procs) break;
    } catch { /* not up yet */ }
  }
  await sleep(2000);
  const idleStart = ticks(daemon.pid!);
  await sleep(idleSeconds * 1000);
  const idleTicks = ticks(daemon.pid!) - idleStart;
  const times: number[] = [];
  let bytes = 0;
  const cpuStart = ticks(daemon.pid!);
  for (let i = 0; i < scrapes; i++) {
    const t0 = performance.now();
    bytes = (await (await fetch(url)).text()).length;
    times.push(performance.now() - t0);
  }
  const cpuTicks = ticks(daemon.pid!) - cpuStart;
  console.log(`entry: ${ours.join(" ")}; ${procs} processes; ${scrapes} scrapes of ${bytes} bytes`);
  console.log(`scrape: median ${pct(times, 0.5).toFixed(2)} ms, p99 ${pct(times, 0.99).toFixed(2)} ms`);
  console.log(`daemon CPU per scrape: ${(cpuTicks * 10 / scrapes).toFixed(2)} ms`);
  console.log(`daemon CPU over ${idleSeconds} s idle with nobody scraping: ${idleTicks} ticks`);
} finally {
  try {
    process.kill(-daemon.pid!, "SIGTERM");
  } catch { /* gone */ }
  await sleep(1500);
  try {
    process.kill(-daemon.pid!, "SIGKILL");
  } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
}
