/**
 * Child log throughput check on the real runtime: one child writes numbered
 * lines (`seq 1 N`, about 512 MiB by default) through a ChildOutput into a
 * rotating stdout log (`maxbytes=50MB, backups=10` by default); the script
 * reports MiB/s from spawn to the end of the drain, then verifies that every
 * line is present once and in order across `out.log.10` … `out.log.1`,
 * `out.log`.
 *
 * Sources: `--source=cat` (default) pre-generates the lines into a file and
 * the child is `cat <file>`, so `seq`'s own speed does not cap the figure;
 * `--source=seq` runs `sh -c 'seq 1 N'` directly. `--python` also runs the
 * reference `/usr/bin/supervisord` on the same data and reports its rate
 * (timed from the creation of its log file until the logs hold every byte,
 * polled every millisecond).
 *
 * Usage: `deno run -A scripts/bench_childlog.ts [--mib=512] [--runs=3]
 * [--source=cat|seq] [--python] [--dir=$TMPDIR]`, or the same with
 * `bun run`. Runs alternate between ours and Python so both see the same
 * machine load.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import {
  defaultDependencyExtensions,
  defaultLogExtensions,
  defaultProgramExtensions,
  type ProcessConfig,
} from "../src/config/schema.ts";
import { createProcessOutput } from "../src/logging/child_output.ts";
import { createMainLogger } from "../src/logging/main_logger.ts";
import type { Runtime } from "../src/runtime/types.ts";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const rt: Runtime = onBun
  ? (await import("../src/runtime/bun.ts")).createBunRuntime()
  : (await import("../src/runtime/deno.ts")).createDenoRuntime();

const MB = 1024 * 1024;
const MAXBYTES = 50 * MB;
const BACKUPS = 10;

function flag(name: string, fallback: string): string {
  const found = rt.args.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

/** Bytes of `seq 1 n` output. */
function seqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, lo = 1; lo <= n; digits++, lo *= 10) total += (Math.min(n, lo * 10 - 1) - lo + 1) * (digits + 1);
  return total;
}

/** The smallest n whose `seq 1 n` output is at least `bytes` long. */
function linesFor(bytes: number): number {
  let n = Math.floor(bytes / 9);
  while (seqBytes(n) < bytes) n += 1000;
  return n;
}

async function sh(script: string): Promise<void> {
  const child = rt.spawn({
    path: "/bin/sh",
    argv: ["sh", "-c", script],
    env: { PATH: "/usr/bin:/bin" },
    stdin: "null",
  });
  await Promise.all([child.stdout?.cancel(), child.stderr?.cancel()]);
  const status = await child.exited;
  if (status.code !== 0) throw new Error(`sh -c ${script} failed: ${JSON.stringify(status)}`);
}

function processConfig(logfile: string): ProcessConfig {
  return {
    ...defaultProgramExtensions("numbers"),
    ...defaultDependencyExtensions(),
    ...defaultLogExtensions(),
    name: "numbers",
    command: "",
    directory: null,
    umask: null,
    priority: 999,
    autostart: true,
    autorestart: false,
    startsecs: 0,
    startretries: 0,
    uid: null,
    stdout_logfile: logfile,
    stdout_capture_maxbytes: 0,
    stdout_events_enabled: false,
    stdout_logfile_backups: BACKUPS,
    stdout_logfile_maxbytes: MAXBYTES,
    stdout_syslog: false,
    stderr_logfile: null,
    stderr_capture_maxbytes: 0,
    stderr_events_enabled: false,
    stderr_logfile_backups: 0,
    stderr_logfile_maxbytes: 0,
    stderr_syslog: false,
    stopsignal: 15,
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    exitcodes: [0],
    redirect_stderr: true,
    environment: {},
    serverurl: null,
  };
}

/** Runs the child through our ChildOutput; returns seconds from spawn to the end of the drain. */
async function runOurs(dir: string, script: string): Promise<number> {
  const logger = createMainLogger(rt, {
    logfile: `${dir}/main.log`,
    maxbytes: 0,
    backups: 0,
    level: "info",
    echo: null,
  });
  const output = await createProcessOutput(rt, logger, processConfig(`${dir}/out.log`), {
    childlogdir: dir,
    identifier: "bench",
    strip_ansi: false,
  });
  output.open();
  const t0 = rt.clock.monotonic();
  const child = rt.spawn({
    path: "/bin/sh",
    argv: ["sh", "-c", script],
    env: { PATH: "/usr/bin:/bin" },
    stdin: "null",
    stderr: "null",
  });
  await Promise.all([output.drain("stdout", child.stdout!), child.exited]);
  const seconds = (rt.clock.monotonic() - t0) / 1000;
  await output.close();
  await logger.close();
  const complaints = await rt.fs.readTextFile(`${dir}/main.log`);
  if (complaints !== "") throw new Error(`the main log reported failures:\n${complaints}`);
  return seconds;
}

