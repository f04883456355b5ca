/**
 * `[fcgi-program:x]` sockets, ours against /usr/bin/supervisord on the same
 * config (each in its own temp dir; TCP on a free port each): the socket
 * file's type, mode and owner (`socket_mode`, `socket_owner`, and the
 * owner `user=` implies), the backlog and who holds the listening socket
 * (supervisord and every process of the pool, on fd 0) as `ss` shows them,
 * a FastCGI-style app answering through the socket, the `Creating socket`
 * / `Closing socket` lines of the main log, the socket closed when the last
 * process of the pool stops (its file left behind) and created again at the
 * next start, or when an autorestarted process comes back.
 *
 * Python counterpart: supervisor/socket_manager.py, supervisor/process.py
 * (`FastCGISubprocess`, `FastCGIProcessGroup`), supervisor/datatypes.py
 * (`UnixStreamSocketConfig`, `InetStreamSocketConfig`).
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { type CtlDaemon, CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";
import { answeredBy, ask, fcgiApp, haveSs, listening, pidNames, socketFile } from "./_fcgi.ts";

const root = process.getuid?.() === 0;

function fixture(app: string): string {
  return `${UNIX_HEADER}
${RPC_SECTION}
[fcgi-program:web]
command=/usr/bin/python3 ${app}
socket=unix://%(here)s/%(program_name)s.sock
socket_mode=0660
${root ? "socket_owner=nobody:nogroup" : ""}
numprocs=2
process_name=%(program_name)s_%(process_num)s
startsecs=1

[fcgi-program:tcp]
command=/usr/bin/python3 ${app}
socket=tcp://127.0.0.1:{PORT}
socket_backlog=7
startsecs=1
${
    root
      ? `
[fcgi-program:asuser]
command=/usr/bin/python3 ${app}
socket=unix://%(here)s/asuser.sock
user=nobody
startsecs=1
`
      : ""
  }`;
}

const groups = root ? ["web", "tcp", "asuser"] : ["web", "tcp"];

/** Waits for every process's `success:` line. */
const ready = [[/success: /, root ? 4 : 3] as const];

/** The sockets of a side, as unix paths or the TCP port. */
function sockets(d: CtlDaemon): Record<string, { path: string } | { port: number }> {
  const out: Record<string, { path: string } | { port: number }> = {
    web: { path: join(d.dir, "web.sock") },
    tcp: { port: d.port },
  };
  if (root) out.asuser = { path: join(d.dir, "asuser.sock") };
  return out;
}

/** Everything observable about the sockets of one side, masked. */
async function observe(d: CtlDaemon) {
  const names = await pidNames(d);
  const out: Record<string, unknown> = {};
  for (const [group, at] of Object.entries(sockets(d))) {
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++) answers.add(answeredBy(await ask(at), names).replace(/_\d got/, "_<N> got"));
    out[group] = {
      file: "path" in at ? socketFile(at.path) : null,
      listening: listening(at, names),
      answers: [...answers].sort(),
    };
  }
  return out;
}

/** Main-log lines about sockets and process lifecycle, masked. */
function lifecycle(d: CtlDaemon, from = 0): string[] {
  return d.daemon.lines().slice(from).filter((l) => /socket|spawned:|stopped:|exited:/.test(l)).map((l) => d.mask(l));
}

Deno.test({
  name: `[CFG.fcgi.behaviour,CFG.fcgi.socket,CFG.fcgi.socket_mode,CFG.fcgi.socket_owner,CFG.fcgi.socket_backlog,` +
    `SPAWN.fds] fcgi sockets: file, mode, owner, backlog, listeners on fd 0, answers, log lines: ` +
    `same as supervisord (${ourEntryName()})`,
  ignore: !haveReference() || !haveSs,
  fn: async () => {
    using app = fcgiApp();
    await using pair = await CtlPair.start(fixture(app.path), { ready });
    const { ours, reference } = await pair.both(observe);
    assert.deepEqual(ours, reference);
    const web = ours.web as { file: unknown; listening: unknown; answers: string[] };
    assert.deepEqual(web.file, {
      socket: true,
      mode: "660",
      uid: root ? 65534 : process.getuid!(),
      gid: root ? 65534 : process.getgid!(),
    });
    assert.deepEqual(web.listening, { backlog: 4096, holders: ["supervisord", "web_0 fd=0", "web_1 fd=0"] });
    assert.deepEqual(web.answers.length > 0 && web.answers.every((a) => /^web_<N> got hello$/.test(a)), true);
    assert.deepEqual((ours.tcp as { listening: unknown }).listening, {
      backlog: 7,
      holders: ["supervisord", "tcp fd=0"],
    });
    if (root) {
      assert.deepEqual((ours.asuser as { file: unknown }).file, { socket: true, mode: "700", uid: 65534, gid: 65534 });
    }
    const logs = await pair.both((d) => Promise.resolve(lifecycle(d)));
    assert.deepEqual(logs.ours, logs.reference);
    for (const g of groups) assert.ok(logs.ours.some((l) => l.startsWith(`INFO Creating socket`) && l.includes(g)), g);
    const stdin = await pair.both((d) => d.rpc([["supervisor.sendProcessStdin", ["web:web_0", "x"]]]));
    assert.deepEqual(stdin.ours, stdin.reference, "no stdin channel: fd 0 is the socket");
  },
});

Deno.test({
  name: `[CFG.fcgi.behaviour] the last stop closes the socket (its file stays), the next start creates it again, ` +
    `so does an autorestart: same as supervisord (${ourEntryName()})`,
  ignore: !haveReference() || !haveSs,
  fn: async () => {
    using app = fcgiApp();
    await using pair = await CtlPair.start(fixture(app.path), { ready });
    const step = async (d: CtlDaemon, args: string[]) => {
      await d.ctl(args);
      const names = await pidNames(d);
      const web = join(d.dir, "web.sock");
      const answer = answeredBy(await ask({ path: web }), names).replace(/_\d got/, "_<N> got");
      return { listening: listening({ path: web }, names), file: socketFile(web)?.socket, answer };
    };
    const run = async (d: CtlDaemon) => {
      const from = d.daemon.lines().length;
      const steps = [
        await step(d, ["stop", "web:web_0"]),
        await step(d, ["stop", "web:web_1"]),
        await step(d, ["start", "web:*"]),
      ];
      const names = await pidNames(d);
      const tcp = [...names].find(([, name]) => name === "tcp")![0];
      process.kill(tcp, "SIGKILL");
      await d.daemon.waitFor(/spawned: 'tcp'/, 20_000, 2);
      await d.daemon.waitFor(/success: tcp /, 20_000, 2);
      const after = await pidNames(d);
      return {
        steps,
        tcp: listening({ port: d.port }, after),
        log: lifecycle(d, from),
      };
    };
    const { ours, reference } = await pair.both(run);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours.steps.map((s) => s.listening?.holders ?? null), [
      ["supervisord", "web_1 fd=0"],
      null,
      ["supervisord", "web_0 fd=0", "web_1 fd=0"],
    ]);
    assert.deepEqual(ours.steps.map((s) => [s.file, s.answer]), [
      [true, "web_<N> got hello"],
      [true, "ECONNREFUSED"],
      [true, "web_<N> got hello"],
    ]);
    assert.ok(ours.log.includes("INFO Closing socket unix://<TMP>/web.sock"), ours.log.join("\n"));
    assert.ok(ours.log.includes("INFO Closing socket tcp://127.0.0.1:<PORT>"), ours.log.join("\n"));
  },
});
