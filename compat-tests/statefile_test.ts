/**
 * `[supervisord] statefile` on a real daemon (EXTENSIONS.md §7, P4
 * acceptance check 5): `supervisorctl stop web`, restart the daemon, and web
 * is STOPPED with the documented description while the others start;
 * `start web` removes the entry. supervisord 4.2.5 loads the same file.
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const CONF = `${UNIX_HEADER.replace("[supervisord]\n", "[supervisord]\nstatefile=%(here)s/state.json\n")}
${RPC_SECTION}
[program:web]
command=/bin/sleep 300
startsecs=0

[program:other]
command=/bin/sleep 300
startsecs=0
`;

Deno.test({
  name: `statefile: an operator stop survives a daemon restart; start clears it (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    using tmp = tempDir("svts-state-");
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, CONF);
    const ctl = (...args: string[]) => run([REFERENCE_CTL, "-c", conf, ...args], { cwd: tmp.path, env: fixedEnv() });
    const state = () => JSON.parse(readFileSync(join(tmp.path, "state.json"), "utf8"));
    const start = () => new ForegroundDaemon("ours", ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });

    {
      using d = start();
      await d.waitFor(/success: (web|other) entered RUNNING/, 20_000, 2);
      assert.equal((await ctl("stop", "web")).stdout, "web: stopped\n");
      assert.deepEqual(state(), { version: 1, operator_stopped: ["web:web"] });
      d.signal("SIGTERM");
      await d.exited;
    }
    using d = start();
    await d.waitFor(/success: other entered RUNNING/);
    const status = (await ctl("status", "web")).stdout;
    assert.match(status, /^web\s+STOPPED\s+Not started \(stopped by operator before restart\)\n$/);
    assert.ok(!d.lines().some((l) => l.includes("spawned: 'web'")), "web was not started");
    assert.equal((await ctl("start", "web")).stdout, "web: started\n");
    assert.deepEqual(state(), { version: 1, operator_stopped: [] });
  },
});

Deno.test({
  name: "statefile: supervisord 4.2.5 loads the file; a missing directory is a load error here",
  ignore: !canAskPython,
  async fn() {
    assert.deepEqual(pythonLoadErrors([CONF.replaceAll("%(here)s", "{TMP}")]), [null]);
    using tmp = tempDir("svts-state-");
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, "[supervisord]\nstatefile=/nonexistent/dir/state.json\n");
    const r = await run([...ourCommand(), "-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split("\n")[0], "Error: statefile directory '/nonexistent/dir' does not exist");
  },
});
