/**
 * The procstats plugin on the fake runtime: a whole supervisord runs in
 * memory with the plugin configured, `/proc` files are written into the fake
 * file system, and the methods are called as a client would.
 * @module
 */

import assert from "node:assert/strict";
import { Double, RpcError, type StartedDaemon, startSupervisor } from "../../mod.ts";
import { FakeRuntime } from "../../testing.ts";
import * as procStats from "./proc_stats.ts";

const PLUGIN = "/etc/supervisor/plugins/proc_stats.ts";

function config(extra = ""): string {
  return `[supervisord]
logfile=/var/log/supervisord.log
childlogdir=/tmp

[unix_http_server]
file=/run/supervisord.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[rpcinterface:procstats]
supervisor.rpcinterface_factory = plugins/proc_stats.ts:createProcStats
${extra}
[program:web]
command=/bin/web
startsecs=0

[program:idle]
command=/bin/idle
autostart=false
`;
}

/** Writes what Linux shows in /proc for `pid`: CPU ticks used, start time, memory. */
function writeProc(rt: FakeRuntime, pid: number, p: { cpuTicks: number; startTicks: number; rssKb: number }): void {
  const fields = Array.from({ length: 50 }, () => "0");
  fields[11] = String(p.cpuTicks - 10); // utime (field 14)
  fields[12] = "10"; // stime (field 15)
  fields[19] = String(p.startTicks); // starttime (field 22)
  rt.fs.seedFile(`/proc/${pid}/stat`, `${pid} (web server) S ${fields.slice(1).join(" ")}\n`);
  rt.fs.seedFile(`/proc/${pid}/status`, `Name:\tweb\nVmSize:\t  20480 kB\nVmRSS:\t   ${p.rssKb} kB\nThreads:\t3\n`);
}

async function start(extra = ""): Promise<{ rt: FakeRuntime; daemon: StartedDaemon; exited: Promise<number> }> {
  const rt = new FakeRuntime({ cwd: "/" });
  for (const dir of ["/tmp", "/var/log", "/run"]) rt.fs.seedDir(dir);
  rt.fs.seedFile("/etc/supervisor/supervisord.conf", config(extra));
  for (const bin of ["/bin/web", "/bin/idle"]) rt.fs.seedFile(bin, "", { mode: 0o755 });
  rt.modules.set(PLUGIN, procStats);
  rt.fs.seedFile("/proc/uptime", "1000.00 1900.00\n");
  const handle = startSupervisor(rt, ["-c", "/etc/supervisor/supervisord.conf"]);
  return { rt, daemon: await handle.running(), exited: handle.exited };
}

async function stop(rt: FakeRuntime, daemon: StartedDaemon, exited: Promise<number>): Promise<void> {
  rt.killExits = true;
  daemon.shutdown();
  assert.equal(await exited, 0);
}

Deno.test("procstats reports CPU and memory from /proc, CPU since the previous sample", async () => {
  const { rt, daemon, exited } = await start();
  const web = daemon.context.process("web")!;
  // Started 900 s after boot, uptime 1000 s: 100 s of life, 50 s of CPU (5000 ticks).
  writeProc(rt, web.pid, { cpuTicks: 5000, startTicks: 90_000, rssKb: 2048 });
  const first = await daemon.call("procstats.getProcessUsage", ["web"]);
  assert.deepEqual(first, {
    name: "web",
    group: "web",
    pid: web.pid,
    statename: "RUNNING",
    cpu_percent: new Double(50),
    rss_bytes: 2048 * 1024,
    vms_bytes: 20480 * 1024,
    threads: 3,
  });
  // 2 s later, 0.5 s more CPU: 25 % since the previous sample.
  rt.clock.advance(2000);
  writeProc(rt, web.pid, { cpuTicks: 5050, startTicks: 90_000, rssKb: 4096 });
  const second = (await daemon.call("procstats.getAllProcessUsage", [])) as Array<Record<string, unknown>>;
  assert.deepEqual(second.map((u) => [u.name, u.cpu_percent, u.rss_bytes]), [["web", new Double(25), 4096 * 1024]]);
  await stop(rt, daemon, exited);
});

Deno.test("procstats answers BAD_NAME and NOT_RUNNING as supervisor.* does; the methods are listed and documented", async () => {
  const { rt, daemon, exited } = await start();
  await assert.rejects(
    daemon.call("procstats.getProcessUsage", ["nosuch"]),
    (e) => e instanceof RpcError && e.code === 10 && e.message === "BAD_NAME: nosuch",
  );
  await assert.rejects(
    daemon.call("procstats.getProcessUsage", ["idle"]),
    (e) => e instanceof RpcError && e.code === 70 && e.message === "NOT_RUNNING: idle",
  );
  const methods = (await daemon.call("system.listMethods", [])) as string[];
  assert.deepEqual(methods.filter((m) => m.startsWith("procstats.")), [
    "procstats.getAllProcessUsage",
    "procstats.getProcessUsage",
  ]);
  assert.deepEqual(await daemon.call("system.methodSignature", ["procstats.getProcessUsage"]), ["struct", "string"]);
  assert.match(String(await daemon.call("system.methodHelp", ["procstats.getProcessUsage"])), /^CPU and memory use/);
  await stop(rt, daemon, exited);
});

Deno.test("procstats with sample_interval samples in the background, on the runtime's clock", async () => {
  const { rt, daemon, exited } = await start("sample_interval = 5\n");
  const pid = daemon.context.process("web")!.pid;
  writeProc(rt, pid, { cpuTicks: 1000, startTicks: 90_000, rssKb: 1024 });
  rt.clock.advance(5000); // the sampler reads 1000 ticks
  for (let i = 0; i < 10; i++) await Promise.resolve();
  writeProc(rt, pid, { cpuTicks: 1100, startTicks: 90_000, rssKb: 1024 });
  rt.clock.advance(4000); // 4 s after that sample, 1 s more CPU
  const usage = (await daemon.call("procstats.getProcessUsage", ["web"])) as Record<string, unknown>;
  assert.deepEqual(usage.cpu_percent, new Double(25));
  await stop(rt, daemon, exited);
});

Deno.test("procstats refuses an option that is not a number of seconds: supervisord does not start", async () => {
  const rt = new FakeRuntime({ cwd: "/" });
  for (const dir of ["/tmp", "/var/log", "/run"]) rt.fs.seedDir(dir);
  rt.fs.seedFile("/etc/supervisor/supervisord.conf", config("sample_interval = soon\n"));
  rt.fs.seedFile("/bin/web", "", { mode: 0o755 });
  rt.fs.seedFile("/bin/idle", "", { mode: 0o755 });
  rt.modules.set(PLUGIN, procStats);
  const handle = startSupervisor(rt, ["-c", "/etc/supervisor/supervisord.conf"]);
  assert.equal(await handle.exited, 2);
  assert.match(
    rt.stderrText(),
    /^Error: Could not make procstats rpc interface: sample_interval must be a number of seconds, not 'soon'\n/,
  );
});
