/**
 * Faulty event listeners, under our daemon and /usr/bin/supervisord with
 * the same config: a listener that answers garbage, one that dies in the
 * middle of an event, one that never answers, and a pool whose buffer
 * overflows. Both daemons must keep running and log the same listener and
 * pool warnings and errors (serials and pids masked).
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";

/** A listener that reads one event (header, then `len` bytes) and then does `then`. */
const listener = (then: string) =>
  `/bin/sh -c 'printf "READY\\n"; read header; len=$(echo "$header" | sed "s/.*len://"); ` +
  `head -c "$len" >/dev/null; ${then}'`;

interface Scenario {
  name: string;
  ids: string[];
  listener: string;
  extra?: string;
  /** Log line to wait for (`count` times) before stopping the daemon. */
  until: RegExp;
  count?: number;
  /** The program whose state changes are the events; default: one that flaps. */
  program?: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: "a listener that answers garbage",
    ids: ["LSN.unknown", "LSN.states"],
    listener: listener(`printf "GARBAGE\\n"; exec sleep 300`),
    until: /bad result line/,
    program: "/bin/sleep 300",
  },
  {
    name: "a listener that dies in the middle of an event",
    ids: ["EVT.reject.exit", "LSN.states"],
    listener: listener(`exit 1`),
    program: "/bin/sleep 300",
    until: /exited: lsn /,
    count: 2,
  },
  {
    name: "a pool whose listener never answers overflows its buffer",
    ids: ["EVT.buffer", "LSN.busy"],
    listener: listener(`exec sleep 300`),
    extra: "buffer_size=2\n",
    until: /event buffer overflowed/,
  },
];

const HEADER = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
identifier=evfault
loglevel=info
`;

function config(s: Scenario): string {
  return HEADER +
    `[eventlistener:lsn]\ncommand=${s.listener}\nevents=PROCESS_STATE\n${s.extra ?? ""}\n` +
    // By default a program that flaps produces a steady flow of state events.
    `[program:flap]\ncommand=${s.program ?? "/bin/sh -c 'sleep 0.2; exit 1'"}\nstartsecs=0\nautorestart=true\n`;
}

/** The distinct warnings and errors about listeners and pools, masked and sorted. */
function listenerLines(lines: string[], tmp: string): string[] {
  return [
    ...new Set(
      lines
        // How the final stop goes (SIGTERM or, if it lands mid-read, SIGKILL) is a race on both sides.
        .filter((l) => /^(WARN|ERRO) /.test(l) && /lsn|pool|event/.test(l) && !/stopped: |killing /.test(l))
        .map((l) => maskLogLine(l, tmp).replace(/event \d+/g, "event <N>")),
    ),
  ].sort();
}

async function runScenario(side: Side, s: Scenario): Promise<string[]> {
  using tmp = tempDir("svts-evfault-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, config(s));
  using d = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(s.until, 30_000, s.count ?? 1);
  d.signal("SIGTERM");
  const { code } = await d.exited;
  assert.equal(code, 0, `${side} did not exit cleanly`);
  return listenerLines(d.lines(), tmp.path);
}

for (const s of SCENARIOS) {
  Deno.test({
    name: `[${s.ids.join(",")}] ${s.name}: both daemons keep running and log the same warnings (${ourEntryName()})`,
    ignore: !haveReference(),
    fn: async () => {
      const [theirs, ours] = await Promise.all([runScenario("reference", s), runScenario("ours", s)]);
      assert.ok(theirs.length > 0, "the scenario logs nothing to compare");
      assert.deepEqual(ours, theirs);
    },
  });
}
