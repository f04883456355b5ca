/**
 * supervisorctl against our daemon and the reference: tail (channels, byte
 * counts, errors, `-f`), clear and maintail (SURFACE §9.2), on programs
 * whose output is fixed so both sides log the same bytes.
 *
 * Python counterpart: supervisor/supervisorctl.py (`do_tail`, `do_clear`,
 * `do_maintail`) over supervisor/rpcinterface.py and supervisor/http.py.
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

const PRINT = `/bin/sh -c "printf 'out 1\\nout 2\\nout 3\\n'; printf 'err 1\\nerr 2\\n' >&2; exec sleep 120"`;

const PROGRAMS = `
[program:echo]
command=${PRINT}
startsecs=0

[program:redir]
command=${PRINT}
startsecs=0
redirect_stderr=true

[program:nolog]
command=${PRINT}
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE

[program:fixed]
command=${PRINT}
startsecs=0
stdout_logfile=%(here)s/fixed.out
stderr_logfile=%(here)s/fixed.err

[group:grp]
programs=gp1

[program:gp1]
command=${PRINT}
startsecs=0
`;

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${PROGRAMS}`;
const READY = {
  ready: ["echo", "redir", "nolog", "fixed", "gp1"].map((n) => [new RegExp(`success: ${n} `), 1] as const),
};
/** Lets the daemons copy the children's output into the log files. */
const SETTLE = { sleepMs: 700 };

/** Only CRIT lines reach this main log, so its bytes are the same on both sides once times are masked. */
const QUIET_LOG = `${UNIX_HEADER.replace("loglevel=info", "loglevel=critical")}\n${RPC_SECTION}`;

const SCENARIOS: Scenario[] = [
  {
    ids: ["CTL.tail", "RPC.supervisor.readProcessStdoutLog", "RPC.supervisor.readProcessStderrLog", "RPC.readfile"],
    name: "tail: stdout, stderr, byte counts, whole file, redirected stderr, no log, unknown names, bad arguments",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.readProcessStdoutLog", "supervisor.readProcessStderrLog"],
    steps: [
      SETTLE,
      "tail echo",
      "tail echo stdout",
      "tail echo stderr",
      "tail -5 echo",
      "tail -7 echo stderr",
      "tail -0 echo",
      "tail -100000 redir",
      "tail redir stderr",
      "tail nolog",
      "tail nolog stderr",
      "tail fixed",
      "tail grp:gp1 stderr",
      "tail grp:*",
      "tail nosuch",
      "tail echo stdin",
      "tail -x echo",
      "tail",
      "tail -5 echo stdout extra",
      "tail -f",
    ],
  },
  {
    ids: ["CTL.tail", "XPORT.tailf", "HTTP.logtail"],
    name: "tail -f prints the end of the log and follows it until Ctrl-C",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.readProcessStdoutLog", "logtail"],
    steps: [
      SETTLE,
      {
        together: [
          // Ctrl-C once the first chunk (the whole log here) is out; a 404 ends the client by itself.
          { ctl: ["tail", "-f", "echo"], interruptWhen: /out 3\n/ },
          { ctl: ["tail", "-f", "echo", "stderr"], interruptWhen: /err 2\n/ },
          { ctl: ["tail", "-f", "grp:gp1"], interruptWhen: /out 3\n/ },
          { ctl: ["tail", "-f", "nolog"], interruptAfterMs: 10_000 },
          { ctl: ["tail", "-f", "nosuch"], interruptAfterMs: 10_000 },
        ],
        staggerMs: 0,
      },
    ],
  },
  {
    ids: ["CTL.clear", "RPC.supervisor.clearProcessLogs", "RPC.supervisor.clearAllProcessLogs"],
    name: "clear: one process, several, all, unknown names, groups, no names",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.clearProcessLogs", "supervisor.clearAllProcessLogs", "supervisor.readProcessStdoutLog"],
    steps: [
      SETTLE,
      "clear echo",
      "tail echo",
      "tail echo stderr",
      "clear nosuch",
      "clear grp:*",
      "clear echo nosuch fixed",
      "clear",
      "clear all",
      "tail redir",
    ],
  },
  {
    ids: ["CTL.maintail", "RPC.supervisor.readLog"],
    name: "maintail: whole tail, byte counts, bad arguments",
    fixture: QUIET_LOG,
    needs: ["supervisor.readLog"],
    steps: ["maintail", "maintail -60", "maintail -0", "maintail x", "maintail -5 extra"],
  },
  {
    ids: ["CTL.maintail", "HTTP.mainlogtail", "XPORT.tailf"],
    name: "maintail -f prints the end of the main log until Ctrl-C",
    fixture: QUIET_LOG,
    needs: ["supervisor.readLog", "mainlogtail"],
    steps: [{ ctl: ["maintail", "-f"], interruptWhen: /authentication checking\n/ }],
  },
  {
    ids: ["CTL.maintail", "RPC.supervisor.readLog"],
    name: "maintail without a main log file: no log file",
    fixture: `${UNIX_HEADER.replace(/^logfile=.*$/m, "logfile=NONE")}\n${RPC_SECTION}`,
    needs: ["supervisor.readLog"],
    steps: ["maintail", "maintail -10"],
  },
];

await registerScenarios(SCENARIOS);
