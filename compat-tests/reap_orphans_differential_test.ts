/**
 * supervisord as PID 1 (a container's entrypoint) reaps the orphans that
 * are reparented to it: each daemon runs as the first process of a new pid
 * namespace (`unshare --fork --pid --mount-proc`), with a program that
 * leaves behind an orphan which exits with status 3. Both must log
 * `reaped unknown pid <pid> (exit status 3)`, leave no zombie, and
 * otherwise log the same lines.
 *
 * Python counterpart: supervisor/supervisord.py (`Supervisor.reap`).
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

const UNSHARE = ["unshare", "--fork", "--pid", "--mount-proc"];

/** True when this machine lets us make a pid namespace (root with CAP_SYS_ADMIN). */
function canUnshare(): boolean {
  return spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), "true"]).status === 0;
}

const CONF = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=info

[program:parent]
command=%(here)s/parent.sh
startsecs=1
`;

/** Starts an orphan (its subshell exits at once), then stays up. */
const PARENT = `#!/bin/sh
( sh -c 'sleep 1.5; echo $$ > orphan.pid; exit 3' & )
exec sleep 300
`;

/** State and parent of each process, from /proc. */
function processes(): Array<{ pid: number; ppid: number; state: string }> {
  const out: Array<{ pid: number; ppid: number; state: string }> = [];
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(ppid), state: state ?? "" });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** Zombie children of the namespace's first process (the one child of `unshare`), seen from here. */
function zombiesUnder(unsharePid: number): number[] {
  const all = processes();
  const init = all.find((p) => p.ppid === unsharePid)?.pid;
  return all.filter((p) => p.ppid === init && p.state === "Z").map((p) => p.pid);
}

async function run(side: Side): Promise<{ lines: string[]; zombies: number[]; orphan: string }> {
  using tmp = tempDir("svts-reap-");
  writeFileSync(join(tmp.path, "supervisord.conf"), CONF);
  writeFileSync(join(tmp.path, "parent.sh"), PARENT, { mode: 0o755 });
  using daemon = new ForegroundDaemon(side, ["-n", "-c", join(tmp.path, "supervisord.conf")], {
    cwd: tmp.path,
    env: fixedEnv(),
    prefix: UNSHARE,
  });
  await daemon.waitFor(/^INFO reaped unknown pid /, 30_000);
  const zombies = zombiesUnder(daemon.pid);
  // unshare does not forward signals: the whole process group gets SIGTERM
  // (the daemon's children are in groups of their own).
  process.kill(-daemon.pid, "SIGTERM");
  await daemon.exited;
  const orphan = readFileSync(join(tmp.path, "orphan.pid"), "utf8").trim();
  assert.ok(
    daemon.lines().includes(`INFO reaped unknown pid ${orphan} (exit status 3)`),
    `${side}: not the orphan's pid`,
  );
  const lines = daemon.lines().map((l) => maskLogLine(l, tmp.path));
  return { lines, zombies, orphan };
}

Deno.test({
  name:
    `[PROC.reap,MLOG.reaped,SIG.chld] as PID 1, orphans are reaped and logged as supervisord does (${ourEntryName()})`,
  ignore: !haveReference() || !canUnshare(),
  fn: async () => {
    const [theirs, ours] = await Promise.all([run("reference"), run("ours")]);
    assert.deepEqual(ours.zombies, [], "no zombie left under our daemon");
    assert.deepEqual(theirs.zombies, []);
    assert.ok(ours.lines.includes("INFO reaped unknown pid <PID> (exit status 3)"), ours.lines.join("\n"));
    assert.deepEqual(ours.lines, theirs.lines);
  },
});
