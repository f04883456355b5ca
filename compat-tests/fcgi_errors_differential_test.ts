/**
 * `[fcgi-program:x]` sockets that cannot be created, ours against
 * /usr/bin/supervisord: at startup (port in use, missing directory, path
 * too long, a directory in the way, a host that does not resolve) both end
 * with the same traceback line and exit status and the same main log; at
 * `startProcess` the call fails with HTTP 500 and the main log holds the
 * CRIT line with the exception, the process left as it was; at an
 * autorestart the exception ends supervisord, which removes its pidfile and
 * socket file on the way out.
 *
 * Python counterpart: supervisor/process.py (`FastCGIProcessGroup`,
 * `FastCGISubprocess.before_spawn`), supervisor/datatypes.py
 * (`create_and_bind`), supervisor/supervisord.py (`run`'s cleanup),
 * supervisor/xmlrpc.py (unexpected exceptions).
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { type CtlDaemon, CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
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

const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[fcgi-program:app]
command=/bin/sh -c 'exec sleep 300'
socket=tcp://127.0.0.1:{PORT}
autostart=false
startsecs=0
`;

/** The main-log lines from `from` on, Python's traceback frames (indented) left out. */
function logFrom(d: CtlDaemon, from: number): string[] {
  return d.daemon.lines().slice(from).filter((l) => !/^\s/.test(l) && l !== "").map((l) => d.mask(l));
}

Deno.test({
  name: `[CFG.fcgi.behaviour,MLOG.rpc] startProcess while the port is taken: HTTP 500, CRIT with the exception, ` +
    `the process untouched: same as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    await using pair = await CtlPair.start(FIXTURE);
    const run = async (d: CtlDaemon) => {
      const from = d.daemon.lines().length;
      const server = await occupy(d.port);
      try {
        const [start] = await d.rpc([["supervisor.startProcess", ["app"]]]);
        await d.daemon.waitFor(/raised an unexpected exception/);
        const [info] = await d.rpc([["supervisor.getProcessInfo", ["app"]]]);
        const state = info && "ok" in info ? (info.ok as { statename: string; spawnerr: string }) : null;
        return { start, state: [state?.statename, state?.spawnerr], log: logFrom(d, from) };
      } finally {
        server.close();
      }
    };
    const { ours, reference } = await pair.both(run);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours.state, ["STOPPED", ""]);
    assert.match(JSON.stringify(ours.start), /500 Internal Server Error/);
    assert.deepEqual(ours.log.filter((l) => !l.startsWith("CRIT")), [
      "INFO Creating socket tcp://127.0.0.1:<PORT>",
      "OSError: [Errno 98] Address already in use",
    ]);
  },
});

Deno.test({
  name: `[CFG.fcgi.behaviour] a socket that cannot be created again at an autorestart ends supervisord ` +
    `(status 1, traceback line, pidfile and socket file removed): same as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    const fixture = `${UNIX_HEADER}\n${RPC_SECTION}\n[fcgi-program:app]\ncommand=/bin/sh -c 'exec sleep 300'\n` +
      `socket=unix://%(here)s/app.sock\nstartsecs=0\nautorestart=true\n`;
    await using pair = await CtlPair.start(fixture, { ready: [[/spawned: 'app'/, 1]] });
    const run = async (d: CtlDaemon) => {
      const path = join(d.dir, "app.sock");
      // The listening socket works on without its file; a directory now stands where it is created again.
      rmSync(path);
      mkdirSync(path);
      const [info] = await d.rpc([["supervisor.getProcessInfo", ["app"]]]);
      const from = d.daemon.lines().length;
      process.kill((info as { ok: { pid: number } }).ok.pid, "SIGKILL");
      const { code } = await d.daemon.exited;
      return {
        code,
        last: d.mask(d.daemon.stderr.trimEnd().split("\n").at(-1) ?? ""),
        log: logFrom(d, from),
        left: ["supervisord.pid", "s.sock"].filter((f) => existsSync(join(d.dir, f))),
      };
    };
    const { ours, reference } = await pair.both(run);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours, {
      code: 1,
      last: "IsADirectoryError: [Errno 21] Is a directory: '<TMP>/app.sock'",
      log: [
        "WARN exited: app (terminated by SIGKILL; not expected)",
        "INFO Closing socket unix://<TMP>/app.sock",
        "INFO Creating socket unix://<TMP>/app.sock",
      ],
      left: [],
    });
  },
});
