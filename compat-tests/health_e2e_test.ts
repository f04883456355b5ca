/**
 * Health checks end to end on a real daemon (Deno, Bun or the binary): a
 * tcp probe gating a `:healthy` dependent, an HTTP probe that turns to 500
 * (restart, and `healthcheck_action=none` staying RUNNING with `unhealthy`
 * in its description), and an exec probe killed at its timeout leaving no
 * process behind. Every config here loads in supervisord 4.2.5. Order is
 * read from the main log, never from timings.
 *
 * Python counterpart: none (EXTENSIONS.md §3, P2 acceptance checks 1, 5, 6).
 * @module
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourCommand, ourEntryName, run, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { rpcCall } from "./_rpc.ts";
import { DEMO_CONF } from "../src/demo_conf.ts";

const HEAD = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=info

[unix_http_server]
file=%(here)s/sv.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;

/** Answers 200, or 500 while the file `fail` exists beside it. */
const FLIP_SERVER = `import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 500 if os.path.exists(os.path.join(sys.argv[2], "fail")) else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function start(tmp: string, conf: string): ForegroundDaemon {
  const path = join(tmp, "supervisord.conf");
  writeFileSync(path, conf);
  return new ForegroundDaemon("ours", ["-n", "-c", path], { cwd: tmp, env: fixedEnv() });
}

const gateConf = (port: number) =>
  HEAD + `
[program:db]
command=/bin/sh -c 'sleep 1; exec python3 -m http.server ${port} --bind 127.0.0.1'
startsecs=0
healthcheck=tcp://127.0.0.1:${port}
healthcheck_start_interval=100ms
healthcheck_retries=100

[program:web]
command=/bin/sleep 1000
startsecs=0
depends_on=db:healthy
`;

const flipConf = (port: number) =>
  HEAD + `
[program:app]
command=python3 %(here)s/flip.py ${port} %(here)s
startsecs=0
healthcheck=http://127.0.0.1:${port}/healthz
healthcheck_interval=200ms
healthcheck_start_interval=100ms
healthcheck_retries=3
healthcheck_start_period=10s

[program:watch]
command=/bin/sleep 1000
startsecs=0
healthcheck=http://127.0.0.1:${port}/
healthcheck_interval=200ms
healthcheck_start_interval=100ms
healthcheck_start_period=10s
healthcheck_retries=3
healthcheck_action=none
`;

const execConf = HEAD + `
[program:slow]
command=/bin/sleep 1000
startsecs=0
healthcheck=exec:sleep 10.25
healthcheck_timeout=1s
healthcheck_start_interval=1h
healthcheck_retries=1
healthcheck_action=none
`;

Deno.test(`[EXT.health.gate] a tcp probe gates a :healthy dependent (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  using d = start(tmp.path, gateConf(await freePort()));
  await d.waitFor(/spawned: 'web'/);
  const lines = d.lines();
  const healthy = lines.findIndex((l) => l === "INFO health: 'db' is healthy");
  assert.ok(healthy >= 0, lines.join("\n"));
  assert.ok(healthy < lines.findIndex((l) => /spawned: 'web'/.test(l)), "web spawns after db is healthy");
  const info = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["db"]);
  assert.ok(!info.fault);
  assert.match(String((info.value as Record<string, unknown>).description), /^pid \d+, uptime \d+:\d\d:\d\d, healthy$/);
  d.signal("SIGTERM");
  await d.exited;
});

Deno.test(`[EXT.health.restart,EXT.health.none] an HTTP probe answering 500: restart, and action=none stays RUNNING (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  writeFileSync(join(tmp.path, "flip.py"), FLIP_SERVER);
  using d = start(tmp.path, flipConf(await freePort()));
  await d.waitFor(/health: 'app' is healthy/);
  await d.waitFor(/health: 'watch' is healthy/);
  writeFileSync(join(tmp.path, "fail"), "");
  await d.waitFor(/WARN health: 'app' is unhealthy \(3 consecutive failures: HTTP 500\)/);
  // watch probes app's server, which its own check restarts: the last failure may be a reset connection.
  await d.waitFor(
    /WARN health: 'watch' is unhealthy \(3 consecutive failures: (HTTP 500|.*ECONNRESET.*|.*refused.*)\)/,
  );
  await d.waitFor(/spawned: 'app'/, 20_000, 2);
  const lines = d.lines();
  const unhealthy = lines.findIndex((l) => /health: 'app' is unhealthy/.test(l));
  assert.ok(lines.slice(unhealthy).some((l) => /INFO health: restarting 'app'/.test(l)));
  assert.ok(lines.slice(unhealthy).some((l) => /stopped: app/.test(l)));
  const info = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["watch"]);
  assert.ok(!info.fault);
  const watch = info.value as Record<string, unknown>;
  assert.equal(watch.statename, "RUNNING");
  assert.match(String(watch.description), /^pid \d+, uptime \d+:\d\d:\d\d, unhealthy$/);
  assert.equal(lines.filter((l) => /spawned: 'watch'/.test(l)).length, 1);
  d.signal("SIGTERM");
  await d.exited;
});

/** Pids of live processes whose command line is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const want = argv.join("\0");
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "latin1").replace(/\0$/, "");
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, "latin1"))?.[1];
      if (cmd === want && state !== "Z") out.push(Number(entry));
    } catch { /* gone */ }
  }
  return out;
}

Deno.test(`[EXT.health.exectimeout] an exec probe past its timeout is killed with its group, counted as a failure (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  using d = start(tmp.path, execConf);
  await d.waitFor(/WARN health: 'slow' is unhealthy \(1 failure: timed out after 1s\)/);
  // SIGKILL reaches the group at once, but a loaded machine may take a moment to end it: wait (bounded) for it to go.
  for (let i = 0; i < 50 && processesRunning(["sleep", "10.25"]).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(processesRunning(["sleep", "10.25"]), [], "no probe process is left");
  const info = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["slow"]);
  assert.ok(!info.fault);
  assert.match(String((info.value as Record<string, unknown>).description), /, unhealthy$/);
  d.signal("SIGTERM");
  await d.exited;
});

