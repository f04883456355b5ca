/**
 * Our own client (`supervisord ctl …`) against the stock
 * `/usr/bin/supervisorctl`, both talking to the SAME running daemon: each
 * step runs the stock client, then ours, with the same arguments, stdin and
 * Ctrl-C timing, and their masked stdout, stderr and exit status are
 * compared. Steps that change the daemon's state are followed by a reset
 * after each client, so both see the same state. The whole table runs once
 * against the reference supervisord and once against ours.
 *
 * One deliberate difference is not compared: after `fg` ends, the stock
 * client waits up to 30 s for its log thread (Python's `fgthread.kill()`
 * only takes effect when `asyncore.loop`'s select times out); ours exits at
 * once. The `fg` step gives the stock client time to finish.
 *
 * Masks: temp paths, ports, pids, uptimes (see _ctl.ts `maskVolatile`), the
 * program name in usage texts (`/usr/bin/supervisorctl` vs `<ours> ctl`),
 * and the frames of Python's traceback for an unparseable config file
 * (ours prints the header and the exception line only).
 *
 * Python counterpart: supervisor/supervisorctl.py (the oracle is the real
 * client).
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { type ClientOptions, CtlDaemon, type CtlOutput, RPC_SECTION, runClient, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourCommand, ourEntryName } from "./_harness.ts";

/**
 * The client is the same code under every entry; this suite takes minutes,
 * so it runs against the compiled binary (what users install), the entry
 * under which `ctl` and the `supervisorctl` link matter. Unit tests cover
 * the ctl under Deno and Bun.
 */
const SKIP = !haveReference() || ourEntryName() !== "binary";
const SKIP_NOTE = !haveReference()
  ? " (skipped: no reference supervisord)"
  : ourEntryName() !== "binary"
  ? " (runs against the compiled binary only)"
  : "";
import { type Step, STEPS_BASIC, STEPS_ERRORS, STEPS_IO, STEPS_STATE } from "./_ctl_own_steps.ts";

const TOUGH = `/bin/sh -c "trap '' HUP USR1; exec sleep 120"`;

/** The fixture: a static log (echoer), a stdin reader, groups, failures and an inet server with auth. */
export const FIXTURE = `${UNIX_HEADER}
[inet_http_server]
port=127.0.0.1:{PORT}
username=user
password=123

${RPC_SECTION}
[program:run]
command=${TOUGH}
startsecs=0

[program:stopped]
command=${TOUGH}
autostart=false

[program:echoer]
command=/bin/sh -c "trap '' HUP USR1; i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done; echo oops >&2; exec sleep 120"
startsecs=0

[program:nolog]
command=${TOUGH}
startsecs=0
stdout_logfile=NONE

[program:nocmd]
command=/nonexistent/prog
autostart=false

[program:notexec]
command=/etc/passwd
autostart=false

[program:fatal]
command=/bin/sh -c "exit 1"
autostart=false
startretries=0
startsecs=5

[group:grp]
programs=gp1,gp2
priority=100

[program:gp1]
command=${TOUGH}
priority=10
startsecs=0

[program:gp2]
command=${TOUGH}
priority=20
startsecs=0

[program:multi]
command=${TOUGH}
numprocs=2
process_name=%(program_name)s_%(process_num)d
startsecs=0
`;

const READY = ["run", "echoer", "nolog", "gp1", "gp2", "multi_0", "multi_1"].map((n) =>
  [new RegExp(`success: ${n} `), 1] as const
);

/** The name our client shows in usage texts: the entry script or binary, then ` ctl`. */
const OUR_PROG = `${ourCommand().at(-1)} ctl`;

function maskOutput(text: string, d: CtlDaemon): string {
  return d.mask(
    text.replaceAll("/usr/bin/supervisorctl", "<PROG>").replaceAll(OUR_PROG, "<PROG>"),
  ).split("\n").filter((l) => !l.startsWith("  ")).join("\n");
}

function entry(label: string, r: CtlOutput, d: CtlDaemon, sortLines: boolean): string {
  let out = maskOutput(r.stdout, d);
  if (sortLines) out = out.split("\n").filter((l) => l !== "").sort().join("\n");
  return `$ ${label}\n${out}\n[stderr] ${maskOutput(r.stderr, d)}\n=> exit ${r.code}`;
}

function clientOptions(step: Step): ClientOptions {
  const opts: ClientOptions = {};
  if (step.stdin !== undefined) opts.stdin = step.stdin;
  if (step.interruptWhen !== undefined) opts.interruptWhen = step.interruptWhen;
  if (step.interruptAfterMs !== undefined) opts.interruptAfterMs = step.interruptAfterMs;
  if (step.timeoutMs !== undefined) opts.timeoutMs = step.timeoutMs;
  return opts;
}

