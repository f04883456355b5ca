/**
 * Differential test of supervisord's resource limits (`minfds`,
 * `minprocs`): /usr/bin/supervisord and ours start under the same
 * `prlimit` limits, and must log the same main-log lines, give their
 * children the same limits (a program prints its /proc/self/limits rows),
 * and fail the same way, with the same usage text and status 2, when a
 * non-root supervisord (run through `setpriv` as nobody) cannot raise a hard
 * limit, in the foreground and in daemon mode. A reload (SIGHUP) must not
 * raise the limits again. Needs root, prlimit and setpriv.
 *
 * Deno and Bun raise their soft open-files limit to the hard one when they
 * start, and the value from before is lost; started through the launcher
 * line that records it (`SUPERVISOR_TS_NOFILE_SOFT=$(ulimit -Sn) exec …`,
 * src/daemon_rlimits.ts), ours must log and give children exactly what
 * Python does, with soft < hard, with and without a raise to `minfds`, after
 * a reload and in daemon mode. Without the record a soft limit below
 * `minfds` under a hard one at or above it is not "Increased" by ours, and
 * its children see the hard value; the last test pins that gap.
 *
 * Python counterpart: supervisor/options.py (`set_rlimits_or_exit`),
 * supervisor/supervisord.py (`Supervisor.main`, first start only).
 * @module
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, normalise, ourCommand, ourEntryName, REFERENCE, run, tempDir } from "./_harness.ts";

const PRLIMIT = "/usr/bin/prlimit";
const SETPRIV = "/usr/bin/setpriv";
const AS_NOBODY = [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups"];
const entry = ourEntryName();
const ignore = !haveReference() || !existsSync(PRLIMIT) || !existsSync(SETPRIV) || process.getuid?.() !== 0;

/** The test process's own soft and hard limit of a /proc/self/limits row (-1 = unlimited). */
function ownLimit(label: string): [number, number] {
  const row = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith(label + " "))!;
  const [soft, hard] = row.slice(label.length).trim().split(/\s+/).map((v) => (v === "unlimited" ? -1 : Number(v)));
  return [soft!, hard!];
}

/** Process limits to start under: at most the current hard one, so no privilege is needed. */
function nprocPlan(): { soft: number; hard: number; min: number; min2: number } {
  const [, own] = ownLimit("Max processes");
  const hard = own === -1 ? 90000 : Math.min(own, 90000);
  return { soft: Math.floor(hard / 2), hard, min: Math.floor(hard * 0.6), min2: Math.floor(hard * 0.8) };
}

const PROGRAM = `[program:lim]
command=/bin/sh -c 'grep -E "^Max (open files|processes) " /proc/self/limits'
stdout_logfile=%(here)s/lim.out
startsecs=0
autorestart=false
`;

function writeConf(dir: string, settings: string): string {
  const path = join(dir, "supervisord.conf");
  const head = `[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n`;
  writeFileSync(path, head + settings + PROGRAM, { mode: 0o644 });
  return path;
}

function argvFor(side: Side): string[] {
  return side === "ours" ? ourCommand() : [REFERENCE];
}

/** A foreground supervisord started under `prefix` (prlimit, setpriv), which execs it: same pid. */
class Limited {
  readonly child: ChildProcess;
  out = "";
  readonly exited: Promise<number | null>;

  constructor(side: Side, prefix: string[], args: string[], cwd: string) {
    const argv = [...prefix, ...argvFor(side), ...args];
    this.child = spawn(argv[0]!, argv.slice(1), { cwd, env: fixedEnv(), detached: true, stdio: "pipe" });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => this.out += d);
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => this.out += d);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  lines(tmp: string): string[] {
    return this.out.split("\n").filter((l) => l !== "").map((l) =>
      maskLogLine(l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, ""), tmp)
    );
  }

  async waitFor(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.out.split("\n").filter((l) => pattern.test(l)).length < count) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} (x${count}); output:\n${this.out}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  [Symbol.dispose](): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch { /* already gone */ }
  }
}

interface Observed {
  lines: string[];
  code: number | null;
  childLimits: string;
}

/** Runs one side until its program has run `runs` times (SIGHUP between runs), then stops it. */
async function observe(
  side: Side,
  nofile: string,
  settings: string,
  reload?: string,
  launcher: string[] = [],
): Promise<Observed> {
  using tmp = tempDir("svts-rlimits-");
  const conf = writeConf(tmp.path, settings);
  const prefix = [PRLIMIT, `--nofile=${nofile}`, `--nproc=${nprocPlan().soft}:${nprocPlan().hard}`, ...launcher];
  using d = new Limited(side, prefix, ["-n", "-c", conf], tmp.path);
  await d.waitFor(/exited: lim /);
  if (reload !== undefined) {
    writeConf(tmp.path, reload);
    process.kill(d.child.pid!, "SIGHUP");
    await d.waitFor(/exited: lim /, 2);
  }
  process.kill(d.child.pid!, "SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    d.exited,
    new Promise<never>((_, reject) => timer = setTimeout(() => reject(new Error(`${side} did not exit`)), 20_000)),
  ]).finally(() => clearTimeout(timer));
  return { lines: d.lines(tmp.path), code, childLimits: readFileSync(join(tmp.path, "lim.out"), "utf8") };
}

