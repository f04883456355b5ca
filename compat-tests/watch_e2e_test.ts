/**
 * File watch end to end on a real daemon (Deno, Bun or the binary): a
 * write in a watched tree restarts the program, a rename-into-place save
 * too, the program's own log inside the watched tree (written all the time)
 * never does, `--no-watch` turns watching off, and every config here loads
 * in supervisord 4.2.5. Order is read from the main log, never from
 * timings.
 *
 * Python counterpart: none (EXTENSIONS.md §9, P5 acceptance check 1).
 * @module
 */

import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { rpcCall } from "./_rpc.ts";
import { rawHttp } from "./_raw_http.ts";
import { DEMO_CONF } from "../src/demo_conf.ts";

const CONF = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=info

[unix_http_server]
file=%(here)s/sv.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command=/bin/sh -c 'while true; do echo tick; sleep 0.05; done'
startsecs=0
stdout_logfile=%(here)s/web.out
restart_directory_monitor=.
restart_file_ignore=*.tmp *.log *.pid *.sock
restart_debounce=200ms

[program:gone]
command=/bin/sleep 1000
startsecs=0
restart_directory_monitor=%(here)s/missing
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

function start(tmp: string, args: string[] = []): ForegroundDaemon {
  const path = join(tmp, "supervisord.conf");
  writeFileSync(path, CONF);
  return new ForegroundDaemon("ours", ["-n", "-c", path, ...args], { cwd: tmp, env: fixedEnv() });
}

/** Does `save` every 300 ms until `d` logs `pattern` `count` times (a new watch may miss its first moments). */
async function saveUntil(d: ForegroundDaemon, pattern: RegExp, count: number, save: () => void): Promise<void> {
  let done = false;
  const seen = d.waitFor(pattern, 20_000, count).finally(() => done = true);
  while (!done) {
    save();
    await Promise.race([seen.catch(() => {}), new Promise((r) => setTimeout(r, 300))]);
  }
  await seen;
}

Deno.test(`[EXT.watch.restart,EXT.watch.rename,EXT.watch.ownlogs] a write and a rename-into-place restart; own logs never (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-watch-");
  using d = start(tmp.path);
  await d.waitFor(/spawned: 'web'/);
  await d.waitFor(/^ERRO watch for 'gone': cannot watch '.*\/missing': No such file or directory$/);
  const src = tmp.path;
  await saveUntil(d, /watch: restarting 'web' \('app\.js' changed\)/, 1, () => writeFileSync(join(src, "app.js"), "1"));
  await d.waitFor(/spawned: 'web'/, 20_000, 2);
  await saveUntil(d, /watch: restarting 'web' \('app\.js' changed\)/, 2, () => {
    writeFileSync(join(src, "app.js.tmp"), "2");
    renameSync(join(src, "app.js.tmp"), join(src, "app.js"));
  });
  await d.waitFor(/spawned: 'web'/, 20_000, 3);
  const api = await rawHttp({ path: join(tmp.path, "sv.sock") }, "GET /api/v1/processes HTTP/1.0\r\n\r\n");
  const watched = (JSON.parse(api.body) as { processes: Array<{ name: string; watch: string[] | null }> }).processes;
  assert.deepEqual(watched.find((p) => p.name === "web")?.watch, [tmp.path]);
  const lines = d.lines();
  assert.ok(!lines.some((l) => /'web\.out' changed|\.tmp' changed/.test(l)), lines.join("\n"));
  d.signal("SIGTERM");
  await d.exited;
  const restarts = d.lines().filter((l) => /watch: restarting 'web'/.test(l)).length;
  assert.ok(restarts >= 2 && restarts <= 4, `restarts came only from the saves: ${restarts}`);
});

Deno.test(`[EXT.watch.global,EXT.watch.inotify] --no-watch starts no watch (a missing root is an ERROR otherwise) (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-watch-");
  using d = start(tmp.path, ["--no-watch"]);
  await d.waitFor(/spawned: 'web'/);
  await d.waitFor(/spawned: 'gone'/);
  d.signal("SIGTERM");
  await d.exited;
  assert.ok(!d.lines().some((l) => /cannot watch|watch:/.test(l)), d.lines().join("\n"));
});

const demoConf = (port: number) => DEMO_CONF.replace("port=127.0.0.1:9001", `port=127.0.0.1:${port}`);

Deno.test(`[EXT.watch.demo,EXT.cron.demo] the demo config: a .js change restarts 'dev'; 'report' shows its next run (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-watch-");
  const path = join(tmp.path, "supervisord.conf");
  writeFileSync(path, demoConf(await freePort()));
  using d = new ForegroundDaemon("ours", ["-c", path], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(/spawned: 'dev'/);
  await saveUntil(
    d,
    /watch: restarting 'dev' \('app\.js' changed\)/,
    1,
    () => writeFileSync(join(tmp.path, "app.js"), "1"),
  );
  await d.waitFor(/spawned: 'dev'/, 20_000, 2);
  const info = await rpcCall({ path: join(tmp.path, "supervisor.sock") }, "supervisor.getProcessInfo", ["report"]);
  assert.ok(!info.fault);
  const report = info.value as Record<string, unknown>;
  if (report.statename !== "RUNNING") {
    assert.match(String(report.description), /next run \d{4}-\d\d-\d\d \d\d:\d\d:[0-5][05] /);
  }
  d.signal("SIGTERM");
  await d.exited;
});

Deno.test({
  name: `[EXT.watch.python] the config above loads in supervisord 4.2.5 (${ourEntryName()})`,
  ignore: !canAskPython,
  fn() {
    const texts = [CONF, demoConf(9001)].map((t) => t.replaceAll("%(here)s", "{TMP}"));
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
