import assert from "node:assert/strict";
import { runSupervisord, startSupervisor } from "./embed.ts";
import { FakeRuntime } from "./runtime/fake.ts";

const CONF = `[supervisord]
logfile=/var/log/supervisord.log
childlogdir=/tmp

[unix_http_server]
file=/run/supervisord.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command=/bin/web
startsecs=0
`;

function host(conf = CONF): FakeRuntime {
  const rt = new FakeRuntime({ cwd: "/" });
  for (const dir of ["/tmp", "/var/log", "/run"]) rt.fs.seedDir(dir);
  rt.fs.seedFile("/etc/supervisord.conf", conf);
  rt.fs.seedFile("/bin/web", "", { mode: 0o755 });
  return rt;
}

Deno.test("startSupervisor() runs in the foreground with a handle: views, in-process calls, reload, shutdown", async () => {
  const rt = host();
  const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
  const first = await handle.running();
  assert.deepEqual((await first.context.control.waitUntilSettled("web")).map((p) => p.statename), ["RUNNING"]);
  assert.deepEqual(await first.call("supervisor.getState", []), { statecode: 1, statename: "RUNNING" });
  assert.equal(await handle.running(), first);
  rt.killExits = true;
  first.reload();
  const second = await new Promise<Awaited<ReturnType<typeof handle.running>>>((resolve) => {
    const poll = () => handle.running().then((d) => (d === first ? setTimeout(poll, 0) : resolve(d)));
    poll();
  });
  assert.notEqual(second, first);
  assert.equal(first.context.signal.aborted, true, "the first run's context ended");
  assert.deepEqual((await second.context.control.waitUntilSettled()).map((p) => p.statename), ["RUNNING"]);
  second.shutdown();
  assert.equal(await handle.exited, 0);
  await assert.rejects(handle.running(), /supervisord exited with status 0/);
  const log = rt.fs.text("/var/log/supervisord.log") ?? "";
  assert.equal(log.match(/supervisord started with pid/g)?.length, 2, log);
});

Deno.test("startSupervisor() with a bad config: running() rejects, exit status 2, the message on stderr", async () => {
  const rt = host("[supervisord]\nlogfile=/nonexistent/dir/x.log\n");
  const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
  await assert.rejects(handle.running(), /supervisord exited with status 2/);
  assert.equal(await handle.exited, 2);
  assert.match(
    rt.stderrText(),
    /^Error: The directory named as part of the path \/nonexistent\/dir\/x.log does not exist/,
  );
});

Deno.test("runSupervisord() runs the command line as the binary does", async () => {
  const rt = host();
  assert.equal(await runSupervisord(rt, ["-v"]), 0);
  assert.match(rt.stdoutText(), /^4\.2\.5\n$/);
});