/**
 * Log lines without `success:` ones. A program with startsecs=0 that exits
 * at once is logged RUNNING only when the main loop looks at it before it is
 * reaped (Python's `finish` makes the STARTING -> RUNNING change silently),
 * so either side may or may not log it (at start as after a reload).
 */
function settled(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith("INFO success: "));
}

function limitRows(nofile: [number, number], nproc: [number, number]): string {
  const col = (v: number) => String(v).padEnd(21);
  return `Max processes             ${col(nproc[0])}${col(nproc[1])}processes \n` +
    `Max open files            ${col(nofile[0])}${col(nofile[1])}files     \n`;
}

Deno.test({
  name:
    `[DAEMON.rlimits,MLOG.rlimit,CFG.supervisord.minprocs,CFG.supervisord.minfds] limits raised at startup: same log lines and child limits (${entry})`,
  ignore,
  fn: async () => {
    const n = nprocPlan();
    const settings = `minfds=1024\nminprocs=${n.min}\n`;
    const [ref, ours] = await Promise.all([
      observe("reference", "4096:4096", settings),
      observe("ours", "4096:4096", settings),
    ]);
    assert.ok(ref.lines.includes(`INFO Increased RLIMIT_NPROC limit to ${n.min}`), ref.lines.join("\n"));
    assert.deepEqual(settled(ours.lines), settled(ref.lines));
    assert.equal(ref.childLimits, limitRows([4096, 4096], [n.min, n.hard]));
    assert.equal(ours.childLimits, ref.childLimits);
    assert.equal(ours.code, ref.code);
  },
});

Deno.test({
  name: `[DAEMON.rlimits,MLOG.rlimit] a reload (SIGHUP) does not raise the limits again (${entry})`,
  ignore,
  fn: async () => {
    const n = nprocPlan();
    const [ref, ours] = await Promise.all([
      observe("reference", "4096:4096", `minprocs=${n.min}\n`, `minprocs=${n.min2}\n`),
      observe("ours", "4096:4096", `minprocs=${n.min}\n`, `minprocs=${n.min2}\n`),
    ]);
    assert.equal(ref.lines.filter((l) => l.includes("Increased RLIMIT_NPROC")).length, 1, ref.lines.join("\n"));
    assert.deepEqual(settled(ours.lines), settled(ref.lines));
    assert.equal(ref.childLimits, limitRows([4096, 4096], [n.min, n.hard]).repeat(2));
    assert.equal(ours.childLimits, ref.childLimits);
  },
});

/** Runs one side to its refusal under `limits`, as nobody; returns masked stderr and status. */
async function refuse(side: Side, limits: string[], settings: string, daemon: boolean) {
  using tmp = tempDir("svts-rlimits-");
  chmodSync(tmp.path, 0o777);
  const conf = writeConf(tmp.path, settings);
  const args = daemon ? ["-c", conf] : ["-n", "-c", conf];
  const r = await run([PRLIMIT, ...limits, ...AS_NOBODY, ...argvFor(side), ...args], {
    cwd: tmp.path,
    env: fixedEnv(),
    timeoutMs: 20_000,
  });
  const pidfile = join(tmp.path, "sd.pid");
  if (existsSync(pidfile)) {
    // It started after all (a failing test): stop the daemon.
    try {
      process.kill(Number(readFileSync(pidfile, "utf8").trim()), "SIGKILL");
    } catch { /* already gone */ }
  }
  return { code: r.code, stdout: r.stdout, stderr: normalise(r.stderr, tmp.path) };
}

/** Both sides' refusals. */
async function refusal(limits: string[], settings: string, daemon: boolean) {
  const [ref, ours] = await Promise.all([
    refuse("reference", limits, settings, daemon),
    refuse("ours", limits, settings, daemon),
  ]);
  return { ref, ours };
}

for (const daemon of [false, true]) {
  const mode = daemon ? "daemon mode" : "foreground";
  Deno.test({
    name:
      `[DAEMON.rlimits] a non-root supervisord under a too-low open-files hard limit: same usage error, ${mode} (${entry})`,
    ignore,
    fn: async () => {
      const { ref, ours } = await refusal(["--nofile=256:512"], "", daemon);
      assert.equal(ref.code, 2);
      assert.match(ref.stderr, /^Error: The minimum number of file descriptors required to run this process is 1024 /);
      assert.match(ref.stderr, / will only allow you to open 1024 file descriptors\. /);
      assert.deepEqual(ours, ref);
    },
  });
}

Deno.test({
  name: `[DAEMON.rlimits] a non-root supervisord under a too-low process hard limit: same usage error (${entry})`,
  ignore,
  fn: async () => {
    const n = nprocPlan();
    const too = n.hard + 1;
    const { ref, ours } = await refusal([`--nproc=${n.soft}:${n.hard}`], `minprocs=${too}\n`, false);
    assert.equal(ref.code, 2);
    assert.match(ref.stderr, new RegExp(`^Error: The minimum number of available processes .* is ${too} as per`));
    assert.deepEqual(ours, ref);
  },
});

