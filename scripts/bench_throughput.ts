/**
 * Benchmark scenario 3: stdout throughput. One child writes numbered 16-byte
 * lines (GNU `seq`) to stdout; the daemon logs them with rotation
 * (`stdout_logfile_maxbytes`, `stdout_logfile_backups`). Measured: MiB/s from
 * the first byte in the log file to the last one, and to the later of the
 * last byte and the `exited:` line in the main log (Python may take up to
 * its 1 s poll timeout to reap the child, so that figure is bimodal).
 * Checked afterwards: the rotated files, oldest first, are byte for byte the
 * tail of the generator's output, and how many bytes are missing.
 *
 * The sizes are chosen so that nothing is rotated away (512 MiB over 50 MiB
 * files needs 10 rotations at most, and 10 backups are kept; quick: 64 MiB
 * over 5 MiB files with 20 backups), so a correct daemon loses 0 bytes.
 *
 * Python counterpart: none (project tooling); the behaviour timed is
 * supervisor/dispatchers.py (`POutputDispatcher`) and supervisor/loggers.py
 * (`RotatingFileHandler`).
 * @module
 */

import { existsSync, rmSync, statSync } from "node:fs";
import { generatorArgv, generatorConf } from "./bench_conf.ts";
import { BenchAbort, type Daemon } from "./bench_daemon.ts";
import { median } from "./bench_report.ts";
import { type BenchContext, type Scenario, withDaemon } from "./bench_scenarios.ts";

const MIB = 1024 * 1024;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/** The log file and its backups that exist, oldest first (`f.N` ... `f.1`, `f`). */
export function rotatedFiles(logfile: string, backups: number, exists: (p: string) => boolean): string[] {
  const files: string[] = [];
  for (let i = backups; i >= 1; i--) if (exists(`${logfile}.${i}`)) files.push(`${logfile}.${i}`);
  if (exists(logfile)) files.push(logfile);
  return files;
}

/** The outcome of the data check: `lost` is null when the kept bytes are not the generator's tail. */
export interface Verdict {
  lost: number | null;
  text: string;
}

