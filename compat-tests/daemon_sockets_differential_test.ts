/**
 * Differential tests of supervisord's process-level behaviour against
 * /usr/bin/supervisord: what the foreground keeps from its caller (session,
 * process group, directory, umask) and what daemon mode changes (umask and
 * `directory=`, with the log lines saying so), how the HTTP sockets are
 * created (unix socket mode, a stale socket file replaced, a missing
 * directory; inet addresses bound, the port reusable at once), and what a
 * reread touches (pending configs only; our daemon-level settings stay).
 *
 * Every daemon runs in a temp directory; each test stops what it started by
 * pid (and kills the rest of that process tree if the stop fails).
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.daemonize`,
 * `_daemonize`, `openhttpservers`), supervisor/http.py
 * (`supervisor_af_unix_http_server`, `supervisor_af_inet_http_server`),
 * supervisor/rpcinterface.py (`reloadConfig`).
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { freePort } from "./_ctl_process.ts";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, normalise, ourCommand, ourEntryName, REFERENCE, run, tempDir } from "./_harness.ts";
import { hasPython, PYTHON } from "./_python.ts";
import { rawHttp } from "./_raw_http.ts";
import {
  killChild,
  listening,
  logLines,
  readText,
  statOf,
  stopDaemon,
  timeWait,
  umaskOf,
  waitUntil,
} from "./_proc_facts.ts";

const entry = ourEntryName();
const SIDES: readonly Side[] = ["reference", "ours"];
const isRoot = process.getuid?.() === 0;
const SETPRIV = "/usr/bin/setpriv";
/** The child every umask/directory test runs: its umask, then its working directory. */
const UM_PROGRAM = "[program:um]\ncommand=/bin/sh -c 'umask; pwd; exec /bin/sleep 300'\n" +
  "stdout_logfile=%(here)s/um.log\n";

function conf(dir: string, extra: string): string {
  const path = join(dir, "supervisord.conf");
  writeFileSync(
    path,
    `[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n${extra}`,
    {
      mode: 0o644,
    },
  );
  return path;
}

function argvOf(side: Side): string[] {
  return side === "ours" ? ourCommand() : [REFERENCE];
}

