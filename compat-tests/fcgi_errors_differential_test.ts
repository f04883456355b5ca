/**
 * `[fcgi-program:x]` sockets that cannot be created. At startup (port in
 * use, missing directory, path too long, a directory in the way, a host
 * that does not resolve) ours is held against /usr/bin/supervisord: both
 * end with the same traceback line and exit status and the same main log.
 *
 * When the socket cannot be created again at a spawn, we deliberately do
 * not do what Python does (README, Known differences): Python lets the
 * exception escape, so an autorestart ends supervisord with the other
 * children left running as orphans, and `startProcess` answers HTTP 500.
 * Here it is a spawn error of that process (`spawnerr:` line, BACKOFF,
 * FATAL after `startretries`, SPAWN_ERROR for `startProcess`) and the
 * daemon serves on; those cases are black-box tests of our daemon alone
 * (the reference is only needed for its XML-RPC client).
 *
 * Python counterpart: supervisor/process.py (`FastCGIProcessGroup`,
 * `FastCGISubprocess.before_spawn`, `Subprocess.spawn`),
 * supervisor/datatypes.py (`create_and_bind`), supervisor/rpcinterface.py
 * (`startProcess`).
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { freePort } from "./_ctl_process.ts";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

/** Holds 127.0.0.1:`port` open, as another program would. */
function occupy(port: number): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done(server));
  });
}

/** How a startup ended: status, the traceback's first and last lines, the main log. */
async function startup(side: Side, socket: (dir: string) => string) {
  using tmp = tempDir("svts-fcgi-err-");
  mkdirSync(join(tmp.path, "dir.sock"));
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(
    conf,
    `[supervisord]\nnodaemon=true\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\n` +
      `[fcgi-program:app]\ncommand=/bin/cat\nsocket=${socket(tmp.path)}\n`,
  );
  using d = new ForegroundDaemon(side, ["-c", conf], { cwd: tmp.path, env: fixedEnv() });
  const { code } = await d.exited;
  const err = d.stderr.trimEnd().split("\n");
  return {
    code,
    traceback: [err[0], maskLogLine(err.at(-1) ?? "", tmp.path)],
    log: d.lines().map((l) => maskLogLine(l, tmp.path)),
  };
}

const CASES: Array<[what: string, socket: (dir: string, port: number) => string, last: RegExp]> = [
  ["port in use", (_, port) => `tcp://127.0.0.1:${port}`, /: \[Errno 98\] Address already in use$/],
  ["missing directory", (dir) => `unix://${dir}/missing/app.sock`, /: \[Errno 2\] No such file or directory$/],
  ["path too long", (dir) => `unix://${dir}/${"a".repeat(110)}.sock`, /: AF_UNIX path too long$/],
  ["a directory in the way", (dir) => `unix://${dir}/dir.sock`, /: \[Errno 21\] Is a directory: '<TMP>\/dir.sock'$/],
  ["unknown host", () => "tcp://no-such-host.invalid:9", /: \[Errno -\d+\] .+$/],
];