/** Compares the kept log files with the tail of a fresh run of the generator. */
export async function verifyRotated(logfile: string, bytes: number, backups: number): Promise<Verdict> {
  const files = rotatedFiles(logfile, backups, existsSync);
  const total = files.reduce((n, f) => n + sizeOf(f), 0);
  if (total > bytes) return { lost: null, text: `${total} bytes kept, more than the ${bytes} generated` };
  if (total === 0) return { lost: null, text: "no output kept" };
  const [seq, first, last] = generatorArgv(bytes);
  // tail -c +K streams (no buffering of the whole output); cmp reads both pipes.
  const script = 'skip=$1; seq=$2; first=$3; last=$4; shift 4; "$seq" "$first" "$last" | tail -c +"$skip" | ' +
    'cmp - <(cat "$@")';
  const out = await new Deno.Command("bash", {
    args: ["-c", script, "bash", String(bytes - total + 1), seq!, first!, last!, ...files],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lost = bytes - total;
  const where = `${total} bytes in ${files.length} file(s)`;
  if (out.code !== 0) {
    const msg = (new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr)).trim();
    return { lost: null, text: `${where} differ from the generator's output: ${msg}` };
  }
  return {
    lost,
    text: lost === 0
      ? `verified: all ${bytes} bytes kept, in order, in ${files.length} file(s)`
      : `verified: ${where} are the contiguous, complete tail; ${lost} earlier bytes were rotated away`,
  };
}

/** MiB/s of the generator piped to a file (`seq | cat > file`), the ceiling for any daemon. */
export async function measureBaseline(dir: string, bytes: number): Promise<number> {
  const [seq, first, last] = generatorArgv(bytes);
  const out = `${dir}/baseline.out`;
  const t0 = performance.now();
  const r = await new Deno.Command("bash", {
    args: ["-c", '"$1" "$2" "$3" | cat > "$4"', "bash", seq!, first!, last!, out],
  }).output();
  const t1 = performance.now();
  const size = sizeOf(out);
  rmSync(out, { force: true });
  if (r.code !== 0 || size !== bytes) throw new Error(`Cannot measure the generator baseline: wrote ${size} bytes`);
  return bytes / MIB / ((t1 - t0) / 1000);
}

/** Notes the baseline's median over `runs` runs, in a fresh directory. */
export async function noteBaseline(ctx: BenchContext, runs: number): Promise<void> {
  const bytes = ctx.opts.sizes.throughputBytes;
  const dir = await Deno.makeTempDir({ prefix: "svbench-baseline-" });
  try {
    const speeds: number[] = [];
    for (let i = 0; i < runs; i++) speeds.push(await measureBaseline(dir, bytes));
    ctx.notes.push(
      `throughput baseline: \`${generatorArgv(bytes).join(" ")} | cat > file\` in the temp dir runs at ` +
        `${median(speeds).toFixed(0)} MiB/s (median of ${runs}).`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Bytes in the log file and its backups (never more than the truth while files rotate). */
function keptBytes(logfile: string, backups: number): number {
  // Highest index first: a file only moves to a higher index, so none is counted twice.
  let n = 0;
  for (let i = backups; i >= 1; i--) n += Math.max(0, sizeOf(`${logfile}.${i}`));
  return n + Math.max(0, sizeOf(logfile));
}

/**
 * Polls every millisecond until the generator's `exited:` line is logged and
 * all its bytes are in the log files (a daemon may log the exit before it
 * has drained the pipe). Returns when each happened; `allAt` is null when
 * the bytes are still incomplete 10 s after the exit (the check counts them).
 */
async function watchGenerator(
  d: Daemon,
  logfile: string,
  bytes: number,
  backups: number,
): Promise<{ allAt: number | null; exitAt: number }> {
  let allAt: number | null = null;
  let exitAt: number | null = null;
  await d.waitFor(
    "the generator's `exited:` line and all its bytes",
    () => {
      if (d.log.counts["gave up"] > 0) throw new BenchAbort("the generator entered FATAL (gave up)");
      const now = performance.now();
      if (allAt === null && keptBytes(logfile, backups) >= bytes) allAt = now;
      if (exitAt === null && d.log.counts.exited >= 1) exitAt = now;
      return exitAt !== null && (allAt !== null || now - exitAt > 10_000);
    },
    600_000,
    1,
  );
  return { allAt, exitAt: exitAt! };
}

/** Scenario 3. */
export const throughputScenario: Scenario = {
  id: "throughput",
  metrics: (s) => {
    const scenario = `3. ${s.throughputBytes / MIB} MiB stdout, rotated at ${s.logMaxBytes / MIB} MiB`;
    return [
      {
        id: "throughput.data",
        scenario,
        label: "first byte → last byte in the log",
        unit: "MiB/s",
        better: "higher",
        target: { kind: "ratio", min: 1 },
      },
      {
        id: "throughput.mibs",
        scenario,
        label: "first byte → last byte and `exited:` logged",
        unit: "MiB/s",
        better: "higher",
        target: { kind: "ratio", min: 1 },
      },
      {
        id: "throughput.lost",
        scenario,
        label: "bytes missing or out of order",
        unit: "bytes",
        better: "lower",
        target: { kind: "abs", max: 0, unit: "bytes" },
      },
    ];
  },
  async run(ctx, run) {
    const s = ctx.opts.sizes;
    const logfile = `${run.paths.dir}/gen.log`;
    const conf = generatorConf(run.paths, {
      name: "gen",
      bytes: s.throughputBytes,
      logfile,
      maxbytes: s.logMaxBytes,
      backups: s.logBackups,
    });
    await withDaemon(ctx, run, "throughput", conf, async (d) => {
      const hasOutput = () => sizeOf(logfile) > 0 || existsSync(`${logfile}.1`);
      const tFirst = await d.waitFor("first output byte", hasOutput, 60_000, 1);
      const { allAt, exitAt } = await watchGenerator(d, logfile, s.throughputBytes, s.logBackups);
      const mibs = (t: number) => s.throughputBytes / MIB / ((t - tFirst) / 1000);
      if (allAt !== null) run.record("throughput.data", mibs(allAt));
      run.record("throughput.mibs", mibs(Math.max(allAt ?? exitAt, exitAt)));
    });
    const v = await verifyRotated(logfile, s.throughputBytes, s.logBackups);
    ctx.notes.push(`throughput, ${run.side}, run ${run.rep}: ${v.text}.`);
    if (v.lost === null) throw new BenchAbort(v.text);
    run.record("throughput.lost", v.lost);
  },
};
