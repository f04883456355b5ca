/**
 * Differential test of the engine: the same config run in the foreground by
 * /usr/bin/supervisord and by ours, driven through the same steps (wait for a
 * log line, send a signal), must log the same main-log lines, in the same
 * order, once timestamps, pids and temp paths are masked; and both must exit
 * with the same status.
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

interface Scenario {
  ids: string[];
  name: string;
  programs: string;
  /** Waits for each pattern (with a count), then sends SIGTERM to the daemon. */
  before: Array<[RegExp, number]>;
}

const HEADER = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
identifier=difftest
loglevel=info
`;

const SCENARIOS: Scenario[] = [
  {
    ids: ["PROC.startsecs", "PROC.stop", "PROC.stopped", "SIG.exit", "PROC.order.shutdown", "MLOG.started"],
    name: "a program reaches RUNNING and is stopped by SIGTERM to supervisord",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
  },
  {
    ids: ["PROC.tooquick", "PROC.backoff"],
    name: "a program that exits at once backs off, then gives up",
    // startsecs is long because supervisord checks startsecs before it reaps:
    // on a loaded machine, a pass that runs more than startsecs after a spawn
    // would call the already exited child RUNNING.
    programs: "[program:quick]\ncommand=/bin/sh -c 'exit 0'\nstartretries=1\nstartsecs=10\n",
    before: [[/^INFO gave up: quick /, 1]],
  },
  {
    ids: ["PROC.spawnerr", "SPAWN.lookup"],
    name: "a command that does not exist is FATAL with supervisord's spawn error",
    programs: "[program:missing]\ncommand=/nonexistent/prog --flag\nstartretries=0\n",
    before: [[/^INFO gave up: missing /, 1]],
  },
  {
    ids: ["PROC.exit", "PROC.autorestart"],
    name: "an expected exit after startsecs is EXITED and not restarted",
    programs: "[program:done]\ncommand=/bin/sh -c 'sleep 2.5; exit 2'\nexitcodes=2\n",
    before: [[/^INFO exited: done /, 1]],
  },
  {
    ids: ["PROC.kill9"],
    name: "a program that ignores SIGTERM gets SIGKILL after stopwaitsecs",
    programs: "[program:stubborn]\ncommand=/bin/sh -c \"trap '' TERM; exec sleep 30\"\nstopwaitsecs=1\n",
    before: [[/^INFO success: stubborn /, 1]],
  },
  {
    ids: ["PROC.autorestart", "PROC.exit"],
    name: "an unexpected exit is restarted under autorestart=true",
    // The first two runs exit with 1 after 1.5 s; the third stays up until stopped.
    programs: "[program:again]\ncommand=/bin/sh -c 'n=$(cat %(here)s/n 2>/dev/null || echo 0); n=$((n+1)); " +
      "echo $n > %(here)s/n; if [ $n -lt 3 ]; then sleep 1.5; exit 1; fi; exec sleep 30'\nautorestart=true\n",
    before: [[/^INFO success: again /, 3]],
  },
];

async function runScenario(side: Side, scenario: Scenario): Promise<{ lines: string[]; code: number | null }> {
  using tmp = tempDir("svts-engine-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, HEADER + scenario.programs);
  using daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  await daemon.waitFor(/supervisord started with pid/);
  for (const [pattern, count] of scenario.before) await daemon.waitFor(pattern, 30_000, count);
  daemon.signal("SIGTERM");
  const { code } = await daemon.exited;
  return { lines: daemon.lines().map((l) => maskLogLine(l, tmp.path)), code };
}

for (const scenario of SCENARIOS) {
  Deno.test({
    name: `[${scenario.ids.join(",")}] ${scenario.name}: same main log as supervisord (${ourEntryName()})`,
    ignore: !haveReference(),
    fn: async () => {
      const [theirs, ours] = await Promise.all([runScenario("reference", scenario), runScenario("ours", scenario)]);
      assert.deepEqual(ours.lines, theirs.lines);
      assert.equal(ours.code, theirs.code);
    },
  });
}