/**
 * The launcher line the README gives: it records the soft open-files limit
 * supervisord is started with (the runtimes raise it before our code runs)
 * and execs supervisord, same pid. Python ignores the variable.
 */
const RECORDING = ["/bin/sh", "-c", 'SUPERVISOR_TS_NOFILE_SOFT=$(ulimit -Sn) exec "$@"', "sh"];

for (
  const [nofile, settings, soft, logged] of [
    ["256:4096", "", 1024, true],
    ["2048:4096", "", 2048, false],
    ["2048:4096", "minfds=3000\n", 3000, true],
  ] as const
) {
  Deno.test({
    name: `[DAEMON.rlimits,MLOG.rlimit,CFG.supervisord.minfds] started under soft < hard (${nofile}, ` +
      `${settings === "" ? "default minfds" : settings.trim()}), the start recorded: same log lines, children ` +
      `get ${soft}:4096, also after a reload (${entry})`,
    ignore,
    fn: async () => {
      const n = nprocPlan();
      const conf = `${settings}minprocs=${n.min}\n`;
      const [ref, ours] = await Promise.all([
        observe("reference", nofile, conf, conf, RECORDING),
        observe("ours", nofile, conf, conf, RECORDING),
      ]);
      const line = `INFO Increased RLIMIT_NOFILE limit to ${soft}`;
      assert.equal(ref.lines.includes(line), logged, ref.lines.join("\n"));
      assert.deepEqual(settled(ours.lines), settled(ref.lines));
      assert.equal(ref.childLimits, limitRows([soft, 4096], [n.min, n.hard]).repeat(2));
      assert.equal(ours.childLimits, ref.childLimits);
    },
  });
}

/** Runs one side in daemon mode under `nofile` with the recording launcher; its main log and child's limits. */
async function observeDaemon(side: Side, nofile: string): Promise<Observed> {
  using tmp = tempDir("svts-rlimits-");
  const conf = writeConf(tmp.path, `minprocs=${nprocPlan().min}\n`);
  const prefix = [PRLIMIT, `--nofile=${nofile}`, `--nproc=${nprocPlan().soft}:${nprocPlan().hard}`, ...RECORDING];
  const started = await run([...prefix, ...argvFor(side), "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  const read = (name: string) => existsSync(join(tmp.path, name)) ? readFileSync(join(tmp.path, name), "utf8") : "";
  const deadline = Date.now() + 20_000;
  while (!read("sd.log").includes("exited: lim ") || !read("sd.pid")) {
    if (Date.now() > deadline) {
      throw new Error(`${side}: no exit of lim; ${JSON.stringify(started)}\n${read("sd.log")}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = Number(read("sd.pid").trim());
  process.kill(pid, "SIGTERM");
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline + 20_000) await new Promise((r) => setTimeout(r, 20));
  const lines = read("sd.log").split("\n").filter((l) => l !== "").map((l) =>
    maskLogLine(l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, ""), tmp.path)
  );
  return { lines, code: started.code, childLimits: read("lim.out") };
}

Deno.test({
  name: `[DAEMON.rlimits,MLOG.rlimit,DAEMON.fork] in daemon mode the recorded start reaches the daemon: same ` +
    `log lines, children get minfds (${entry})`,
  ignore,
  fn: async () => {
    const n = nprocPlan();
    const [ref, ours] = await Promise.all([observeDaemon("reference", "256:4096"), observeDaemon("ours", "256:4096")]);
    assert.ok(ref.lines.includes("INFO Increased RLIMIT_NOFILE limit to 1024"), ref.lines.join("\n"));
    assert.deepEqual(settled(ours.lines), settled(ref.lines));
    assert.equal(ref.childLimits, limitRows([1024, 4096], [n.min, n.hard]));
    assert.equal(ours.childLimits, ref.childLimits);
    assert.equal(ours.code, ref.code);
  },
});

Deno.test({
  name: `known gap: started without a record, the runtimes' own raise of the soft open-files limit hides ` +
    `"Increased RLIMIT_NOFILE" (${entry})`,
  ignore,
  fn: async () => {
    const n = nprocPlan();
    const [ref, ours] = await Promise.all([
      observe("reference", "256:4096", `minprocs=${n.min}\n`),
      observe("ours", "256:4096", `minprocs=${n.min}\n`),
    ]);
    const line = "INFO Increased RLIMIT_NOFILE limit to 1024";
    assert.ok(ref.lines.includes(line), ref.lines.join("\n"));
    assert.deepEqual(settled(ours.lines), settled(ref.lines).filter((l) => l !== line));
    assert.equal(ref.childLimits, limitRows([1024, 4096], [n.min, n.hard]));
    assert.equal(ours.childLimits, limitRows([4096, 4096], [n.min, n.hard]));
  },
});
