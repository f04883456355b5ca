/**
 * Faults the engine must survive, each with real processes on our daemon:
 * a double-forking child stopped as a group, SIGTERM in the middle of a
 * 200-process spawn storm, SIGHUP while programs flap, the child log
 * directory removed underneath a running program, and a flood of output.
 * Every child carries a marker in its environment, so the tests can prove
 * that nothing of theirs survives the daemon.
 * @module
 */

import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";

/** Pids of live processes whose environment holds `MARK=<mark>`. */
function marked(mark: string): number[] {
  const needle = `MARK=${mark}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (env.includes(needle)) pids.push(Number(entry));
    } catch { /* gone or not ours */ }
  }
  return pids;
}

/** Waits (polling /proc, bounded) until no marked process is left. */
async function noneLeft(mark: string, timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = marked(mark);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(tmp: string, programs: string, supervisord = ""): ForegroundDaemon {
  const conf = join(tmp, "supervisord.conf");
  writeFileSync(
    conf,
    `[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n` +
      `${supervisord}\n${programs}`,
  );
  return new ForegroundDaemon("ours", ["-n", "-c", conf], { cwd: tmp, env: fixedEnv() });
}

const entry = ourEntryName();

Deno.test(`[PROC.stop] a double-forking child under stopasgroup leaves nothing of its group (${entry})`, async () => {
  using tmp = tempDir("svts-fault-");
  const mark = tmp.path;
  using d = start(
    tmp.path,
    `[program:forker]\ncommand=/bin/sh -c 'sh -c "sleep 300 &"; sleep 300 & wait'\nstopasgroup=true\n` +
      `environment=MARK="${mark}"\nstartsecs=1\n`,
  );
  await d.waitFor(/success: forker /);
  assert.ok(marked(mark).length >= 3, "the shell and both sleeps run");
  d.signal("SIGTERM");
  assert.equal((await d.exited).code, 0);
  assert.deepEqual(await noneLeft(mark), []);
});

Deno.test(`[PROC.order.shutdown,SIG.exit] SIGTERM during a 200-process spawn storm stops every child (${entry})`, async () => {
  using tmp = tempDir("svts-fault-");
  const mark = tmp.path;
  using d = start(
    tmp.path,
    `[program:storm]\ncommand=/bin/sleep 300\nnumprocs=200\nprocess_name=%(program_name)s_%(process_num)s\n` +
      `startsecs=0\nenvironment=MARK="${mark}"\n`,
  );
  await d.waitFor(/spawned: 'storm_\d+'/, 20_000, 20);
  d.signal("SIGTERM");
  assert.equal((await d.exited).code, 0);
  assert.deepEqual(await noneLeft(mark), []);
  const spawned = d.lines().filter((l) => l.includes("spawned: 'storm_")).length;
  const stopped = d.lines().filter((l) => /stopped: storm_\d+ /.test(l)).length;
  assert.equal(stopped, spawned, "every spawned child is reported stopped");
});

Deno.test(`[SIG.hup,RELOAD.full] SIGHUP while programs flap completes the reload (${entry})`, async () => {
  using tmp = tempDir("svts-fault-");
  const mark = tmp.path;
  using d = start(
    tmp.path,
    `[program:flap]\ncommand=/bin/sh -c 'sleep 0.05; exit 1'\nstartsecs=0\nautorestart=true\nnumprocs=3\n` +
      `process_name=%(program_name)s_%(process_num)s\nenvironment=MARK="${mark}"\n`,
  );
  await d.waitFor(/exited: flap_\d /, 20_000, 6);
  d.signal("SIGHUP");
  await d.waitFor(/supervisord started with pid/, 20_000, 2);
  await d.waitFor(/exited: flap_\d /, 20_000, 12);
  d.signal("SIGTERM");
  assert.equal((await d.exited).code, 0);
  assert.ok(d.lines().includes("WARN received SIGHUP indicating restart request"));
  assert.deepEqual(await noneLeft(mark), []);
});

Deno.test(`[LOG.child.write] removing the child log directory is logged and supervision goes on (${entry})`, async () => {
  using tmp = tempDir("svts-fault-");
  const logs = join(tmp.path, "logs");
  mkdirSync(logs);
  using d = start(
    tmp.path,
    `[program:talker]\ncommand=/bin/sh -c 'while true; do echo line; sleep 0.02; done'\n` +
      `stdout_logfile=${logs}/talker.log\nstdout_logfile_maxbytes=1KB\nstartsecs=1\n`,
  );
  await d.waitFor(/success: talker /);
  rmSync(logs, { recursive: true });
  // The open file lives on unlinked (as in Python); the next rotation fails and is reported.
  await d.waitFor(/^ERRO .*talker/, 10_000);
  const info = d.lines().length;
  d.signal("SIGTERM");
  assert.equal((await d.exited).code, 0);
  const lines = d.lines();
  assert.ok(lines.some((l) => l.startsWith("WARN stopped: talker ")), lines.join("\n"));
  assert.ok(lines.slice(info).some((l) => l.startsWith("WARN received SIGTERM")), "the daemon still runs");
});

Deno.test(`[LOG.child.write,LOG.child.rotate] a flooding child loses no byte through rotation (${entry})`, async () => {
  using tmp = tempDir("svts-fault-");
  const log = join(tmp.path, "flood.log");
  // 200,000 numbered lines (~1.3 MB) through 100 KB files with enough backups to keep all.
  using d = start(
    tmp.path,
    `[program:flood]\ncommand=/usr/bin/seq 1 200000\nstdout_logfile=${log}\nstdout_logfile_maxbytes=100KB\n` +
      `stdout_logfile_backups=30\nstartsecs=0\nautorestart=false\n`,
  );
  await d.waitFor(/exited: flood /, 30_000);
  d.signal("SIGTERM");
  await d.exited;
  const files = readdirSync(tmp.path).filter((f) => f.startsWith("flood.log"));
  const order = (f: string) => (f === "flood.log" ? 0 : Number(f.slice("flood.log.".length)));
  files.sort((a, b) => order(b) - order(a));
  const text = files.map((f) => readFileSync(join(tmp.path, f), "utf8")).join("");
  const numbers = text.split("\n").filter((l) => l !== "");
  assert.equal(numbers.length, 200_000);
  numbers.forEach((n, i) => {
    if (Number(n) !== i + 1) assert.fail(`line ${i + 1} is ${n}`);
  });
  for (const f of files) {
    if (f !== "flood.log") assert.ok(readFileSync(join(tmp.path, f)).length >= 100 * 1024, `${f} rotated early`);
  }
});
