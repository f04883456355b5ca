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
import process from "node:process";
import { freePort } from "./_ctl_process.ts";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

/** A step after `before`: send a signal (to the daemon, or to its whole process group), or wait for a line. */
type Step = { signal: NodeJS.Signals; group?: boolean } | { wait: RegExp; count?: number } | { sleep: number };

interface Scenario {
  ids: string[];
  name: string;
  programs: string;
  /** Waits for each pattern (with a count), then runs `steps`, then sends `final` (default SIGTERM) to the daemon. */
  before: Array<[RegExp, number]>;
  steps?: Step[];
  /** null: the steps end the daemon themselves; just wait for its exit. */
  final?: NodeJS.Signals | null;
  /** Replaces the `[supervisord]` header; `{PORT}` becomes a free port per side. */
  header?: string;
  /** Extra files written next to the config (name → content). */
  files?: Record<string, string>;
  /** Only lines matching this are compared (for log levels where some lines are timing or address noise). */
  keep?: (line: string) => boolean;
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
    ids: [
      "PROC.startsecs",
      "PROC.stop",
      "PROC.stopped",
      "SIG.exit",
      "PROC.order.shutdown",
      "MLOG.started",
      "MLOG.spawned",
      "MLOG.success",
      "MLOG.sig.exit",
      "MLOG.waitdie",
      "MLOG.stopped",
      "MLOG.root",
    ],
    name: "a program reaches RUNNING and is stopped by SIGTERM to supervisord",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
  },
  {
    ids: ["PROC.tooquick", "PROC.backoff", "MLOG.exited", "MLOG.gaveup", "TEST.timing"],
    name: "a program that exits at once backs off, then gives up",
    // startsecs is long because supervisord checks startsecs before it reaps:
    // on a loaded machine, a pass that runs more than startsecs after a spawn
    // would call the already exited child RUNNING.
    programs: "[program:quick]\ncommand=/bin/sh -c 'exit 0'\nstartretries=1\nstartsecs=10\n",
    before: [[/^INFO gave up: quick /, 1]],
  },
  {
    ids: ["PROC.spawnerr", "SPAWN.lookup", "MLOG.spawnerr", "MLOG.gaveup"],
    name: "a command that does not exist is FATAL with supervisord's spawn error",
    programs: "[program:missing]\ncommand=/nonexistent/prog --flag\nstartretries=0\n",
    before: [[/^INFO gave up: missing /, 1]],
  },
  {
    ids: ["PROC.exit", "PROC.autorestart", "MLOG.exited"],
    name: "an expected exit after startsecs is EXITED and not restarted",
    programs: "[program:done]\ncommand=/bin/sh -c 'sleep 2.5; exit 2'\nexitcodes=2\n",
    before: [[/^INFO exited: done /, 1]],
  },
  {
    ids: ["PROC.kill9", "MLOG.killing9", "MLOG.stopped"],
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
  {
    ids: ["MLOG.rpcinit", "MLOG.noauth", "MLOG.root", "STARTUP.order", "STARTUP.parsemsgs", "LOG.main.startorder"],
    name: "startup with an include, a parse warning and two servers: messages in supervisord's order",
    header: HEADER + "[unix_http_server]\nfile=%(here)s/s.sock\n[inet_http_server]\nport=127.0.0.1:{PORT}\n" +
      "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
      "[include]\nfiles=%(here)s/extra.ini\n",
    files: {
      "extra.ini": "[program:warned]\ncommand=/bin/cat\nautostart=false\nredirect_stderr=true\n" +
        "stderr_logfile=%(here)s/err.log\n",
    },
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
  },
  {
    ids: ["MLOG.sig.usr2", "SIG.handled"],
    name: "SIGUSR2 is logged as a log reopen request, then SIGTERM stops",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    steps: [{ signal: "SIGUSR2" }, { wait: /^INFO supervisord logreopen$/ }],
  },
  {
    ids: ["MLOG.sig.restart", "SIG.handled"],
    name: "SIGHUP restarts: stop, startup lines again, a new spawn",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    steps: [{ signal: "SIGHUP" }, { wait: /^INFO success: ok /, count: 2 }],
  },
  {
    ids: ["SIG.children", "MLOG.sig.exit", "SIG.handled"],
    name: "SIGINT to supervisord's process group (Ctrl-C) reaches supervisord only; children are stopped by it",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    steps: [{ signal: "SIGINT", group: true }],
    final: null,
  },
  {
    ids: ["MLOG.sig.exit", "SIG.handled"],
    name: "SIGQUIT is an exit request",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    steps: [{ signal: "SIGQUIT" }],
    final: null,
  },
  {
    ids: ["SIG.other"],
    name: "SIGPIPE and SIGXFSZ are ignored by supervisord",
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    steps: [{ signal: "SIGPIPE" }, { signal: "SIGXFSZ" }, { sleep: 500 }],
  },
  {
    ids: ["MLOG.killing", "MLOG.statedump", "MLOG.waitdie", "MLOG.stopped"],
    name: "at loglevel blather: the stop signal, the shutdown report and the state dump",
    header: HEADER.replace("loglevel=info", "loglevel=blather"),
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
    // Python's poller, fd and SIGCHLD lines name object addresses or depend on timing; they are not compared.
    keep: (l) => !/^(BLAT (read|write) event|DEBG fd \d+ closed|DEBG received SIGCHLD)/.test(l),
  },
  {
    ids: ["MLOG.pidfail"],
    name: "a pidfile that cannot be written is CRIT (no 'started' line) and supervisord carries on",
    header: HEADER.replace("pidfile=%(here)s/supervisord.pid", "pidfile=%(here)s"),
    programs: "[program:ok]\ncommand=/bin/sh -c 'exec sleep 30'\nstartsecs=1\n",
    before: [[/^INFO success: ok /, 1]],
  },
];

async function runScenario(side: Side, scenario: Scenario): Promise<{ lines: string[]; code: number | null }> {
  using tmp = tempDir("svts-engine-");
  const conf = join(tmp.path, "supervisord.conf");
  const header = (scenario.header ?? HEADER).replace("{PORT}", String(await freePort()));
  writeFileSync(conf, header + scenario.programs);
  for (const [name, text] of Object.entries(scenario.files ?? {})) writeFileSync(join(tmp.path, name), text);
  using daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  await daemon.waitFor(/supervisord started with pid|could not write pidfile/);
  for (const [pattern, count] of scenario.before) await daemon.waitFor(pattern, 30_000, count);
  for (const step of scenario.steps ?? []) {
    if ("signal" in step) {
      if (step.group) process.kill(-daemon.pid, step.signal);
      else daemon.signal(step.signal);
    } else if ("sleep" in step) {
      await new Promise((r) => setTimeout(r, step.sleep));
    } else {
      await daemon.waitFor(step.wait, 30_000, step.count ?? 1);
    }
  }
  const final = scenario.final === undefined ? "SIGTERM" : scenario.final;
  if (final !== null) daemon.signal(final);
  const { code } = await daemon.exited;
  const lines = daemon.lines().map((l) => maskLogLine(l, tmp.path));
  return { lines: scenario.keep ? lines.filter(scenario.keep) : lines, code };
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