/** Total bytes in out.log*, tolerating files that move while we look. */
async function logBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await rt.fs.readDir(dir)) {
    if (name.startsWith("out.log")) total += (await rt.fs.stat(`${dir}/${name}`))?.size ?? 0;
  }
  return total;
}

/** Runs the reference supervisord on the same data; returns seconds (see module doc). */
async function runPython(dir: string, script: string, bytes: number): Promise<number> {
  const conf = `[supervisord]\nlogfile=${dir}/main.log\npidfile=${dir}/sd.pid\nnodaemon=true\nchildlogdir=${dir}\n` +
    `[program:numbers]\ncommand=/bin/sh -c "${script}"\nautorestart=false\nstartsecs=0\n` +
    `stdout_logfile=${dir}/out.log\nstdout_logfile_maxbytes=${MAXBYTES}\nstdout_logfile_backups=${BACKUPS}\n`;
  await rt.fs.writeTextFile(`${dir}/sd.conf`, conf);
  const sd = rt.spawn({
    path: "/usr/bin/supervisord",
    argv: ["supervisord", "-c", `${dir}/sd.conf`],
    env: { PATH: "/usr/bin:/bin" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  const tick = () => new Promise<void>((r) => rt.clock.setTimeout(r, 1));
  while ((await rt.fs.stat(`${dir}/out.log`)) === null) await tick();
  const t0 = rt.clock.monotonic();
  while ((await logBytes(dir)) < bytes) await tick();
  const seconds = (rt.clock.monotonic() - t0) / 1000;
  rt.kill(sd.pid, "SIGTERM");
  await sd.exited;
  return seconds;
}

/** Streams the log files oldest first and checks the lines are 1..n in order; returns an error text or null. */
async function verify(dir: string, n: number): Promise<string | null> {
  const names = (await rt.fs.readDir(dir)).filter((f) => /^out\.log(\.\d+)?$/.test(f));
  const index = (f: string) => (f === "out.log" ? 0 : Number(f.slice(8)));
  names.sort((a, b) => index(b) - index(a));
  let expected = 1;
  let value = 0;
  let digits = 0;
  for (const name of names) {
    const data = await rt.fs.readFile(`${dir}/${name}`);
    for (let i = 0; i < data.length; i++) {
      const c = data[i]!;
      if (c === 10) {
        if (digits === 0 || value !== expected) return `line ${expected} is wrong in ${name} (read ${value})`;
        expected++;
        value = 0;
        digits = 0;
      } else if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        digits++;
      } else {
        return `unexpected byte ${c} in ${name}`;
      }
    }
  }
  if (digits !== 0 || expected !== n + 1) return `read ${expected - 1} of ${n} lines`;
  return null;
}

async function main(): Promise<number> {
  const mib = Number(flag("mib", "512"));
  const runs = Number(flag("runs", "3"));
  const source = flag("source", "cat");
  const n = linesFor(mib * MB);
  const bytes = seqBytes(n);
  const parent = flag("dir", rt.env()["TMPDIR"] ?? "/tmp").replace(/\/+$/, "");
  const base = `${parent}/bench-childlog-${rt.pid}`;
  await rt.fs.mkdir(base, { recursive: true });
  try {
    const data = `${base}/lines.txt`;
    if (source === "cat") await sh(`seq 1 ${n} > ${data}`);
    const script = source === "cat" ? `exec cat ${data}` : `exec seq 1 ${n}`;
    rt.stdout.write(`${rt.name}: ${n} lines, ${(bytes / MB).toFixed(1)} MiB via ${source}; maxbytes=50MB backups=10\n`);
    const who = rt.args.includes("--python") ? ["ours", "python"] : ["ours"];
    let failures = 0;
    for (let run = 1; run <= runs; run++) {
      for (const impl of who) {
        const dir = `${base}/${impl}-${run}`;
        await rt.fs.mkdir(dir);
        const seconds = impl === "ours" ? await runOurs(dir, script) : await runPython(dir, script, bytes);
        const rate = (bytes / MB / seconds).toFixed(0);
        const problem = impl === "ours" ? await verify(dir, n) : null;
        if (problem !== null) failures++;
        const check = impl === "python" ? "not verified" : problem ?? `all ${n} lines in order`;
        rt.stdout.write(`run ${run} ${impl}: ${seconds.toFixed(3)} s, ${rate} MiB/s; ${check}\n`);
        await rt.fs.remove(dir, { recursive: true });
      }
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await rt.fs.remove(base, { recursive: true }).catch(() => {});
  }
}

rt.exit(await main());