Deno.test({
  name: `[CFG.fcgi.behaviour,CFG.fcgi.socket] a socket that cannot be created stops supervisord at startup: ` +
    `traceback line, status and log as supervisord's (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    const port = await freePort();
    const server = await occupy(port);
    try {
      for (const [what, socket, last] of CASES) {
        const at = (dir: string) => socket(dir, port);
        const [ours, reference] = await Promise.all([startup("ours", at), startup("reference", at)]);
        assert.deepEqual(ours, reference, what);
        assert.equal(ours.code, 1, what);
        assert.equal(ours.traceback[0], "Traceback (most recent call last):", what);
        assert.match(ours.traceback[1]!, /^ValueError: Could not create FastCGI socket /, what);
        assert.match(ours.traceback[1]!, last, what);
        assert.match(ours.log.at(-1)!, /^INFO Creating socket /, what);
      }
    } finally {
      server.close();
    }
  },
});

/** An fcgi program and a plain one; the plain one must not notice anything. */
const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[fcgi-program:app]
command=/bin/sh -c 'exec sleep 300'
socket={SOCKET}
autostart={AUTOSTART}
startsecs=0
startretries=1
autorestart=true

[program:other]
command=/bin/sh -c 'exec sleep 300'
startsecs=0
`;

/** Our daemon on the fixture, with `other` (and `app`, when it starts by itself) running. */
function ours(socket: string, autostart: boolean): Promise<CtlDaemon> {
  const fixture = FIXTURE.replace("{SOCKET}", socket).replace("{AUTOSTART}", String(autostart));
  return CtlDaemon.start("ours", fixture, { ready: [[/success: /, autostart ? 2 : 1]] });
}

/** The main-log lines from `from` on, masked. */
function logFrom(d: CtlDaemon, from: number): string[] {
  return d.daemon.lines().slice(from).map((l) => d.mask(l));
}

/** Name, state, spawnerr and pid of every process, and supervisord's own state. */
async function snapshot(d: CtlDaemon) {
  const [state, all] = await d.rpc([["supervisor.getState"], ["supervisor.getAllProcessInfo"]]);
  const infos = all && "ok" in all
    ? all.ok as Array<{ name: string; statename: string; spawnerr: string; pid: number }>
    : [];
  return {
    supervisord: state && "ok" in state ? (state.ok as { statename: string }).statename : state,
    processes: Object.fromEntries(infos.map((p) => [p.name, [p.statename, d.mask(p.spawnerr), p.pid]])),
  };
}

const GAVE_UP = "INFO gave up: app entered FATAL state, too many start retries too quickly";

Deno.test({
  name: `[CFG.fcgi.behaviour] startProcess while the port is taken: SPAWN_ERROR, the process goes BACKOFF then ` +
    `FATAL, supervisord serves on and starts it once the port is free (decision, unlike supervisord's HTTP 500) ` +
    `(${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    await using d = await ours("tcp://127.0.0.1:{PORT}", false);
    const before = await snapshot(d);
    const from = d.daemon.lines().length;
    const server = await occupy(d.port);
    let start: unknown;
    try {
      [start] = await d.rpc([["supervisor.startProcess", ["app"]]]);
      await d.daemon.waitFor(/gave up: app /);
    } finally {
      server.close();
    }
    assert.deepEqual(start, { fault: 50, string: "SPAWN_ERROR: app" });
    const text = "Could not create FastCGI socket tcp://127.0.0.1:<PORT>: [Errno 98] Address already in use";
    const attempt = ["INFO Creating socket tcp://127.0.0.1:<PORT>", `INFO spawnerr: ${text}`];
    assert.deepEqual(logFrom(d, from), [...attempt, ...attempt, GAVE_UP]);
    const after = await snapshot(d);
    assert.deepEqual(after, {
      supervisord: "RUNNING",
      processes: { app: ["FATAL", text, 0], other: before.processes.other },
    });
    assert.equal(after.processes.other![0], "RUNNING");
    // Nothing was lost: with the port free again, the same process starts.
    const [again] = await d.rpc([["supervisor.startProcess", ["app"]]]);
    assert.deepEqual(again, { ok: true });
    assert.equal((await snapshot(d)).processes.app![0], "RUNNING");
  },
});

Deno.test({
  name: `[CFG.fcgi.behaviour] a socket that cannot be created again at an autorestart: spawnerr, BACKOFF, FATAL; ` +
    `supervisord keeps running with its pidfile, socket and other children (decision, unlike supervisord, ` +
    `which exits and orphans them) (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    await using d = await ours("unix://%(here)s/app.sock", true);
    const path = join(d.dir, "app.sock");
    const before = await snapshot(d);
    // The listening socket works on without its file; a directory now stands where it is created again.
    rmSync(path);
    mkdirSync(path);
    const from = d.daemon.lines().length;
    process.kill(before.processes.app![2] as number, "SIGKILL");
    await d.daemon.waitFor(/gave up: app /);
    const text = "Could not create FastCGI socket unix://<TMP>/app.sock: [Errno 21] Is a directory: '<TMP>/app.sock'";
    const attempt = ["INFO Creating socket unix://<TMP>/app.sock", `INFO spawnerr: ${text}`];
    assert.deepEqual(logFrom(d, from), [
      "WARN exited: app (terminated by SIGKILL; not expected)",
      "INFO Closing socket unix://<TMP>/app.sock",
      ...attempt,
      ...attempt,
      GAVE_UP,
    ]);
    const after = await snapshot(d);
    assert.deepEqual(after, {
      supervisord: "RUNNING",
      processes: { app: ["FATAL", text, 0], other: before.processes.other },
    });
    assert.equal(after.processes.other![0], "RUNNING");
    assert.deepEqual(["supervisord.pid", "s.sock"].filter((f) => existsSync(join(d.dir, f))), [
      "supervisord.pid",
      "s.sock",
    ]);
  },
});
