/**
 * Differential test of a child's standard streams (SURFACE SPAWN.pipes,
 * SPAWN.fds, LOG.child.write, LOG.child.redirect): /usr/bin/supervisord and
 * ours run programs that check fds 0-2 are FIFOs and write through
 * `/dev/stdout`, `/dev/stderr`, `/proc/self/fd/1` and `/proc/self/fd/2`
 * (as nginx's `error_log /dev/stderr` and php-fpm's `error_log =
 * /proc/self/fd/2` do), with and without `redirect_stderr`; the log files
 * must receive every byte, the same on both sides. A socket in place of a
 * pipe makes those opens fail with ENXIO.
 *
 * Python counterpart: supervisor/options.py (`make_pipes`) and
 * supervisor/process.py (`_spawn_as_child`: dup2 of the pipes onto 0-2).
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

const entry = ourEntryName();

/** What each program runs: checks, then writes through every path that names a standard stream. */
const SCRIPT = [
  "for fd in 0 1 2; do if [ -p /proc/self/fd/$fd ]; then echo fd$fd fifo; else echo fd$fd not a fifo; fi; done",
  ": </dev/stdin && echo stdin opens",
  "echo to /dev/stdout >/dev/stdout",
  "echo to /dev/stderr >/dev/stderr",
  "echo to fd1 >/proc/self/fd/1",
  "echo to fd2 >/proc/self/fd/2",
  // 1 MB in 4 KiB lines through a path-opened /dev/stdout: nothing may be lost.
  'i=0; while [ $i -lt 256 ]; do printf "%4095d\\n" $i; i=$((i+1)); done >/dev/stdout',
  "echo end >/proc/self/fd/2",
].join("; ");

function conf(dir: string): string {
  const program = (name: string, extra: string) =>
    `[program:${name}]\ncommand=/bin/sh -c '${SCRIPT.replaceAll("%", "%%")}'\n` +
    `stdout_logfile=%(here)s/${name}.out\nstartsecs=0\nautorestart=false\n${extra}`;
  const text = `[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n` +
    program("split", "stderr_logfile=%(here)s/split.err\n") + program("merged", "redirect_stderr=true\n");
  const path = join(dir, "supervisord.conf");
  writeFileSync(path, text);
  return path;
}

interface Observed {
  files: Record<string, string>;
  exits: string[];
}

async function observe(side: Side): Promise<Observed> {
  using tmp = tempDir("svts-pipes-");
  const path = conf(tmp.path);
  using d = new ForegroundDaemon(side, ["-n", "-c", path], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(/exited: split /);
  await d.waitFor(/exited: merged /);
  d.signal("SIGTERM");
  await d.exited;
  const read = (name: string) => readFileSync(join(tmp.path, name), "utf8");
  return {
    files: { "split.out": read("split.out"), "split.err": read("split.err"), "merged.out": read("merged.out") },
    exits: d.lines().filter((l) => l.includes("exited:")).map((l) => maskLogLine(l, tmp.path)).sort(),
  };
}

const HEAD = "fd0 fifo\nfd1 fifo\nfd2 fifo\nstdin opens\n";
const BULK = Array.from({ length: 256 }, (_, i) => `${String(i).padStart(4095)}\n`).join("");

Deno.test({
  name: `[SPAWN.pipes,SPAWN.fds,LOG.child.write,LOG.child.redirect] children open /dev/stdout, /dev/stderr and ` +
    `/proc/self/fd/N; the logs get every byte (${entry})`,
  ignore: !haveReference(),
  fn: async () => {
    const [ref, ours] = await Promise.all([observe("reference"), observe("ours")]);
    assert.equal(ref.files["split.out"], `${HEAD}to /dev/stdout\nto fd1\n${BULK}`);
    assert.equal(ref.files["split.err"], "to /dev/stderr\nto fd2\nend\n");
    assert.equal(ref.files["merged.out"], `${HEAD}to /dev/stdout\nto /dev/stderr\nto fd1\nto fd2\n${BULK}end\n`);
    assert.deepEqual(ours.files, ref.files);
    assert.deepEqual(ours.exits, ref.exits);
  },
});
