/**
 * Daemon mode and privilege dropping on real processes: the parent returns
 * once the daemon is up, the daemon writes and removes its pidfile, a socket
 * error in the daemon reaches the user as supervisord's usage error (same
 * text and status as /usr/bin/supervisord), and `user=` runs supervisord and
 * its children as that user.
 * @module
 */

import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, REFERENCE, run, tempDir } from "./_harness.ts";

const entry = ourEntryName();
const isRoot = process.getuid?.() === 0;

function conf(dir: string, extra: string): string {
  const path = join(dir, "supervisord.conf");
  writeFileSync(
    path,
    `[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n${extra}`,
  );
  return path;
}

async function waitForFile(path: string, timeoutMs = 10_000, holding?: RegExp): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || (holding !== undefined && !holding.test(readFileSync(path, "utf8")))) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear${holding ? ` holding ${holding}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

Deno.test(`[DAEMON.fork,DAEMON.pidfile,DAEMON.exit,MLOG.daemonizing] the parent returns once the daemon runs (${entry})`, async () => {
  using tmp = tempDir("svts-daemon-");
  const path = conf(tmp.path, "[program:sleeper]\ncommand=/bin/sleep 300\n");
  const res = await run([...ourCommand(), "-c", path], { cwd: tmp.path, env: fixedEnv() });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout + res.stderr, "");
  const pidfile = join(tmp.path, "supervisord.pid");
  await waitForFile(pidfile);
  const pid = Number(readFileSync(pidfile, "utf8").trim());
  assert.ok(alive(pid));
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  assert.equal(Number(fields[3]), pid, "the daemon leads its own session");
  // The pidfile is written before the first pass spawns anything.
  await waitForFile(join(tmp.path, "supervisord.log"), 10_000, /spawned: 'sleeper'/);
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!alive(pid));
  assert.ok(!existsSync(pidfile), "the pidfile is removed at exit");
  const log = readFileSync(join(tmp.path, "supervisord.log"), "utf8");
  assert.match(log, /INFO daemonizing the supervisord process\n/);
  assert.match(log, /WARN stopped: sleeper \(terminated by SIGTERM\)\n/);
});

Deno.test({
  name:
    `[STARTUP.httperr,DAEMON.fork] a port in use fails the start as supervisord does, daemon mode included (${entry})`,
  ignore: !haveReference(),
  fn: async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const outcomes = [];
      for (const argv of [[REFERENCE], ourCommand()]) {
        for (const mode of [["-n"], []]) {
          using tmp = tempDir("svts-daemon-");
          const path = conf(tmp.path, `[inet_http_server]\nport=127.0.0.1:${port}\n`);
          const res = await run([...argv, ...mode, "-c", path], { cwd: tmp.path, env: fixedEnv() });
          outcomes.push({ code: res.code, stderr: res.stderr.replace(/^For help, use .* -h$/m, "For help, use X -h") });
        }
      }
      assert.deepEqual(outcomes.slice(2), outcomes.slice(0, 2));
      assert.equal(outcomes[0]!.code, 2);
    } finally {
      blocker.close();
    }
  },
});

Deno.test({
  name: `[DAEMON.user,MLOG.setuid,SPAWN.user] user= runs supervisord and its children as that user (${entry})`,
  ignore: !isRoot,
  fn: async () => {
    using tmp = tempDir("svts-daemon-");
    chmodSync(tmp.path, 0o777);
    const path = conf(
      tmp.path,
      'user=nobody\n[program:who]\ncommand=/bin/sh -c \'id -u; awk "/^Groups:/ { print \\$2 }" /proc/self/status; ' +
        "exec sleep 300'\nstdout_logfile=%(here)s/who.log\n",
    );
    using d = new ForegroundDaemon("ours", ["-n", "-c", path], { cwd: tmp.path, env: fixedEnv() });
    await d.waitFor(/success: who /);
    // uid, then the supplementary groups Python's drop_privileges sets (the primary gid).
    assert.equal(readFileSync(join(tmp.path, "who.log"), "utf8"), "65534\n65534\n");
    assert.ok(d.lines().includes("INFO Set uid to user 65534 succeeded"));
    d.signal("SIGTERM");
    assert.equal((await d.exited).code, 0);
    assert.ok(d.lines().includes("WARN stopped: who (terminated by SIGTERM)"));
  },
});