/** Runs our client like `CtlDaemon.ctl` runs the stock one (`-c <conf>` unless the args carry one). */
function ours(d: CtlDaemon, args: readonly string[], opts: ClientOptions): Promise<CtlOutput> {
  const filled = args.map((a) => d.fill(a));
  const full = filled.includes("-c") ? filled : ["-c", d.conf, ...filled];
  return runClient([...ourCommand(), "ctl", ...full], { cwd: d.dir, ...opts });
}

/** Runs the table's steps; returns both transcripts. */
async function runSteps(d: CtlDaemon, steps: readonly Step[]): Promise<{ stock: string[]; ours: string[] }> {
  const out = { stock: [] as string[], ours: [] as string[] };
  for (const step of steps) {
    const label = step.args.join(" ");
    const stock = await d.ctl(step.args, clientOptions(step));
    await step.reset?.(d);
    const own = await ours(d, step.args, clientOptions(step));
    await step.reset?.(d);
    out.stock.push(entry(label, stock, d, step.sortLines ?? false));
    out.ours.push(entry(label, own, d, step.sortLines ?? false));
  }
  return out;
}

const SIDES = ["reference", "ours"] as const;
const GROUPS: ReadonlyArray<[string, string[], readonly Step[]]> = [
  ["status, pid, version, avail, reread, tail, help and the shell's parsing", [
    "CTL.status",
    "CTL.pid",
    "CTL.version",
    "CTL.avail",
    "CTL.reread",
    "CTL.tail",
    "CTL.maintail",
    "CTL.help",
    "CTL.clear",
  ], STEPS_BASIC],
  ["start, stop, restart, signal, add, remove, update, open, fg argument errors", [
    "CTL.start",
    "CTL.stop",
    "CTL.restart",
    "CTL.signal",
    "CTL.add",
    "CTL.remove",
    "CTL.update",
    "CTL.open",
    "CTL.fg",
    "CTL.exit",
  ], STEPS_STATE],
  ["options, config errors, unreachable servers, bad URLs, 401", [
    "CTL.options",
    "CTL.config",
    "CTL.upcheck",
    "CTL.auth401",
    "CFG.supervisorctl.required",
  ], STEPS_ERRORS],
  ["interactive shell, confirmations, tail -f, fg, reload, clear", [
    "CTL.mode",
    "CTL.tail",
    "CTL.fg",
    "CTL.shutdown",
    "CTL.reload",
    "XPORT.tailf",
  ], STEPS_IO],
];

/** Each side's daemon, started once and shared by the tests below. */
const daemons = new Map<(typeof SIDES)[number], Promise<CtlDaemon>>();
function started(side: (typeof SIDES)[number]): Promise<CtlDaemon> {
  let d = daemons.get(side);
  if (d === undefined) {
    d = CtlDaemon.start(side, FIXTURE, { ready: READY }).then((d) => {
      writeFileSync(`${d.dir}/nosec.conf`, "[foo]\na=1\n");
      writeFileSync(`${d.dir}/bad.conf`, "garbage\n[supervisorctl]\n");
      writeFileSync(`${d.dir}/here.conf`, "[supervisorctl]\nserverurl=unix://%(here)s/s.sock\nprompt=box\n");
      return d;
    });
    daemons.set(side, d);
  }
  return d;
}

/** Runs `fn` on both sides at once (their daemons are independent); resolves with both results. */
function onBothSides<T>(fn: (d: CtlDaemon) => Promise<T>): Promise<T[]> {
  return Promise.all(SIDES.map(async (side) => fn(await started(side))));
}

for (const [name, ids, steps] of GROUPS) {
  Deno.test({
    name: `[${ids.join(",")}] our ctl prints what supervisorctl prints: ${name} (reference and ours daemons, ` +
      `${ourEntryName()})` + SKIP_NOTE,
    ignore: SKIP,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const transcripts = await onBothSides((d) => runSteps(d, steps));
      for (const [i, t] of transcripts.entries()) assert.deepEqual(t.ours, t.stock, `against the ${SIDES[i]} daemon`);
    },
  });
}

Deno.test({
  name: `[CTL.shutdown] our ctl shuts the daemon down; then both report it gone (reference and ours daemons, ` +
    `${ourEntryName()})` + SKIP_NOTE,
  ignore: SKIP,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const transcripts = await onBothSides(async (d) => {
      try {
        const first = await ours(d, ["shutdown"], {});
        assert.deepEqual(first, { code: 0, stdout: "Shut down\n", stderr: "" });
        await d.daemon.exited;
        return await runSteps(d, [{ args: ["shutdown"] }, { args: ["status"] }, { args: ["version"] }]);
      } finally {
        await d[Symbol.asyncDispose]();
      }
    });
    for (const [i, t] of transcripts.entries()) assert.deepEqual(t.ours, t.stock, `against the ${SIDES[i]} daemon`);
  },
});
