/**
 * The daemon on each platform (FakeRuntime standing for the host): one
 * warning line at start naming what the platform leaves out, once per
 * process (not again on reload), and the programs run all the same.
 * @module
 */

import assert from "node:assert/strict";
import { startSupervisor } from "./embed.ts";
import { FakeRuntime } from "./runtime/fake.ts";

const CONF = `[supervisord]
logfile=/var/log/supervisord.log
childlogdir=/tmp

[program:web]
command=/bin/web
startsecs=0
`;

function host(platform: { os: string; arch: string; libc?: string | null }): FakeRuntime {
  const rt = new FakeRuntime({ cwd: "/", platform });
  for (const dir of ["/tmp", "/var/log", "/run"]) rt.fs.seedDir(dir);
  rt.fs.seedFile("/etc/supervisord.conf", CONF);
  rt.fs.seedFile("/bin/web", "", { mode: 0o755 });
  return rt;
}

async function runOnce(rt: FakeRuntime): Promise<string> {
  const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
  const first = await handle.running();
  assert.deepEqual((await first.context.control.waitUntilSettled("web")).map((p) => p.statename), ["RUNNING"]);
  rt.killExits = true;
  first.reload();
  const second = await new Promise<Awaited<ReturnType<typeof handle.running>>>((resolve) => {
    const poll = () => handle.running().then((d) => (d === first ? setTimeout(poll, 0) : resolve(d)));
    poll();
  });
  await second.context.control.waitUntilSettled();
  second.shutdown();
  assert.equal(await handle.exited, 0);
  return rt.fs.text("/var/log/supervisord.log") ?? "";
}

Deno.test("on macOS the daemon logs one WARN line naming what is unavailable, once, and runs its programs", async () => {
  const log = await runOnce(host({ os: "darwin", arch: "arm64" }));
  const lines = log.split("\n").filter((l) => l.includes("not available here"));
  assert.equal(lines.length, 1, log);
  assert.match(lines[0]!, / WARN platform darwin-arm64: not available here: orphan reaping as PID 1; /);
  assert.match(log, /success: web entered RUNNING state/);
});

Deno.test("on Linux with a C library (glibc or musl) the daemon's log is Python's: no platform line", async () => {
  for (const libc of ["libc.so.6", "libc.musl-x86_64.so.1"]) {
    const log = await runOnce(host({ os: "linux", arch: "x64", libc }));
    assert.doesNotMatch(log, /not available here/);
    assert.match(log, /supervisord started with pid/);
  }
});

Deno.test("on Linux without a reachable C library the line names the libraries tried", async () => {
  const log = await runOnce(host({ os: "linux", arch: "arm64", libc: null }));
  assert.match(log, /WARN platform linux-arm64: not available here: C library \(tried libc\.so\.6, /);
});
