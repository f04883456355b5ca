/**
 * Dependencies end to end on a real daemon (Deno, Bun or the binary): the
 * `running` gate, the shutdown order with parallel branches, the waiting
 * description over XML-RPC, dependency recovery (`on_dependency_failure`)
 * and the load errors (exit 2, exact text). Every config here also loads in
 * supervisord 4.2.5 (EXTENSIONS.md §0). Order is read from the main log,
 * never from timings.
 *
 * Python counterpart: none (EXTENSIONS.md §2, P2 acceptance checks 2, 3, 4, 7).
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import process from "node:process";
import { fixedEnv, ourCommand, ourEntryName, run, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { rpcCall } from "./_rpc.ts";

const HEAD = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=debug

[unix_http_server]
file=%(here)s/sv.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;

const prog = (name: string, extra = "") =>
  `\n[program:${name}]\ncommand=/bin/sleep 1000\nstartsecs=0\nstopwaitsecs=5\n${extra}`;

const CHAINS = HEAD + prog("db", "startsecs=1\n") + prog("api", "depends_on=db\n") +
  prog("web", "depends_on=api:running\n") + prog("cache") + prog("worker", "depends_on=cache\n") +
  prog("idle", "autostart=false\n") + prog("late", "depends_on=idle\n");

const RECOVERY = HEAD + prog("db", "startsecs=1\nautorestart=true\n") +
  prog("web", "depends_on=db\non_dependency_failure=restart\n") + prog("side", "depends_on=db\n");

const index = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));

function start(tmp: string, conf: string): ForegroundDaemon {
  const path = join(tmp, "supervisord.conf");
  writeFileSync(path, conf);
  return new ForegroundDaemon("ours", ["-n", "-c", path], { cwd: tmp, env: fixedEnv() });
}

Deno.test(`[EXT.deps.running,EXT.deps.shutdown,EXT.deps.describe] running gate, waiting description, reverse stop order with parallel branches (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-deps-");
  using d = start(tmp.path, CHAINS);
  await d.waitFor(/success: web entered RUNNING/);
  await d.waitFor(/success: worker entered RUNNING/);
  let lines = d.lines();
  assert.ok(index(lines, /success: db entered RUNNING/) < index(lines, /spawned: 'api'/), "api waits for db RUNNING");
  assert.ok(index(lines, /success: api entered RUNNING/) < index(lines, /spawned: 'web'/));
  const info = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["late"]);
  assert.ok(!info.fault);
  assert.equal((info.value as Record<string, unknown>).description, "waiting for idle (running)");
  assert.equal((info.value as Record<string, unknown>).statename, "STOPPED");

  d.signal("SIGTERM");
  assert.deepEqual(await d.exited, { code: 0, signal: null });
  lines = d.lines();
  const killing = (n: string) => index(lines, new RegExp(`killing ${n} \\(pid \\d+\\) with signal SIGTERM`));
  const stopped = (n: string) => index(lines, new RegExp(`stopped: ${n} \\(`));
  for (const [dependent, dependency] of [["web", "api"], ["api", "db"], ["worker", "cache"]]) {
    assert.ok(
      stopped(dependent!) >= 0 && stopped(dependent!) < killing(dependency!),
      `${dependent} before ${dependency}`,
    );
  }
  const firstStop = Math.min(...["web", "worker", "api", "db", "cache"].map(stopped));
  assert.ok(killing("web") < firstStop && killing("worker") < firstStop, "both branches are signalled at once");
});

Deno.test(`[EXT.deps.failure] on_dependency_failure=restart: web stops when db dies and starts again once db is RUNNING; ignore leaves side alone (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-deps-");
  using d = start(tmp.path, RECOVERY);
  await d.waitFor(/success: web entered RUNNING/);
  await d.waitFor(/success: side entered RUNNING/);
  const dbPid = Number(/spawned: 'db' with pid (\d+)/.exec(d.lines().join("\n"))![1]);
  process.kill(dbPid, "SIGKILL");
  await d.waitFor(/starting 'web' again: its dependencies are met/);
  await d.waitFor(/spawned: 'web'/, 20_000, 2);
  const lines = d.lines();
  const at = (p: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && p.test(l));
  const lost = at(/stopping 'web': dependency 'db' failed \(EXITED\)/);
  assert.ok(lost >= 0);
  assert.ok(at(/stopped: web/, lost) > lost);
  const dbBack = at(/success: db entered RUNNING/, lost);
  assert.ok(dbBack > lost && at(/spawned: 'web'/, lost) > dbBack, "web starts again after db is RUNNING");
  assert.equal(lines.filter((l) => /spawned: 'side'/.test(l)).length, 1, "side keeps its pid");
  d.signal("SIGTERM");
  await d.exited;
});

const ESSENTIAL = HEAD + "\n[program:db]\ncommand=/bin/false\nstartsecs=1\nstartretries=0\n" +
  prog("web", "essential=true\ndepends_on=db\n");

Deno.test(`[EXT.deps.essential] an essential program whose dependency goes FATAL shuts supervisord down with status 1 (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-deps-");
  using d = start(tmp.path, ESSENTIAL);
  assert.deepEqual(await d.exited, { code: 1, signal: null });
  const lines = d.lines();
  assert.ok(
    lines.includes(
      "CRIT essential program 'web' cannot start: dependency db failed (FATAL); shutting down (exit status 1)",
    ),
    lines.join("\n"),
  );
  assert.ok(!lines.some((l) => /spawned: 'web'/.test(l)));
});

const SONIC = HEAD.replace("[supervisord]\n", "[supervisord]\ndependent_startup=native\n") +
  prog("rsyslogd", "autostart=false\nstartsecs=1\ndependent_startup=true\n") +
  "\n[program:wait-interfaces]\ncommand=/bin/sh -c 'sleep 0.2'\nstartsecs=0\nautostart=false\nautorestart=false\n" +
  "dependent_startup=true\ndependent_startup_wait_for=rsyslogd:running\n" +
  prog(
    "syncd",
    "autostart=false\ndependent_startup=true\n" +
      "dependent_startup_wait_for=rsyslogd:running wait-interfaces:exited\n",
  );

Deno.test(`[EXT.deps.plugin] a SONiC-style plugin config starts in order with dependent_startup=native (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-deps-");
  using d = start(tmp.path, SONIC);
  await d.waitFor(/spawned: 'syncd'/);
  const lines = d.lines();
  const at = (p: RegExp) => index(lines, p);
  assert.ok(at(/spawned: 'rsyslogd'/) >= 0);
  assert.ok(at(/success: rsyslogd entered RUNNING/) < at(/spawned: 'wait-interfaces'/));
  assert.ok(at(/exited: wait-interfaces \(exit status 0; expected\)/) < at(/spawned: 'syncd'/));
  d.signal("SIGTERM");
  await d.exited;
});

const ERRORS: Array<[string, string]> = [
  [prog("web", "depends_on=api\n") + prog("api", "depends_on=web\n"), "depends_on cycle: api -> web -> api"],
  [prog("web", "depends_on=dbb\n"), "depends_on names unknown program 'dbb'"],
  [prog("db") + prog("web", "depends_on=db:healthy\n"), "depends_on 'db:healthy' but program 'db' has no healthcheck"],
];

Deno.test(`[EXT.deps.errors] load errors exit 2 with the exact message; supervisord 4.2.5 loads the same files (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-deps-");
  for (const [body, message] of ERRORS) {
    const path = join(tmp.path, "supervisord.conf");
    writeFileSync(path, HEAD + body);
    const r = await run([...ourCommand(), "-n", "-c", path], { cwd: tmp.path, env: fixedEnv() });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`Error: ${message}`), r.stderr);
    assert.ok(r.stderr.includes(`(file: '${path}')`), r.stderr);
  }
  if (canAskPython) {
    const texts = [CHAINS, RECOVERY, ESSENTIAL, SONIC, ...ERRORS.map(([b]) => HEAD + b)].map((t) =>
      t.replaceAll("%(here)s", "{TMP}")
    );
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  }
});
