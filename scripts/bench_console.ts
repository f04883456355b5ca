/**
 * Benchmark scenario 9: the container console. Two programs write N MiB
 * each of fixed-size lines (`yes | head -c`, one letter per program) while
 * the daemon's stdout is a pipe read by this script:
 *
 * - ours in container mode (`console_loglevel=off`, so stdout carries the
 *   child lines only), each line prefixed (`a | …`);
 * - Python with `stdout_logfile=/dev/stdout`, `stdout_logfile_maxbytes=0`
 *   and `silent=true`, its only working setup (no prefixes; lines of the two
 *   programs may mix).
 *
 * Measured: payload MiB/s from the first byte read to the last; bytes
 * missing (the exact count is known: the payload, plus 4 prefix bytes a
 * line for ours, so a lost, doubled or split line shows); and, in a second
 * run, the peak growth of the daemon's VmRSS while the reader stops
 * reading for a few seconds, from the moment it stops (ours fills at most
 * its 8 MiB queue, then stops reading the children; Python blocks in its
 * write).
 *
 * Python counterpart: none (project tooling); the behaviour measured is
 * supervisor/dispatchers.py writing to `/dev/stdout` through
 * supervisor/loggers.py.
 * @module
 */

import { rmSync, writeFileSync } from "node:fs";
import { supervisordSection } from "./bench_conf.ts";
import { BenchAbort, sleep } from "./bench_daemon.ts";
import { vmRssKiB } from "./bench_proc.ts";
import type { SideId } from "./bench_report.ts";
import { type BenchContext, type RunInfo, type Scenario, withDaemon } from "./bench_scenarios.ts";

const MIB = 1024 * 1024;
const PROGRAMS = ["a", "b"] as const;
/** `a | ` */
const PREFIX_BYTES = 4;

/** The line generator: `gen.sh LETTER LINE_BYTES TOTAL_BYTES`. */
const GENERATOR = `#!/bin/sh
line=$(printf "%$(($2-1))s" "" | tr ' ' "$1")
exec yes "$line" | head -c "$3"
`;

/** The config of one side: the two generators, to the console (ours) or to /dev/stdout (Python). */
export function consoleConf(
  side: SideId,
  paths: { dir: string; mainLog: string; pidfile: string; conf: string },
  sizes: {
    consoleBytes: number;
    consoleLineBytes: number;
  },
): string {
  const head = side === "ours"
    ? supervisordSection(paths, { container_mode: true, console_loglevel: "off" })
    : supervisordSection(paths, { silent: true });
  const programs = PROGRAMS.map((p) => {
    const command = `${paths.dir}/gen.sh ${p} ${sizes.consoleLineBytes} ${sizes.consoleBytes}`;
    const out = side === "ours" ? "" : "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n";
    return `[program:${p}]\ncommand=${command}\nautorestart=false\nstartsecs=0\n${out}`;
  });
  return head + "\n" + programs.join("\n");
}

/** The exact bytes the reader must get. */
export function expectedBytes(side: SideId, sizes: { consoleBytes: number; consoleLineBytes: number }): number {
  const payload = PROGRAMS.length * sizes.consoleBytes;
  const lines = PROGRAMS.length * sizes.consoleBytes / sizes.consoleLineBytes;
  return side === "ours" ? payload + lines * PREFIX_BYTES : payload;
}

/** Reads the daemon's stdout, counting; `stall` makes it stop reading once, for a while. */
class Reader {
  bytes = 0;
  firstAt: number | null = null;
  lastAt: number | null = null;
  /** Set while the reader does not read (the stall). */
  stalled: Promise<void> | null = null;

  constructor(readonly expected: number, readonly stallAfter: number | null, readonly stallMs: number) {}

  /** Reads with one reused 1 MiB buffer (BYOB), so the reader costs as little as it can. */
  async consume(stdout: ReadableStream<Uint8Array>): Promise<void> {
    let resume: (() => void) | null = null;
    const reader = stdout.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(MIB);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done || value === undefined) break;
      buffer = value.buffer as ArrayBuffer;
      if (this.firstAt === null) this.firstAt = performance.now();
      this.bytes += value.length;
      if (this.bytes >= this.expected) this.lastAt ??= performance.now();
      if (this.stallAfter !== null && this.stalled === null && this.bytes >= this.stallAfter) {
        this.stalled = new Promise((r) => (resume = r));
        await sleep(this.stallMs);
        resume!();
      }
    }
  }
}

