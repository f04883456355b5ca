/**
 * Logging to syslog: `logfile=syslog` and `stdout_syslog=true`, run under
 * /usr/bin/supervisord and under ours, each in a private mount namespace
 * whose /dev is an overlay (so the machine's /dev is untouched) with a
 * receiver bound at /dev/log. The records both daemons send (priority,
 * ident, the main-log lines with their timestamps and levels, the
 * `<name> <line>` child records) must be the same once times and pids are
 * masked.
 *
 * Python counterpart: supervisor/loggers.py (`SyslogHandler`) and
 * supervisor/dispatchers.py (`POutputDispatcher._init_normallog`).
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

/** Binds /dev/log (SOCK_DGRAM) and appends each record, JSON-encoded, to argv[1]; writes its pid to argv[2]. */
const RECEIVER = String.raw`
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
with open(sys.argv[2], "w") as f:
    f.write(str(os.getpid()))
with open(sys.argv[1], "a", buffering=1) as out:
    while True:
        out.write(json.dumps(s.recv(65536).decode("utf-8", "replace")) + "\n")
`;

/**
 * The shell run by `unshare --mount`: an overlay over /dev, the receiver
 * started outside the daemon's process tree, then the daemon exec'd.
 */
const NAMESPACE_SCRIPT = [
  "set -e",
  "mount --make-rprivate /",
  'mount -t overlay overlay -o "lowerdir=/dev,upperdir=$1/upper,workdir=$1/work" /dev',
  '(python3 -c "$2" "$1/records" "$1/receiver.pid" </dev/null >/dev/null 2>&1 &)',
  "i=0; while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done",
  "shift 2",
  'exec "$@"',
].join("\n");

/** True when this machine lets us make a mount namespace with an overlay over /dev. */
function canOverlayDev(): boolean {
  if (!haveReference()) return false;
  using tmp = tempDir("svts-syslog-probe-");
  mkdirSync(join(tmp.path, "upper"));
  mkdirSync(join(tmp.path, "work"));
  const probe = "mount --make-rprivate / && " +
    `mount -t overlay overlay -o lowerdir=/dev,upperdir=${tmp.path}/upper,workdir=${tmp.path}/work /dev`;
  return spawnSync("unshare", ["--mount", "sh", "-c", probe]).status === 0;
}

const CONF = `[supervisord]
logfile=syslog
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=info

[program:talker]
command=/bin/sh -c 'echo "hello 100%%"; echo second; exec sleep 300'
stdout_syslog=true
startsecs=1
`;

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The records received, with syslog's time, supervisord's asctime and pids masked. */
function records(dir: string): string[] {
  const path = join(dir, "records");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "").map((l) =>
    (JSON.parse(l) as string)
      .replace(/^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d /, "<$1><TIME> ")
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/, "<ASCTIME>")
      .replace(/\bpid \d+/g, "pid <PID>")
  );
}

async function run(side: Side): Promise<string[]> {
  using tmp = tempDir("svts-syslog-");
  mkdirSync(join(tmp.path, "upper"));
  mkdirSync(join(tmp.path, "work"));
  writeFileSync(join(tmp.path, "supervisord.conf"), CONF);
  const seen = (text: string) => records(tmp.path).some((r) => r.includes(text));
  using daemon = new ForegroundDaemon(side, ["-n", "-c", join(tmp.path, "supervisord.conf")], {
    cwd: tmp.path,
    env: fixedEnv(),
    prefix: ["unshare", "--mount", "sh", "-c", NAMESPACE_SCRIPT, "sh", tmp.path, RECEIVER],
  });
  try {
    await until(
      `${side}: the child's and the main log's records`,
      () => seen("talker second") && seen("success: talker"),
    );
    daemon.signal("SIGTERM");
    await daemon.exited;
    await until(`${side}: the last record`, () => seen("stopped: talker"));
    return records(tmp.path).sort();
  } finally {
    const pidfile = join(tmp.path, "receiver.pid");
    if (existsSync(pidfile)) {
      try {
        process.kill(Number(readFileSync(pidfile, "utf8")), "SIGKILL");
      } catch { /* gone */ }
    }
  }
}

Deno.test({
  name: `[LOG.main.syslog,LOG.child.syslog,CFG.program.stdout_syslog] syslog records are the ones supervisord sends ` +
    `(${ourEntryName()})`,
  ignore: !canOverlayDev(),
  fn: async () => {
    const [theirs, ours] = await Promise.all([run("reference"), run("ours")]);
    assert.ok(ours.includes("<14><TIME> supervisord: talker hello 100%"), ours.join("\n"));
    assert.ok(
      ours.includes(
        "<14><TIME> supervisord: <ASCTIME> INFO success: talker entered RUNNING state, " +
          "process has stayed up for > than 1 seconds (startsecs)\n",
      ),
      ours.join("\n"),
    );
    assert.deepEqual(ours, theirs);
  },
});
