/**
 * Tests of sd_notify.ts with the FakeRuntime: what the daemon sends to
 * NOTIFY_SOCKET over a run (READY=1 after the autostart spawns, STATUS=,
 * RELOADING=1 on reload, STOPPING=1 at shutdown), and nothing without it.
 * @module
 */

import assert from "node:assert/strict";
import { startSupervisor } from "../embed.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { RuntimeError } from "../runtime/errors.ts";
import { autostartsSpawned } from "./sd_notify.ts";
import type { Subprocess } from "./subprocess.ts";

const CONF = `[supervisord]
logfile=/var/log/supervisord.log
childlogdir=/tmp

[program:web]
command=/bin/web
startsecs=0

[program:worker]
command=/bin/web
startsecs=0

[program:manual]
command=/bin/web
autostart=false
`;

function host(env: Record<string, string>): FakeRuntime {
  const rt = new FakeRuntime({ cwd: "/", env: { PATH: "/usr/bin:/bin", ...env } });
  for (const dir of ["/tmp", "/var/log", "/run"]) rt.fs.seedDir(dir);
  rt.fs.seedFile("/etc/supervisord.conf", CONF);
  rt.fs.seedFile("/bin/web", "", { mode: 0o755 });
  return rt;
}

async function settleThenStop(rt: FakeRuntime, reloadFirst: boolean): Promise<void> {
  const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
  let d = await handle.running();
  await d.context.control.waitUntilSettled();
  rt.killExits = true;
  if (reloadFirst) {
    const first = d;
    first.reload();
    d = await new Promise<Awaited<ReturnType<typeof handle.running>>>((resolve) => {
      const poll = () => handle.running().then((x) => (x === first ? setTimeout(poll, 0) : resolve(x)));
      poll();
    });
    await d.context.control.waitUntilSettled();
  }
  d.shutdown();
  assert.equal(await handle.exited, 0);
}

Deno.test("with NOTIFY_SOCKET: READY=1 with the counts once both autostart programs are spawned, STOPPING=1 at shutdown", async () => {
  const rt = host({ NOTIFY_SOCKET: "/run/systemd/notify" });
  await settleThenStop(rt, false);
  const sent = rt.datagrams.map((d) => d.text);
  assert.ok(rt.datagrams.every((d) => d.path === "/run/systemd/notify"));
  const readyAt = sent.findIndex((t) => t.startsWith("READY=1\n"));
  assert.ok(readyAt >= 0, JSON.stringify(sent));
  assert.match(sent[readyAt]!, /^READY=1\nSTATUS=3 processes: (\d) [A-Z]+/);
  assert.equal(sent.filter((t) => t.startsWith("READY=1")).length, 1);
  assert.ok(sent.includes("STATUS=3 processes: 2 RUNNING, 1 STOPPED"), JSON.stringify(sent));
  assert.equal(sent.at(-1), "STOPPING=1");
  assert.equal(sent.filter((t) => t === "STOPPING=1").length, 1);
});

Deno.test("with NOTIFY_SOCKET: a reload sends RELOADING=1, then READY=1 again for the new run", async () => {
  const rt = host({ NOTIFY_SOCKET: "@notify" });
  await settleThenStop(rt, true);
  const sent = rt.datagrams.map((d) => d.text.split("\n")[0]);
  const marks = sent.filter((t) => t === "READY=1" || t === "RELOADING=1" || t === "STOPPING=1");
  assert.deepEqual(marks, ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"]);
});

Deno.test("without NOTIFY_SOCKET nothing is sent", async () => {
  const rt = host({});
  await settleThenStop(rt, false);
  assert.deepEqual(rt.datagrams, []);
});

Deno.test("a send that fails is logged once as a warning; the daemon runs on", async () => {
  const rt = host({ NOTIFY_SOCKET: "/run/absent" });
  rt.datagramError = new RuntimeError("sendto /run/absent: No such file or directory", "ENOENT");
  await settleThenStop(rt, false);
  const log = rt.fs.text("/var/log/supervisord.log") ?? "";
  const warnings = log.split("\n").filter((l) => l.includes("sd_notify"));
  assert.equal(warnings.length, 1, log);
  assert.match(
    warnings[0]!,
    /WARN sd_notify: cannot send to NOTIFY_SOCKET=\/run\/absent: sendto \/run\/absent: No such/,
  );
  assert.match(log, /success: web entered RUNNING state/);
});

Deno.test("readiness waits for autostart programs only, and not for ones held by an operator stop or a failed dependency", () => {
  const proc = (name: string, autostart: boolean, laststart: number | null, operatorStopped = false) =>
    ({ name, config: { autostart }, laststart, operatorStopped }) as unknown as Subprocess;
  const spawned = proc("a", true, 1);
  const manual = proc("m", false, null);
  const pending = proc("p", true, null);
  assert.equal(autostartsSpawned([spawned, manual]), true);
  assert.equal(autostartsSpawned([spawned, pending]), false);
  assert.equal(autostartsSpawned([spawned, proc("s", true, null, true)]), true, "a remembered operator stop");
  assert.equal(autostartsSpawned([spawned, pending], (p) => p === pending), true, "a failed dependency");
  assert.equal(autostartsSpawned([]), true);
});

/** Lets the event loop turn until `cond` holds; fails after 2000 turns (no clock involved). */
async function turnsUntil(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.fail(`never saw ${what}`);
}

Deno.test("a program whose dependency failed does not hold READY=1 back", async () => {
  const rt = host({ NOTIFY_SOCKET: "/run/systemd/notify" });
  rt.fs.seedFile(
    "/etc/supervisord.conf",
    `[supervisord]
logfile=/var/log/supervisord.log
childlogdir=/tmp

[program:db]
command=/bin/web
startsecs=1
startretries=0

[program:web]
command=/bin/web
startsecs=0
depends_on=db
`,
  );
  const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
  const d = await handle.running();
  await turnsUntil(() => rt.spawns.length > 0, "db spawned");
  assert.equal(rt.datagrams.length, 0, "web has not been spawned and db may still come up");
  rt.spawns[0]!.exit(1);
  const states = await d.context.control.waitUntilSettled("db");
  assert.deepEqual(states.map((p) => p.statename), ["FATAL"]);
  await turnsUntil(() => rt.datagrams.length > 0, "a datagram");
  assert.match(rt.datagrams[0]!.text, /^READY=1\nSTATUS=2 processes: 1 FATAL, 1 STOPPED$/);
  rt.killExits = true;
  d.shutdown();
  assert.equal(await handle.exited, 0);
});
