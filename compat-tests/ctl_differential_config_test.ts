/**
 * supervisorctl against our daemon and the reference: avail, reread,
 * update, add and remove, driven by edits of the config file between
 * commands (SURFACE §9.2, RPC reloadConfig / add / remove).
 *
 * Python counterpart: supervisor/supervisorctl.py (`do_avail`, `do_reread`,
 * `do_update`, `do_add`, `do_remove`) over supervisor/rpcinterface.py.
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

const SLEEP = "/bin/sleep 120";

const PROGRAMS = `
[program:run]
command=${SLEEP}
startsecs=0

[program:stopped]
command=${SLEEP}
autostart=false

[group:grp]
programs=gp1,gp2
priority=100

[program:gp1]
command=${SLEEP}
priority=10
startsecs=0

[program:gp2]
command=${SLEEP}
priority=20
startsecs=0

[program:multi]
command=${SLEEP}
numprocs=2
process_name=%(program_name)s_%(process_num)d
startsecs=0
`;

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${PROGRAMS}`;
const READY = {
  ready: ["run", "gp1", "gp2", "multi_0", "multi_1"].map((n) => [new RegExp(`success: ${n} `), 1] as const),
};
const CONFIG_METHODS = [
  "supervisor.reloadConfig",
  "supervisor.getAllConfigInfo",
  "supervisor.addProcessGroup",
  "supervisor.removeProcessGroup",
];

/** run disappears, run2 appears, gp1 and multi change, stopped changes. */
const EDIT = (conf: string) =>
  conf
    .replace(`[program:run]\ncommand=${SLEEP}\nstartsecs=0\n`, `[program:run2]\ncommand=${SLEEP}\nstartsecs=0\n`)
    .replace(`[program:gp1]\ncommand=${SLEEP}`, "[program:gp1]\ncommand=/bin/sleep 121")
    .replace("numprocs=2", "numprocs=3")
    .replace("autostart=false", "autostart=false\nstartretries=5");

const SCENARIOS: Scenario[] = [
  {
    ids: ["CTL.avail", "RPC.supervisor.getAllConfigInfo"],
    name: "avail lists every configured process, in use or not",
    fixture: FIXTURE,
    side: READY,
    needs: CONFIG_METHODS,
    steps: ["avail", "avail x", { edit: EDIT }, "reread", "avail"],
  },
  {
    ids: ["CTL.reread", "CTL.update", "RPC.supervisor.reloadConfig", "RPC.configeq", "RELOAD.reread"],
    name: "reread reports changes, update applies them (by group and all), status shows the result",
    fixture: FIXTURE,
    side: READY,
    needs: CONFIG_METHODS,
    steps: [
      "reread",
      "update",
      { edit: EDIT },
      "reread",
      "reread",
      "update nosuchgroup",
      "update grp",
      "update",
      { wait: /success: multi_2 / },
      { wait: /success: run2 / },
      { wait: /success: gp2 /, count: 2 },
      "status",
      "reread",
      "update all",
    ],
  },
  {
    ids: ["CTL.add", "CTL.remove", "RPC.supervisor.addProcessGroup", "RPC.supervisor.removeProcessGroup"],
    name: "add and remove: still running, removed, added, already active, unknown names",
    fixture: FIXTURE,
    side: READY,
    needs: CONFIG_METHODS,
    steps: [
      { edit: EDIT },
      "reread",
      "remove run",
      "stop run",
      "remove run",
      "remove run",
      "add run2",
      { wait: /success: run2 / },
      "add run2",
      "add nosuch",
      "remove nosuch",
      "add",
      "remove",
      "status",
      { ctl: ["stop", "grp:*"], sortLines: true },
      "remove grp",
      "add grp",
      { wait: /success: gp2 /, count: 2 },
      "status grp:*",
    ],
  },
  {
    ids: ["CTL.reread", "CTL.update", "FAULT.table", "RPC.supervisor.reloadConfig"],
    name: "reread and update with a broken config: CANT_REREAD",
    fixture: FIXTURE,
    side: READY,
    needs: CONFIG_METHODS,
    steps: [
      { edit: (c) => `${c}\n[program:broken]\ncommand=${SLEEP}\nautostart=maybe\n` },
      "reread",
      "update",
      "avail",
      { rpc: [["supervisor.reloadConfig"]] },
    ],
  },
];

await registerScenarios(SCENARIOS);