async function throughputRun(ctx: BenchContext, run: RunInfo): Promise<void> {
  const s = ctx.opts.sizes;
  const reader = new Reader(expectedBytes(run.side, s), null, 0);
  await withDaemon(ctx, run, "console", consoleConf(run.side, run.paths, s), async (d) => {
    await d.waitFor("every byte on stdout, both programs exited", () => {
      if (d.log.counts["gave up"] > 0) throw new BenchAbort("a generator entered FATAL (gave up)");
      return reader.lastAt !== null && d.log.counts.exited >= 2;
    }, 600_000);
  }, (stdout) => reader.consume(stdout));
  if (reader.firstAt === null || reader.lastAt === null) throw new BenchAbort("no output");
  const seconds = (reader.lastAt - reader.firstAt) / 1000;
  run.record("console.mibs", PROGRAMS.length * s.consoleBytes / MIB / seconds);
  run.record("console.lost", reader.expected - reader.bytes);
  if (reader.bytes !== reader.expected) {
    ctx.notes.push(`console, ${run.side}, run ${run.rep}: ${reader.bytes} bytes read, ${reader.expected} expected.`);
  }
}

async function stallRun(ctx: BenchContext, run: RunInfo): Promise<void> {
  const s = ctx.opts.sizes;
  const reader = new Reader(expectedBytes(run.side, s), 16 * MIB, s.consoleStallSeconds * 1000);
  await withDaemon(ctx, run, "console", consoleConf(run.side, run.paths, s), async (d) => {
    await d.waitFor("the reader's stall", () => reader.stalled !== null, 600_000, 1);
    const before = vmRssKiB(d.pid);
    let peak = before ?? 0;
    const until = performance.now() + s.consoleStallSeconds * 1000 - 100;
    while (performance.now() < until) {
      peak = Math.max(peak, vmRssKiB(d.pid) ?? 0);
      await sleep(50);
    }
    if (before === null) throw new BenchAbort(await d.exitReason());
    run.record("console.rss", (peak - before) / 1024);
    await d.waitFor("every byte after the stall", () => reader.lastAt !== null && d.log.counts.exited >= 2, 600_000);
  }, (stdout) => reader.consume(stdout));
  if (reader.bytes !== reader.expected) {
    ctx.notes.push(
      `console stall, ${run.side}, run ${run.rep}: ${reader.bytes} bytes read, ${reader.expected} expected.`,
    );
  }
}

/** Scenario 9. */
export const consoleScenario: Scenario = {
  id: "console",
  metrics: (s) => {
    const scenario = `9. 2 × ${s.consoleBytes / MIB} MiB of ${s.consoleLineBytes}-byte lines to a piped stdout ` +
      "(ours: container mode, prefixed; Python: /dev/stdout, maxbytes=0)";
    return [
      {
        id: "console.mibs",
        scenario,
        label: "first byte → last byte read",
        unit: "MiB/s",
        better: "higher",
        target: { kind: "ratio", min: 1 },
      },
      {
        id: "console.lost",
        scenario,
        label: "bytes missing",
        unit: "bytes",
        better: "lower",
        target: { kind: "abs", max: 0, unit: "bytes" },
      },
      {
        id: "console.rss",
        scenario,
        label: `daemon VmRSS growth while the reader stalls ${s.consoleStallSeconds} s`,
        unit: "MiB",
        better: "lower",
        target: { kind: "abs", max: 16, unit: "MiB" },
      },
    ];
  },
  async run(ctx, run) {
    writeFileSync(`${run.paths.dir}/gen.sh`, GENERATOR, { mode: 0o755 });
    await throughputRun(ctx, run);
    rmSync(run.paths.mainLog, { force: true }); // the second daemon's log watcher starts from an empty file
    await stallRun(ctx, run);
  },
};
