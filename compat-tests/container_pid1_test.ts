/**
 * The container recipe (EXTENSIONS.md §1, issue 12): supervisord in
 * container mode as PID 1 of a new pid namespace (`unshare --fork --pid
 * --mount-proc`, as a container's entrypoint runs): child output prefixed on
 * its stdout, an essential program's exit status as the container's, the
 * other programs stopped by supervisord itself, and no process of the run
 * left afterwards. The shipped example config (examples/container.conf)
 * loads here and in supervisord 4.2.5.
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourEntryName, ROOT, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { loadConfig } from "../src/config/load.ts";
import { nodeHost } from "./_config_model.ts";
import { DEMO_CONF } from "../src/demo_conf.ts";

const UNSHARE = ["unshare", "--fork", "--pid", "--mount-proc"];

/** True when this machine lets us make a pid namespace (root with CAP_SYS_ADMIN). */
function canUnshare(): boolean {
  return spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), "true"]).status === 0;
}

/** Pids whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) out.push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** A program that also leaves an orphan behind; an essential job that fails with 3 after a while. */
const CONF = `[supervisord]
container_mode=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[program:web]
command=/bin/sh -c 'for i in 1 2 3; do echo "web line $i"; done; ( exec sleep 3017 ) & exec sleep 3016'
startsecs=0

[program:job]
command=/bin/sh -c 'sleep 2; echo "job failing" >&2; exit 3'
startsecs=0
autorestart=false
essential=true
`;

Deno.test({
  name:
    `as PID 1 in container mode: prefixed output, the essential job's status, nothing left behind (${ourEntryName()})`,
  ignore: !canUnshare(),
  fn: async () => {
    using tmp = tempDir("svts-pid1-");
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, CONF);
    using daemon = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv(), prefix: UNSHARE });
    const { code } = await daemon.exited;
    assert.equal(code, 3, daemon.stdout + daemon.stderr);
    const out = daemon.stdout.split("\n");
    for (const i of [1, 2, 3]) assert.ok(out.includes(`web | web line ${i}`), daemon.stdout);
    assert.deepEqual(daemon.stderr.split("\n").filter((l) => l.includes("job failing")), ["job | job failing"]);
    const log = readFileSync(join(tmp.path, "supervisord.log"), "utf8");
    assert.match(log, /CRIT essential program 'job' exited \(exit status 3\); shutting down \(exit status 3\)/);
    assert.match(log, /stopped: web \(terminated by SIGTERM\)/, "supervisord stopped web itself");
    assert.deepEqual([...processesWith("sleep 3016"), ...processesWith("sleep 3017")], [], "no process survives");
  },
});

Deno.test({
  name: "examples/container.conf and the demo config load here and in supervisord 4.2.5",
  fn() {
    const path = join(ROOT, "examples/container.conf");
    const config = loadConfig(path, nodeHost(ROOT, fixedEnv()));
    assert.equal(config.supervisord.container_mode, true);
    assert.deepEqual(config.groups.map((g) => g.name), ["web", "worker"]);
    if (canAskPython) assert.deepEqual(pythonLoadErrors([readFileSync(path, "utf8"), DEMO_CONF]), [null, null]);
  },
});
