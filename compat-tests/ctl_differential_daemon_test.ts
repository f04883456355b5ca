/**
 * supervisorctl against our daemon and the reference: reload, shutdown,
 * the SHUTDOWN_STATE window, upcheck failures (refused connection, missing
 * socket, missing rpcinterface section), Basic auth on an inet server,
 * fg's error forms, open, interactive mode, help texts and unknown commands
 * (SURFACE §9.1, §9.2, FAULT.shutdown).
 *
 * Python counterpart: supervisor/supervisorctl.py (`upcheck`, `do_reload`,
 * `do_shutdown`, `do_fg`, `do_open`, help) over supervisor/rpcinterface.py
 * and supervisor/http.py.
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

const RUN = `
[program:run]
command=/bin/sleep 120
startsecs=0

[program:stopped]
command=/bin/sleep 120
autostart=false
`;

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${RUN}`;
const READY = { ready: [[/success: run /, 1] as const] };

/** A program that ignores SIGTERM, so a shutdown takes stopwaitsecs. */
const STUBBORN = `
[program:stubborn]
command=/bin/sh -c "trap '' TERM; exec sleep 120"
startsecs=0
stopwaitsecs=8
`;

/** sha1("123"). */
const SHA_123 = "{SHA}40bd001563085fc35165329ea1ff5c5ecbdbbeef";
const AUTH_FIXTURE = `${UNIX_HEADER.replace(/\[supervisorctl\][\s\S]*$/, "")}
[inet_http_server]
port=127.0.0.1:{PORT}
username=user
password=${SHA_123}

[supervisorctl]
serverurl=http://127.0.0.1:{PORT}
username=user
password=123

${RPC_SECTION}${RUN}`;

const SCENARIOS: Scenario[] = [
  {
    ids: ["CTL.reload", "RPC.supervisor.restart"],
    name: "reload restarts supervisord, which comes back with its processes",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "reload x",
      "reload",
      { wait: /supervisord started with pid/, count: 2 },
      { wait: /success: run /, count: 2 },
      "status",
    ],
  },
  {
    ids: ["CTL.shutdown", "CTL.upcheck", "CTL.exit", "RPC.supervisor.shutdown", "SOCK.cleanup"],
    name: "shutdown, then every command finds no socket",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "shutdown x",
      "shutdown",
      { exited: true },
      "shutdown",
      "status",
      "start run",
      "stop run",
      "pid",
      "version",
      "tail run",
      "reload",
    ],
  },
  {
    ids: ["FAULT.shutdown", "FAULT.table", "CTL.shutdown", "CTL.reload", "CTL.avail", "CTL.upcheck"],
    name: "while supervisord shuts down every method answers SHUTDOWN_STATE (with Python's exceptions)",
    fixture: `${UNIX_HEADER}\n${RPC_SECTION}${STUBBORN}`,
    side: { ready: [[/success: stubborn /, 1] as const] },
    steps: [
      {
        rpc: [
          ["supervisor.shutdown"],
          ["supervisor.getState"],
          ["supervisor.getAPIVersion"],
          ["supervisor.getProcessInfo", ["stubborn"]],
          ["supervisor.signalProcessGroup", ["nosuch", "CONT"]],
          ["supervisor.signalProcessGroup", ["stubborn", "CONT"]],
          ["supervisor.signalAllProcesses", ["CONT"]],
          ["supervisor.startProcess", ["nosuch"]],
          ["supervisor.shutdown"],
          ["system.methodSignature", ["supervisor.getPID"]],
          ["system.multicall", [[{ methodName: "supervisor.getAPIVersion" }, { methodName: "system.listMethods" }]]],
        ],
      },
      "status",
      "shutdown",
      "reload",
      "start stubborn",
      "stop all",
      "version",
      "pid",
    ],
  },
  {
    ids: ["FAULT.shutdown", "CTL.avail", "CTL.reread", "CTL.update", "CTL.tail", "CTL.add"],
    name: "while supervisord shuts down the config and log commands answer SHUTDOWN_STATE",
    fixture: `${UNIX_HEADER}\n${RPC_SECTION}${STUBBORN}`,
    side: { ready: [[/success: stubborn /, 1] as const] },
    needs: ["supervisor.getAllConfigInfo", "supervisor.reloadConfig", "supervisor.readProcessStdoutLog"],
    steps: [
      { rpc: [["supervisor.shutdown"]] },
      "avail",
      "reread",
      "update",
      "add stubborn",
      "remove stubborn",
      "tail stubborn",
      "maintail",
      "clear stubborn",
      { rpc: [["supervisor.sendRemoteCommEvent", ["t", "d"]], ["supervisor.readLog", [0, 0]]] },
    ],
  },
  {
    ids: ["CTL.upcheck", "CTL.exit", "CTL.shutdown"],
    name: "a stale socket with nobody listening: refused connection",
    fixture: FIXTURE,
    side: READY,
    steps: [{ kill: true }, "status", "start run", "pid", "shutdown", "avail"],
  },
  {
    ids: ["CTL.upcheck", "CTL.exit", "XMLRPC.dispatch", "FAULT.table"],
    name: "without [rpcinterface:supervisor] the client says the namespace is missing",
    fixture: `${UNIX_HEADER}\n${RUN}`,
    side: READY,
    steps: [
      "status",
      "start run",
      "stop run",
      "version",
      "pid",
      "tail run",
      "maintail",
      "clear run",
      "avail",
      "reread",
      "shutdown",
      { rpc: [["system.listMethods"], ["supervisor.getVersion"]] },
    ],
  },
  {
    ids: ["CTL.auth401", "AUTH.basic", "AUTH.sha", "AUTH.401", "XPORT.rpc"],
    name: "Basic auth on an inet server: right, wrong and missing credentials",
    fixture: AUTH_FIXTURE,
    side: { ...READY, via: "inet", username: "user", password: "123" },
    steps: [
      "status",
      { ctl: ["-u", "user", "-p", "wrong", "status"] },
      { ctl: ["-u", "nobody", "-p", "123", "version"] },
      { ctl: ["-s", "http://127.0.0.1:<PORT>", "-u", "user", "-p", "wrong", "stop", "run"] },
      { ctl: ["-u", "user", "-p", "wrong", "tail", "-f", "run"], interruptAfterMs: 10_000 },
      { ctl: ["-u", "user", "-p", "wrong", "shutdown"] },
      { ctl: ["-s", "unix://<TMP>/s.sock", "status"] },
      { rpc: [["supervisor.getState"]] },
      "status",
    ],
  },
  {
    ids: ["CTL.fg", "CTL.open", "CTL.mode"],
    name: "fg error forms, open, and the interactive shell",
    fixture: FIXTURE,
    side: READY,
    steps: [
      "fg",
      "fg nosuch",
      "fg stopped",
      "fg run stopped",
      "open unix://<TMP>/s.sock",
      "open ftp://x",
      { ctl: ["-i"], stdin: "pid run\nstatus stopped\nfoo\nquit\n" },
      { ctl: [], stdin: "version\n" },
    ],
  },
  {
    ids: ["CTL.help", "CTL.mode"],
    name: "help, help for every command, unknown topics and unknown commands",
    fixture: FIXTURE,
    // Client-side texts: a few suffice to show the client reaches them the same way on both sides.
    steps: ["help", "help start", "help tail", "help nosuch", "foo bar", "exit"],
  },
];

await registerScenarios(SCENARIOS);