/** Runs supervisord in the foreground under `sh` with umask 0002, as a shell user would. */
async function foregroundObservation(side: Side) {
  using tmp = tempDir("svts-fg-");
  const start = join(tmp.path, "start");
  mkdirSync(start);
  mkdirSync(join(tmp.path, "elsewhere"));
  const path = conf(tmp.path, `directory=%(here)s/elsewhere\numask=077\n${UM_PROGRAM}`);
  using d = new ForegroundDaemon(side, ["-n", "-c", path], {
    cwd: start,
    env: fixedEnv(),
    prefix: ["/bin/sh", "-c", 'umask 0002; "$@"; exit $?', "sh"],
  });
  await d.waitFor(/^INFO success: um /, 30_000);
  const pid = Number(/supervisord started with pid (\d+)/.exec(d.stdout)?.[1]);
  const child = Number(/spawned: 'um' with pid (\d+)/.exec(d.stdout)?.[1]);
  try {
    await waitUntil("the child's output", () => readText(join(tmp.path, "um.log")).split("\n").length > 2);
    const caller = d.pid; // the shell: its session and process group are the caller's
    return {
      notTheShell: pid !== caller,
      sessionIsCaller: statOf(pid).session === caller,
      groupIsCaller: statOf(pid).pgrp === caller,
      umask: umaskOf(pid),
      cwd: readlinkSync(`/proc/${pid}/cwd`).replaceAll(tmp.path, "<TMP>"),
      childOwnGroup: statOf(child).pgrp === child,
      childOutput: readText(join(tmp.path, "um.log")).replaceAll(tmp.path, "<TMP>"),
      daemonLines: d.lines().filter((l) => /daemonizing|current directory|chdir/.test(l)),
    };
  } finally {
    await stopDaemon(pid);
    killChild(child);
    await Promise.race([d.exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
}

Deno.test({
  name:
    `[DAEMON.foreground,DAEMON.umask] with -n supervisord keeps the caller's session, group, directory and umask, ` +
    `and so do its children, like supervisord (${entry})`,
  ignore: !haveReference(),
  fn: async () => {
    const reference = await foregroundObservation("reference");
    const ours = await foregroundObservation("ours");
    assert.deepEqual(ours, reference);
    assert.deepEqual(reference, {
      notTheShell: true,
      sessionIsCaller: true,
      groupIsCaller: true,
      umask: "0002",
      cwd: "<TMP>/start",
      childOwnGroup: true,
      childOutput: "0002\n<TMP>/start\n",
      daemonLines: [],
    });
  },
});

/**
 * Starts supervisord in daemon mode (from `sh` with umask 0002, in `<tmp>`)
 * and waits for its pidfile; `prefix` runs it under a wrapper (setpriv).
 */
async function startDaemonMode(side: Side, tmp: string, path: string, prefix: string[] = []): Promise<number> {
  const argv = [...prefix, "/bin/sh", "-c", 'umask 0002; exec "$@"', "sh", ...argvOf(side), "-c", path];
  const res = await run(argv, { cwd: tmp, env: fixedEnv(), timeoutMs: 30_000 });
  assert.equal(res.code, 0, `${side}: ${res.stdout}${res.stderr}`);
  const pidfile = join(tmp, "sd.pid");
  await waitUntil(`${side}'s pidfile`, () => /^\d+\n$/.test(readText(pidfile)));
  return Number(readText(pidfile).trim());
}

async function daemonObservation(side: Side) {
  using tmp = tempDir("svts-dm-");
  mkdirSync(join(tmp.path, "wd"));
  const path = conf(tmp.path, `directory=%(here)s/wd\numask=027\n${UM_PROGRAM}`);
  const pid = await startDaemonMode(side, tmp.path, path);
  let child = 0;
  try {
    const log = join(tmp.path, "sd.log");
    await waitUntil(`${side}: success: um`, () => readText(log).includes("success: um "));
    child = Number(/spawned: 'um' with pid (\d+)/.exec(readText(log))?.[1]);
    await waitUntil("the child's output", () => readText(join(tmp.path, "um.log")).split("\n").length > 2);
    return {
      sessionLeader: statOf(pid).session === pid,
      umask: umaskOf(pid),
      cwd: readlinkSync(`/proc/${pid}/cwd`).replaceAll(tmp.path, "<TMP>"),
      childOutput: readText(join(tmp.path, "um.log")).replaceAll(tmp.path, "<TMP>"),
      daemonLines: logLines(readText(log), tmp.path).filter((l) => /daemonizing|current directory|chdir/.test(l)),
    };
  } finally {
    await stopDaemon(pid);
    if (child) killChild(child);
  }
}

Deno.test({
  name: `[DAEMON.umask,MLOG.chdir,MLOG.daemonizing] daemon mode applies umask= and directory= to supervisord and its ` +
    `children and logs the chdir, like supervisord (${entry})`,
  ignore: !haveReference(),
  fn: async () => {
    const reference = await daemonObservation("reference");
    const ours = await daemonObservation("ours");
    assert.deepEqual(ours, reference);
    assert.deepEqual(reference, {
      sessionLeader: true,
      umask: "0027",
      cwd: "<TMP>/wd",
      childOutput: "0027\n<TMP>/wd\n",
      daemonLines: ["INFO daemonizing the supervisord process", "INFO set current directory: '<TMP>/wd'"],
    });
  },
});

async function chdirFailure(side: Side) {
  using tmp = tempDir("svts-dmx-");
  chmodSync(tmp.path, 0o777);
  mkdirSync(join(tmp.path, "wd"), { mode: 0o700 }); // root's; nobody can stat it but not enter it
  const path = conf(tmp.path, "directory=%(here)s/wd\n");
  const pid = await startDaemonMode(side, tmp.path, path, [
    SETPRIV,
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
  ]);
  try {
    const log = join(tmp.path, "sd.log");
    await waitUntil(`${side}: started`, () => readText(log).includes("supervisord started with pid"));
    return {
      cwd: readlinkSync(`/proc/${pid}/cwd`).replaceAll(tmp.path, "<TMP>"),
      lines: logLines(readText(log), tmp.path).filter((l) => /daemonizing|current directory|chdir/.test(l)),
    };
  } finally {
    await stopDaemon(pid);
  }
}

Deno.test({
  name:
    `[MLOG.chdir] daemon mode with a directory= it cannot enter logs supervisord's CRIT line and carries on (${entry})`,
  ignore: !haveReference() || !isRoot || !existsSync(SETPRIV),
  fn: async () => {
    const reference = await chdirFailure("reference");
    const ours = await chdirFailure("ours");
    assert.deepEqual(ours, reference);
    assert.deepEqual(reference, {
      cwd: "<TMP>",
      lines: [
        "INFO daemonizing the supervisord process",
        "CRIT can't chdir into '<TMP>/wd': [Errno 13] Permission denied: '<TMP>/wd'",
      ],
    });
  },
});

/** Leaves a unix socket file nobody listens on (a supervisord killed with SIGKILL leaves one). */
function staleSocket(path: string): void {
  const r = spawnSync(PYTHON, ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]);
  assert.equal(r.status, 0, String(r.stderr));
}

function socketFacts(path: string) {
  const st = statSync(path);
  return { socket: st.isSocket(), mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid };
}

async function unixSocketObservation(side: Side) {
  using tmp = tempDir("svts-sock-");
  staleSocket(join(tmp.path, "a.sock"));
  const path = conf(
    tmp.path,
    "[unix_http_server]\nfile=%(here)s/a.sock\nchmod=0770\n[unix_http_serverB]\nfile=%(here)s/b.sock\n",
  );
  using d = new ForegroundDaemon(side, ["-n", "-c", path], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(/^INFO supervisord started with pid /, 30_000);
  // stderr is another pipe: its text may land after the log line on stdout.
  await waitUntil("the stale socket notice", () => d.stderr.endsWith("\n"), 10_000).catch(() => {});
  try {
    const answer = await rawHttp({ path: join(tmp.path, "a.sock") }, "GET / HTTP/1.0\r\n\r\n");
    return {
      stderr: d.stderr.replaceAll(tmp.path, "<TMP>"),
      files: readdirSync(tmp.path).sort(),
      a: socketFacts(join(tmp.path, "a.sock")),
      b: socketFacts(join(tmp.path, "b.sock")),
      answers: answer.status !== 0,
    };
  } finally {
    d.signal("SIGTERM");
    await Promise.race([d.exited, new Promise((r) => setTimeout(r, 20_000))]);
  }
}

Deno.test({
  name:
    `[SOCK.unix.create,CFG.unix_http_server.chmod] unix sockets: a stale file is replaced with supervisord's notice, ` +
    `chmod= (default 0700) applies, no temp name is left (${entry})`,
  ignore: !haveReference() || !hasPython,
  fn: async () => {
    const reference = await unixSocketObservation("reference");
    const ours = await unixSocketObservation("ours");
    assert.deepEqual(ours, reference);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    assert.deepEqual(reference, {
      stderr: "Unlinking stale socket <TMP>/a.sock\n",
      files: ["a.sock", "b.sock", "sd.log", "sd.pid", "supervisord.conf"],
      a: { socket: true, mode: "770", uid, gid },
      b: { socket: true, mode: "700", uid, gid },
      answers: true,
    });
  },
});

Deno.test({
  name:
    `[SOCK.unix.create,STARTUP.httperr] a unix socket in a missing directory fails the start as supervisord does (${entry})`,
  ignore: !haveReference(),
  fn: async () => {
    const outcomes = [];
    for (const side of SIDES) {
      using tmp = tempDir("svts-sock-");
      const path = conf(tmp.path, "[unix_http_server]\nfile=%(here)s/missing/s.sock\n");
      const res = await run([...argvOf(side), "-n", "-c", path], { cwd: tmp.path, env: fixedEnv(), timeoutMs: 30_000 });
      outcomes.push({ code: res.code, log: logLines(res.stdout, tmp.path), stderr: normalise(res.stderr, tmp.path) });
    }
    assert.deepEqual(outcomes[1], outcomes[0]);
    assert.deepEqual({ ...outcomes[0], log: [] }, {
      code: 2,
      log: [],
      stderr: "Error: Cannot open an HTTP server: socket.error reported errno.ENOENT (2)\nFor help, use <ARGV0> -h\n",
    });
  },
});

async function inetObservation(side: Side, ports: readonly number[]) {
  using tmp = tempDir("svts-inet-");
  const path = conf(
    tmp.path,
    `[inet_http_server]\nport=127.0.0.1:${ports[0]}\n[inet_http_server:2]\nport=*:${ports[1]}\n` +
      `[inet_http_server:3]\nport=${ports[2]}\n[inet_http_server:4]\nport=localhost:${ports[3]}\n`,
  );
  const results = [];
  // Twice on the same ports: the first run's closed connections sit in TIME-WAIT, which only
  // SO_REUSEADDR lets the second run bind over.
  for (const round of [1, 2]) {
    using d = new ForegroundDaemon(side, ["-n", "-c", path], { cwd: tmp.path, env: fixedEnv() });
    try {
      await d.waitFor(/^INFO supervisord started with pid /, 30_000);
      const bound = listening(ports);
      const replies = [];
      for (const port of ports) replies.push((await rawHttp({ port }, "GET / HTTP/1.0\r\n\r\n")).status !== 0);
      results.push({ round, bound, replies, timeWait: round === 1 ? timeWait(ports[0]!) : "n/a" });
    } finally {
      d.signal("SIGTERM");
      await Promise.race([d.exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
  }
  return results;
}

Deno.test({
  name: `[SOCK.inet,CFG.inet_http_server.port] inet servers bind host:port as supervisord does ('' and * mean all ` +
    `IPv4 interfaces) and rebind at once over TIME-WAIT (${entry})`,
  ignore: !haveReference() || spawnSync("ss", ["-V"]).status !== 0,
  fn: async () => {
    const outcomes = [];
    for (const side of SIDES) {
      const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
      outcomes.push(await inetObservation(side, ports));
    }
    assert.deepEqual(outcomes[1], outcomes[0]);
    const round = {
      bound: ["0.0.0.0:<P1>", "0.0.0.0:<P2>", "127.0.0.1:<P0>", "127.0.0.1:<P3>"],
      replies: [true, true, true, true],
    };
    assert.deepEqual(outcomes[0], [{ round: 1, ...round, timeWait: true }, { round: 2, ...round, timeWait: "n/a" }]);
  },
});

const REREAD_FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}
[program:keep]
command=/bin/sleep 120
startsecs=0

[program:gone]
command=/bin/sleep 120
startsecs=0
`;

/** keep changes, gone goes, fresh comes; the [supervisord] identifier changes too. */
const REREAD_EDIT = (text: string) =>
  text.replace("identifier=ctltest", "identifier=edited")
    .replace("[program:keep]\ncommand=/bin/sleep 120", "[program:keep]\ncommand=/bin/sleep 121")
    .replace("[program:gone]", "[program:fresh]");

type Info = { name: string; statename: string; pid: number };

Deno.test({
  name: `[RELOAD.reread,RPC.supervisor.reloadConfig] reloadConfig reports the edits and leaves the running processes ` +
    `alone, like supervisord; our identifier keeps its started value (${entry})`,
  ignore: !haveReference() || !hasPython,
  fn: async () => {
    const ready: ReadonlyArray<readonly [RegExp, number]> = [[/success: keep /, 1], [/success: gone /, 1]];
    await using pair = await CtlPair.start(REREAD_FIXTURE, { ready });
    const before = await pair.both((d) => d.rpc([["supervisor.getAllProcessInfo"]]));
    for (const d of [pair.ours, pair.reference]) d.editConfig(REREAD_EDIT);
    const after = await pair.both((d) =>
      d.rpc([["supervisor.reloadConfig"], ["supervisor.getAllProcessInfo"], ["supervisor.getIdentification"]])
    );
    assert.deepEqual(after.ours[0], after.reference[0]);
    assert.deepEqual(after.reference[0], { ok: [[["fresh"], ["keep"], ["gone"]]] });
    for (const side of ["ours", "reference"] as const) {
      const summary = (r: unknown) => (r as { ok: Info[] }).ok.map((i) => `${i.name} ${i.statename} ${i.pid}`);
      const kept = summary(before[side][0]);
      assert.equal(kept.length, 2);
      assert.deepEqual(summary(after[side][1]), kept, `${side}: running processes untouched by reread`);
    }
    // SURFACE RELOAD.reread decision: Python re-applies [supervisord] settings in memory on reread;
    // ours change on reload or restart only.
    assert.deepEqual(after.reference[2], { ok: "edited" });
    assert.deepEqual(after.ours[2], { ok: "ctltest" });
  },
});
