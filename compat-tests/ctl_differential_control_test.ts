/**
 * supervisorctl against our daemon and the reference, same fixture, same
 * commands: status (every form), start, stop, restart, signal, pid and
 * version, with their error forms and exit codes (SURFACE §9).
 *
 * Python counterpart: supervisor/supervisorctl.py (the client is the real
 * one; what is compared is what our RPC answers make it print).
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

/** Ignores HUP and USR1 so signals do not make it exit. */
const TOUGH = `/bin/sh -c "trap '' HUP USR1; exec sleep 120"`;

const PROGRAMS = `
[program:run]
command=${TOUGH}
startsecs=0

[program:stopped]
command=${TOUGH}
autostart=false

[program:nocmd]
command=/nonexistent/prog
autostart=false

[program:notexec]
command=/etc/passwd
autostart=false

[program:badquote]
command=/bin/echo "unterminated
autostart=false

[program:fatal]
command=/bin/sh -c "echo failing; sleep 0.3; exit 1"
autostart=false
startretries=0
startsecs=3

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

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${PROGRAMS}`;
const READY = {
  ready: ["run", "gp1", "gp2", "multi_0", "multi_1"].map((n) => [new RegExp(`success: ${n} `), 1] as const),
};

const SCENARIOS: Scenario[] = [
  {
    ids: ["CTL.status", "CTL.exit", "RPC.struct.description", "RPC.supervisor.getAllProcessInfo", "CTL.upcheck"],
    name: "status with no names, names, groups, unknown names and unknown groups",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "status",
      "status all",
      "status run",
      "status run stopped",
      "status nosuch",
      "status stopped nosuch",
      "status grp:*",
      "status grp:",
      "status grp",
      "status nosuch:*",
      "status grp:nosuch",
      "status multi_0",
      "status multi:*",
      "status multi:multi_1 run",
    ],
  },
  {
    ids: ["CTL.pid", "CTL.version", "RPC.supervisor.getPID", "RPC.supervisor.getSupervisorVersion"],
    name: "pid of supervisord, of a process, of all, of unknown names; version",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "pid",
      "pid run",
      "pid stopped",
      "pid nosuch",
      "pid all",
      "pid run stopped",
      "pid grp:gp1",
      "version",
      "version x",
    ],
  },
  {
    ids: ["CTL.start", "CTL.exit", "RPC.supervisor.startProcess", "RPC.supervisor.startProcessGroup", "FAULT.table"],
    name: "start: names, groups, already started, no such file, not executable, spawn error, no names",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "start run",
      "start stopped",
      "start stopped",
      "start nocmd",
      "start notexec",
      "start badquote",
      "start fatal",
      "start nosuch",
      "start nosuch:*",
      "start grp:nosuch",
      "start",
      "start grp:*",
      { ctl: ["stop", "grp:*"], sortLines: true },
      "start grp:*",
      "stop multi:multi_0",
      "start multi:multi_0 run",
      "status",
    ],
  },
  {
    ids: ["CTL.start", "RPC.supervisor.startAllProcesses", "RPC.struct.result"],
    name: "start all reports each process, immediate failures first",
    fixture: FIXTURE,
    side: READY,
    steps: ["start all", "status", "start all"],
  },
  {
    ids: [
      "CTL.stop",
      "RPC.supervisor.stopProcess",
      "RPC.supervisor.stopProcessGroup",
      "RPC.supervisor.stopAllProcesses",
    ],
    name: "stop: names, groups, all, not running, unknown names and groups, no names",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "stop stopped",
      "stop run",
      "stop run",
      "stop nosuch",
      "stop nosuch:*",
      "stop grp:nosuch",
      "stop",
      { ctl: ["stop", "grp:*"], sortLines: true },
      "stop grp:*",
      { ctl: ["stop", "all"], sortLines: true },
      "status",
      "stop all",
    ],
  },
  {
    ids: ["CTL.restart", "CTL.exit"],
    name: "restart: running, not running, groups, all, unknown, no names",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "restart run",
      "restart stopped",
      "restart nosuch",
      "restart",
      { ctl: ["restart", "grp:*"], sortLines: true },
      "restart fatal",
      { ctl: ["restart", "all"], sortLines: true },
      "status",
    ],
  },
  {
    ids: ["CTL.start", "CTL.stop", "CTL.exit", "FAULT.table", "RPC.supervisor.startProcess"],
    name: "start that is overtaken by a stop ends in abnormal termination (exit 7)",
    fixture: `${FIXTURE}\n[program:slow]\ncommand=${TOUGH}\nautostart=false\nstartsecs=5\n`,
    side: READY,
    steps: [{ together: ["start slow", "stop slow"], staggerMs: 700 }, "status slow"],
  },
  {
    ids: [
      "CTL.signal",
      "RPC.supervisor.signalProcess",
      "RPC.supervisor.signalProcessGroup",
      "RPC.supervisor.signalAllProcesses",
    ],
    name: "signal: names, numbers, groups, all, bad signal, not running, unknown names, too few arguments",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "signal HUP run",
      "signal sighup run",
      "signal 1 run",
      "signal FOO run",
      "signal HUP stopped",
      "signal 1 grp:*",
      "signal BAD grp:*",
      "signal USR1 all",
      "signal HUP nosuch",
      "signal HUP nosuch:*",
      "signal HUP",
      "signal",
      "signal HUP run stopped nosuch",
      "status",
    ],
  },
];

await registerScenarios(SCENARIOS);
