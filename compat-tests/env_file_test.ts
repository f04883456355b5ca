/**
 * `env_file` on a real daemon (EXTENSIONS.md §5A, P4 acceptance check 2):
 * the file is read at every spawn, so `restart` picks up an edited value
 * without `reread`; a missing file is a spawn error (FATAL with the spawnerr
 * text); a `-` file may be missing; the program's own `environment=` wins;
 * values never reach the main log. The stock supervisorctl drives it, and
 * supervisord 4.2.5 loads the same file.
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const FIXTURE = `${UNIX_HEADER.replace("identifier=ctltest\n", "identifier=ctltest\nenv_file=-daemon.env\n")}
${RPC_SECTION}
[program:web]
command=/bin/sh -c 'echo "$TOKEN|$OVER|$FROM_DAEMON" > %(here)s/web.out; exec sleep 300'
env_file=secrets/web.env
environment=OVER=explicit
autostart=false
startsecs=0

[program:gone]
command=/bin/sleep 300
env_file=/nonexistent/app.env
startretries=0

[program:opt]
command=/bin/sleep 300
envfiles=-/nonexistent/app.env
startsecs=0
`;

async function until(what: string, seen: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function webOut(dir: string): string {
  const path = join(dir, "web.out");
  return existsSync(path) ? readFileSync(path, "utf8").trim() : "";
}

Deno.test({
  name:
    `env_file: read at every spawn, missing = FATAL with spawnerr, '-' optional, environment= wins (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    await using d = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: opt entered RUNNING/, 1]] });
    await d.daemon.waitFor(/gave up: gone entered FATAL/);
    const info = await d.rpc([["supervisor.getProcessInfo", ["gone"]]]);
    const gone = (info[0] as { ok: Record<string, unknown> }).ok;
    assert.equal(gone.statename, "FATAL");
    assert.equal(gone.spawnerr, "env_file '/nonexistent/app.env': No such file or directory");
    assert.ok(d.daemon.lines().includes("INFO spawnerr: env_file '/nonexistent/app.env': No such file or directory"));

    const [fails] = await d.ctlBatch([["start", "gone"]]);
    assert.equal(fails!.stdout, "gone: ERROR (spawn error)\n");

    mkdirSync(join(d.dir, "secrets"));
    writeFileSync(join(d.dir, "secrets/web.env"), "TOKEN=s3cr3t-one\nOVER=from-file\n");
    // [supervisord] env_file is read at load only: a file that appears later is not seen before a reload.
    writeFileSync(join(d.dir, "daemon.env"), "FROM_DAEMON=ignored-until-reload\n");
    const [started] = await d.ctlBatch([["start", "web"]]);
    assert.equal(started!.stdout, "web: started\n");
    await until("web.out", () => webOut(d.dir) !== "");
    assert.equal(webOut(d.dir), "s3cr3t-one|explicit|");

    writeFileSync(join(d.dir, "secrets/web.env"), "export TOKEN='s3cr3t-two'\r\n");
    writeFileSync(join(d.dir, "web.out"), "");
    const [restarted] = await d.ctlBatch([["restart", "web"]]);
    assert.equal(restarted!.stdout, "web: stopped\nweb: started\n");
    await until("web.out after restart", () => webOut(d.dir) !== "");
    assert.equal(webOut(d.dir), "s3cr3t-two|explicit|");

    assert.ok(!d.daemon.stdout.includes("s3cr3t"), "no value in the main log");
    const all = JSON.stringify(await d.rpc([["supervisor.getAllConfigInfo"], ["supervisor.getAllProcessInfo"]]));
    assert.ok(!all.includes("s3cr3t"), "no value over RPC");
  },
});

Deno.test({
  name: "env_file: supervisord 4.2.5 loads the fixture (the keys are unknown keys to it)",
  ignore: !canAskPython,
  fn() {
    assert.deepEqual(pythonLoadErrors([FIXTURE.replaceAll("%(here)s", "{TMP}")]), [null]);
  },
});
