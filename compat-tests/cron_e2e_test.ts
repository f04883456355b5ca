/**
 * Cron programs end to end on a real daemon (Deno, Bun or the binary): a
 * Go-style 6-field job every second runs again and again, a long job under
 * `@every 1s` is never started twice (`cron_overlap=skip`), `cron_stop`
 * stops a running job, a scheduled program is not autostarted and is
 * described with its next run, and every config here loads in
 * supervisord 4.2.5. Order is read from the main log, never from timings.
 *
 * Python counterpart: none (EXTENSIONS.md §9, P5 acceptance check 2).
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { rpcCall } from "./_rpc.ts";
import { rawHttp } from "./_raw_http.ts";

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

const CONF = HEAD + `
[program:tick]
command=/bin/sh -c 'echo run >> %(here)s/ticks'
cron=* * * * * *
autorestart=false
startsecs=0

[program:long]
command=/bin/sleep 1000
cron=@every 1s
cron_overlap=skip
autorestart=false
startsecs=0

[program:stopper]
command=/bin/sleep 1000
autostart=true
cron=0 0 1 1 *
cron_stop=* * * * * *
autorestart=false
startsecs=0

[program:yearly]
command=/bin/true
cron=0 0 1 1 *
cron_timezone=UTC
`;

function start(tmp: string, conf: string): ForegroundDaemon {
  const path = join(tmp, "supervisord.conf");
  writeFileSync(path, conf);
  return new ForegroundDaemon("ours", ["-n", "-c", path], { cwd: tmp, env: fixedEnv() });
}

Deno.test(`[EXT.cron.run,EXT.cron.overlap,EXT.cron.stop,EXT.cron.idle] cron jobs on a real daemon (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-cron-");
  using d = start(tmp.path, CONF);
  await d.waitFor(/spawned: 'tick'/, 20_000, 3);
  await d.waitFor(/cron: 'long' is still running: run of @every skipped/, 20_000, 2);
  await d.waitFor(/cron: stopping 'stopper' \(cron_stop\)/);
  await d.waitFor(/stopped: stopper/);
  const lines = d.lines();
  assert.equal(lines.filter((l) => /spawned: 'long'/.test(l)).length, 1, lines.join("\n"));
  assert.ok(lines.some((l) => /WARN cron is set in section 'program:yearly' .* autorestart is not false/.test(l)));
  assert.ok(!lines.some((l) => /cron is set in section 'program:tick'/.test(l)));
  assert.ok(readFileSync(join(tmp.path, "ticks"), "utf8").split("\n").length >= 3);
  assert.ok(!lines.some((l) => /spawned: 'yearly'/.test(l)), "a cron program is not autostarted");
  const info = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["yearly"]);
  assert.ok(!info.fault);
  const yearly = info.value as Record<string, unknown>;
  assert.equal(yearly.statename, "STOPPED");
  assert.match(String(yearly.description), /^next run 20\d\d-01-01 00:00:00 UTC$/);
  const api = await rawHttp({ path: join(tmp.path, "sv.sock") }, "GET /api/v1/processes HTTP/1.0\r\n\r\n");
  assert.equal(api.status, 200);
  const byName = new Map(
    (JSON.parse(api.body) as { processes: Array<{ name: string; schedule: string | null }> }).processes.map((
      p,
    ) => [p.name, p.schedule]),
  );
  assert.equal(byName.get("tick"), "* * * * * *");
  assert.equal(byName.get("yearly"), "0 0 1 1 *");
  const post = (ns: string, body: string) =>
    rawHttp(
      { path: join(tmp.path, "sv.sock") },
      `POST /api/v1/processes/${ns}/schedule HTTP/1.0\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
  const off = await post("yearly", '{"enabled":false}');
  assert.equal(off.status, 200, off.body);
  assert.deepEqual(JSON.parse(off.body), {
    cron: "0 0 1 1 *",
    cron_stop: null,
    timezone: "UTC",
    overlap: "skip",
    enabled: false,
    next_run: null,
  });
  const disabled = await rpcCall({ path: join(tmp.path, "sv.sock") }, "supervisor.getProcessInfo", ["yearly"]);
  assert.ok(!disabled.fault);
  assert.equal((disabled.value as Record<string, unknown>).description, "schedule disabled");
  const on = JSON.parse((await post("yearly", '{"enabled":true}')).body) as { enabled: boolean; next_run: number };
  assert.equal(on.enabled, true);
  assert.equal(new Date(on.next_run * 1000).toISOString().slice(4), "-01-01T00:00:00.000Z");
  assert.equal((await post("yearly", '{"enabled":"no"}')).status, 400);
  assert.equal((await post("nosuch", '{"enabled":true}')).status, 404);
  d.signal("SIGTERM");
  await d.exited;
});

Deno.test({
  name: `[EXT.cron.python] the config above loads in supervisord 4.2.5 (${ourEntryName()})`,
  ignore: !canAskPython,
  fn() {
    const texts = [CONF.replaceAll("%(here)s", "{TMP}")];
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
