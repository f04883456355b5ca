/**
 * Raw XML-RPC calls (Python's xmlrpc.client) against our daemon and the
 * reference: every fault of SURFACE §8.2 that a client can provoke, the
 * result structs of group operations, multicall, and what happens to
 * parameters of the wrong type (Python's answers include HTTP 500s and
 * multicall `FAILED: <class …>` texts, which we reproduce).
 *
 * Python counterpart: supervisor/rpcinterface.py and supervisor/xmlrpc.py
 * (the reference is the oracle).
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

const TOUGH = `/bin/sh -c "trap '' HUP USR1; exec sleep 120"`;
const PRINT = `/bin/sh -c "printf 'out 1\\nout 2\\nout 3\\n'; printf 'err 1\\n' >&2; exec sleep 120"`;

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

[program:isdir]
command=/tmp
autostart=false

[program:badquote]
command=/bin/echo "unterminated
autostart=false

[program:fatal]
command=/bin/sh -c "echo failing; sleep 0.3; exit 1"
autostart=false
startretries=0
startsecs=3

[program:echo]
command=${PRINT}
startsecs=0

[program:fixedlog]
command=${PRINT}
startsecs=0
stdout_logfile=%(here)s/fixed.out

[program:nolog]
command=${TOUGH}
autostart=false
stdout_logfile=NONE

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
`;

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${PROGRAMS}`;
const READY = {
  ready: ["run", "echo", "fixedlog", "gp1", "gp2"].map((n) => [new RegExp(`success: ${n} `), 1] as const),
};
const mc = (...calls: Array<[string, unknown[]?]>) =>
  ["system.multicall", [calls.map(([methodName, params]) => params ? { methodName, params } : { methodName })]] as [
    string,
    unknown[],
  ];

const SCENARIOS: Scenario[] = [
  {
    ids: [
      "FAULT.table",
      "XMLRPC.dispatch",
      "RPC.supervisor.getState",
      "RPC.supervisor.getIdentification",
      "RPC.supervisor.getAPIVersion",
      "RPC.supervisor.getVersion",
      "RPC.system.methodSignature",
      "RPC.system.methodHelp",
    ],
    name: "dispatch faults, state and identity methods",
    fixture: FIXTURE,
    side: READY,
    steps: [{
      rpc: [
        ["supervisor.nosuch"],
        ["supervisor.x.y"],
        ["supervisor._update"],
        ["nosuch.getPID"],
        ["supervisor.getPID", [1]],
        ["supervisor.startProcess"],
        ["supervisor.startProcess", ["a", true, 1]],
        ["system.methodHelp", ["nosuch"]],
        ["system.methodSignature", ["supervisor.nosuch"]],
        ["system.methodSignature", ["supervisor.startProcess"]],
        ["supervisor.getState"],
        ["supervisor.getIdentification"],
        ["supervisor.getAPIVersion"],
        ["supervisor.getVersion"],
        ["supervisor.getSupervisorVersion"],
      ],
    }],
  },
  {
    ids: [
      "FAULT.table",
      "RPC.supervisor.startProcess",
      "RPC.supervisor.stopProcess",
      "RPC.supervisor.getProcessInfo",
      "RPC.struct.processinfo",
      "RPC.struct.description",
    ],
    name: "process control faults: BAD_NAME, NO_FILE, NOT_EXECUTABLE, SPAWN_ERROR, ALREADY_STARTED, NOT_RUNNING",
    fixture: FIXTURE,
    side: READY,
    steps: [{
      unordered: true,
      rpc: [
        ["supervisor.getProcessInfo", ["nosuch"]],
        ["supervisor.getProcessInfo", ["grp:*"]],
        ["supervisor.getProcessInfo", ["grp"]],
        ["supervisor.getProcessInfo", ["run"]],
        ["supervisor.getProcessInfo", ["stopped"]],
        ["supervisor.startProcess", ["nocmd"]],
        ["supervisor.startProcess", ["notexec"]],
        ["supervisor.startProcess", ["isdir"]],
        ["supervisor.startProcess", ["badquote"]],
        ["supervisor.startProcess", ["fatal"]],
        ["supervisor.getProcessInfo", ["fatal"]],
        ["supervisor.startProcess", ["run"]],
        ["supervisor.startProcess", ["grp:gp1"]],
        ["supervisor.startProcess", ["nosuch:*"]],
        ["supervisor.startProcessGroup", ["grp"]],
        ["supervisor.stopProcess", ["stopped"]],
        ["supervisor.stopProcess", ["nosuch"]],
        ["supervisor.stopProcessGroup", ["nosuch"]],
        ["supervisor.startProcess", ["stopped", false]],
        ["supervisor.getProcessInfo", ["stopped"]],
        ["supervisor.stopProcess", ["stopped"]],
        ["supervisor.getProcessInfo", ["stopped"]],
        ["supervisor.stopProcessGroup", ["grp"]],
        ["supervisor.startProcessGroup", ["grp", false]],
        ["supervisor.getAllProcessInfo"],
      ],
    }],
  },
  {
    ids: ["FAULT.table", "RPC.supervisor.signalProcess", "RPC.supervisor.signalProcessGroup", "RPC.struct.result"],
    name: "signal faults: BAD_SIGNAL, NOT_RUNNING, BAD_NAME; names, numbers and int parameters",
    fixture: FIXTURE,
    side: READY,
    steps: [{
      rpc: [
        ["supervisor.signalProcess", ["run", "sigcont"]],
        ["supervisor.signalProcess", ["run", 18]],
        ["supervisor.signalProcess", ["run", " hup "]],
        ["supervisor.signalProcess", ["run", "BAD"]],
        ["supervisor.signalProcess", ["run", "99"]],
        ["supervisor.signalProcess", ["stopped", "BAD"]],
        ["supervisor.signalProcess", ["stopped", "HUP"]],
        ["supervisor.signalProcess", ["nosuch", "HUP"]],
        ["supervisor.signalProcess", ["grp:*", "CONT"]],
        ["supervisor.signalProcessGroup", ["grp", "BAD"]],
        ["supervisor.signalProcessGroup", ["nosuch", "HUP"]],
        ["supervisor.signalAllProcesses", ["CONT"]],
        ["supervisor.signalAllProcesses", ["NOPE"]],
      ],
    }],
  },
  {
    ids: ["RPC.supervisor.signalProcess", "DT.signal"],
    name: "signal 0 (a liveness probe) succeeds and leaves the process running",
    fixture: FIXTURE,
    side: READY,
    steps: [
      { rpc: [["supervisor.signalProcess", ["run", "0"]], ["supervisor.getProcessInfo", ["run"]]] },
      "signal 0 run",
    ],
  },
  {
    ids: ["RPC.system.multicall", "FAULT.table"],
    name: "multicall: bare results, faults as structs, nested, no methodName, deferred calls in order",
    fixture: FIXTURE,
    side: READY,
    steps: [{
      rpc: [
        mc(
          ["supervisor.getAPIVersion"],
          ["supervisor.nosuch"],
          ["system.multicall", [[]]],
          ["supervisor.getProcessInfo", ["nosuch"]],
          ["supervisor.stopProcess", ["grp:gp1"]],
          ["supervisor.startProcess", ["grp:gp1"]],
          ["supervisor.getPID", [1, 2]],
        ),
        ["system.multicall", [[{}]]],
        ["system.multicall", [[{ methodName: "supervisor.getAPIVersion" }, 5]]],
      ],
    }],
  },
  {
    ids: ["XMLRPC.500", "XMLRPC.dispatch", "RPC.system.multicall"],
    name: "parameters of the wrong type: Python's 500s, BAD_NAMEs and multicall FAILED texts",
    fixture: FIXTURE,
    side: READY,
    steps: [{
      rpc: [
        ["supervisor.getProcessInfo", [5]],
        ["supervisor.getProcessInfo", [["a"]]],
        ["supervisor.startProcess", [5]],
        ["supervisor.stopProcess", [true]],
        ["supervisor.signalProcess", [5, "HUP"]],
        ["supervisor.startProcessGroup", [5]],
        ["supervisor.startProcessGroup", [["grp"]]],
        ["supervisor.stopProcessGroup", [{ a: 1 }]],
        ["supervisor.signalProcessGroup", [5, "HUP"]],
        ["supervisor.signalProcess", ["run", []]],
        ["supervisor.signalProcess", ["run", { $double: 18.7 }]],
        ["supervisor.signalProcess", ["run", true]],
        ["supervisor.signalProcess", ["run", null]],
        ["supervisor.startProcess", ["run", "x"]],
        ["supervisor.stopProcess", ["nosuch", []]],
        mc(
          ["supervisor.getProcessInfo", [5]],
          ["supervisor.getProcessInfo", [null]],
          ["supervisor.startProcess", [{ $double: 1.5 }]],
          ["supervisor.startProcessGroup", [["grp"]]],
          ["supervisor.signalProcess", ["run", []]],
          ["supervisor.signalProcess", ["run", null]],
          ["supervisor.signalProcessGroup", [["x"], "HUP"]],
        ),
        ["supervisor.getState"],
      ],
    }],
  },
  {
    ids: ["FAULT.table", "RPC.supervisor.readLog", "RPC.supervisor.readProcessStdoutLog", "RPC.readfile"],
    name: "log reading faults: BAD_ARGUMENTS, NO_FILE, BAD_NAME",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.readLog", "supervisor.readProcessStdoutLog", "supervisor.tailProcessStdoutLog"],
    steps: [
      { sleepMs: 700 },
      {
        rpc: [
          ["supervisor.readLog", [-50, 10]],
          ["supervisor.readLog", [0, -10]],
          ["supervisor.readLog", [1e9, 10]],
          ["supervisor.readProcessStdoutLog", ["echo", 0, 0]],
          ["supervisor.readProcessStdoutLog", ["echo", -6, 0]],
          ["supervisor.readProcessStdoutLog", ["echo", 4, 5]],
          ["supervisor.readProcessStdoutLog", ["echo", -5, 3]],
          ["supervisor.readProcessStdoutLog", ["echo", 0, -1]],
          ["supervisor.readProcessStderrLog", ["echo", 0, 0]],
          ["supervisor.readProcessLog", ["echo", 0, 3]],
          ["supervisor.readProcessStdoutLog", ["grp:*", 0, 0]],
          ["supervisor.readProcessStdoutLog", ["nosuch", 0, 0]],
          ["supervisor.readProcessStdoutLog", ["nolog", 0, 0]],
          ["supervisor.tailProcessStdoutLog", ["echo", 0, 5]],
          ["supervisor.tailProcessStdoutLog", ["echo", 1000000, 5]],
          ["supervisor.tailProcessStderrLog", ["echo", 2, 100]],
          ["supervisor.tailProcessLog", ["nolog", 0, 5]],
          ["supervisor.tailProcessStdoutLog", ["nosuch", 0, 5]],
          ["supervisor.readProcessStdoutLog", ["fixedlog", 0, 0]],
        ],
      },
      { sh: "rm <TMP>/fixed.out <TMP>/supervisord.log" },
      {
        rpc: [
          ["supervisor.readProcessStdoutLog", ["fixedlog", 0, 0]],
          ["supervisor.tailProcessStdoutLog", ["fixedlog", 0, 5]],
          ["supervisor.readLog", [0, 0]],
          ["supervisor.clearLog"],
          ["supervisor.readLog", [0, 0]],
        ],
      },
    ],
  },
  {
    ids: ["FAULT.table", "RPC.supervisor.addProcessGroup", "RPC.supervisor.removeProcessGroup"],
    name: "group faults: ALREADY_ADDED, STILL_RUNNING, BAD_NAME",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.addProcessGroup", "supervisor.removeProcessGroup"],
    steps: [{
      rpc: [
        ["supervisor.addProcessGroup", ["grp"]],
        ["supervisor.addProcessGroup", ["nosuch"]],
        ["supervisor.removeProcessGroup", ["run"]],
        ["supervisor.removeProcessGroup", ["nosuch"]],
        ["supervisor.removeProcessGroup", ["stopped"]],
        ["supervisor.addProcessGroup", ["stopped"]],
        ["supervisor.getProcessInfo", ["stopped"]],
      ],
    }],
  },
  {
    ids: ["FAULT.table", "RPC.supervisor.sendProcessStdin", "RPC.supervisor.sendRemoteCommEvent"],
    name: "stdin faults: INCORRECT_PARAMETERS, NOT_RUNNING, BAD_NAME; remote comm events",
    fixture: FIXTURE,
    side: READY,
    needs: ["supervisor.sendProcessStdin", "supervisor.sendRemoteCommEvent"],
    steps: [{
      rpc: [
        ["supervisor.sendProcessStdin", ["run", 5]],
        ["supervisor.sendProcessStdin", ["nosuch", 5]],
        ["supervisor.sendProcessStdin", ["nosuch", "x"]],
        ["supervisor.sendProcessStdin", ["stopped", "x"]],
        ["supervisor.sendProcessStdin", ["run", "hello\n"]],
        ["supervisor.sendRemoteCommEvent", ["type", "data"]],
      ],
    }],
  },
];

await registerScenarios(SCENARIOS);