const withDepsConf = (port: number) =>
  HEAD + `
[supervisorctl]
serverurl=unix://%(here)s/sv.sock

[program:db]
command=/bin/sh -c 'sleep 0.5; exec python3 -m http.server ${port} --bind 127.0.0.1'
startsecs=0
autostart=false
healthcheck=tcp://127.0.0.1:${port}
healthcheck_start_interval=100ms
healthcheck_retries=100

[program:web]
command=/bin/sleep 1000
startsecs=0
autostart=false
depends_on=db:healthy
`;

Deno.test(`[EXT.ctl.withdeps,EXT.ctl.health] ctl start --with-deps starts db, waits until healthy, then web; ctl health exits 0/1 (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  using d = start(tmp.path, withDepsConf(await freePort()));
  await d.waitFor(/supervisord started with pid/);
  const conf = join(tmp.path, "supervisord.conf");
  const ctl = (...args: string[]) =>
    run([...ourCommand(), "ctl", "-c", conf, ...args], { cwd: tmp.path, env: fixedEnv(), timeoutMs: 60_000 });
  const r = await ctl("start", "--with-deps", "web");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), ["db: started", "web: started"]);
  const lines = d.lines();
  const healthy = lines.findIndex((l) => l === "INFO health: 'db' is healthy");
  assert.ok(healthy >= 0 && healthy < lines.findIndex((l) => /spawned: 'web'/.test(l)));
  assert.ok(!lines.some((l) => /although dependency/.test(l)), "no override: db was healthy first");
  const ok = await ctl("health");
  assert.deepEqual([ok.code, ok.stdout.trim()], [0, "healthy"]);
  const stopped = await ctl("stop", "db");
  assert.equal(stopped.code, 0);
  const bad = await ctl("health");
  assert.equal(bad.code, 1, bad.stdout);
  assert.match(bad.stdout, /^unhealthy: /);
  d.signal("SIGTERM");
  await d.exited;
});

const readyConf = HEAD + `
[program:db]
command=/bin/sh -c 'echo starting; sleep 0.5; echo "database system is ready to accept connections" >&2; exec sleep 1000'
startsecs=0
ready_log=ready to accept connections

[program:web]
command=/bin/sleep 1000
startsecs=0
depends_on=db:healthy
`;

Deno.test(`[EXT.health.readylog] ready_log: a dependent waits for the ready line on stderr (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  using d = start(tmp.path, readyConf);
  await d.waitFor(/spawned: 'web'/);
  const lines = d.lines();
  const ready = lines.findIndex((l) => l === "INFO health: 'db' is ready (ready_log matched)");
  assert.ok(ready >= 0 && ready < lines.findIndex((l) => /spawned: 'web'/.test(l)), lines.join("\n"));
  d.signal("SIGTERM");
  await d.exited;
});

const demoConf = (port: number) => DEMO_CONF.replace("port=127.0.0.1:9001", `port=127.0.0.1:${port}`);

Deno.test(`[EXT.health.demo] the demo config: web starts once the health-checked cache is healthy (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-health-");
  using d = start(tmp.path, demoConf(await freePort()));
  await d.waitFor(/spawned: 'web'/);
  const lines = d.lines();
  const healthy = lines.findIndex((l) => l === "INFO health: 'cache' is healthy");
  assert.ok(healthy >= 0 && healthy < lines.findIndex((l) => /spawned: 'web'/.test(l)), lines.join("\n"));
  d.signal("SIGTERM");
  await d.exited;
});

Deno.test({
  name: `[EXT.health.python] the configs above load in supervisord 4.2.5 (${ourEntryName()})`,
  ignore: !canAskPython,
  fn() {
    const texts = [gateConf(8080), flipConf(8081), execConf, withDepsConf(8082), demoConf(9001), readyConf].map((t) =>
      t.replaceAll("%(here)s", "{TMP}")
    );
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
