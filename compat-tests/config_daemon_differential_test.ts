/**
 * The config model as a running supervisord reports it: one fixture using
 * the options under test, run by our daemon and by /usr/bin/supervisord, then
 * asked over XML-RPC (`getAllConfigInfo`, `getAllProcessInfo`, version and
 * identification) and through supervisorctl (`status` with each namespec
 * form, `avail`). The two transcripts must be equal.
 *
 * Python counterpart: supervisor/options.py (config), supervisor/supervisord.py
 * (`add_process_group`), supervisor/rpcinterface.py (`getAllConfigInfo`).
 * @module
 */

import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { registerScenarios, type Scenario } from "./_ctl_scenario.ts";

const SLEEP = "command=/bin/sleep 120\nautostart=false\n";
const NOLOGS = "stdout_logfile=NONE\nstderr_logfile=NONE\n";

const PROGRAMS = `
[program:retry]
${SLEEP}startretries=7
stopwaitsecs=3
directory=%(here)s
redirect_stderr=true
stdout_logfile=%(here)s/retry.log
stdout_logfile_backups=2
stdout_capture_maxbytes=1KB
stdout_events_enabled=true
serverurl=http://127.0.0.1:1/x

[program:errs]
command=/bin/echo %(host_node_name)s %(here)s
autostart=false
directory=/nonexistent/dir
stdout_logfile=NONE
stderr_logfile=%(here)s/errs.err
stderr_logfile_maxbytes=1MB
stderr_logfile_backups=4
stderr_capture_maxbytes=10
stderr_events_enabled=true
serverurl=AUTO

[program:multi]
${SLEEP}process_name=%(program_name)s_%(process_num)d
numprocs=3
numprocs_start=8
stdout_logfile=%(here)s/m%(process_num)d.log
stderr_logfile=NONE

[group:grp]
programs=gb,ga
priority=5

[program:ga]
${SLEEP}${NOLOGS}priority=2

[program:gb]
${SLEEP}${NOLOGS}priority=1

[program:dup]
${SLEEP}${NOLOGS}
[group:dup]
programs=gc

[program:gc]
${SLEEP}${NOLOGS}
[eventlistener:lis]
command=/bin/cat
events=TICK_60
autostart=false
${NOLOGS}`;

const FIXTURE = `${UNIX_HEADER}\n${RPC_SECTION}${PROGRAMS}`;

/** A listener in sh: READY, then per event its header on stderr and an OK result. */
const LISTENER = `command=/bin/sh -c 'echo READY; while read -r hdr; do n=\${hdr##*len:}; ` +
  `head -c "$n" >/dev/null; echo "got $hdr" >&2; printf "RESULT 2\\nOKREADY\\n"; done'
`;

const LISTENERS = `${UNIX_HEADER}\n${RPC_SECTION}
[eventlistener:lis]
${LISTENER}events=PROCESS_STATE_EXITED
stdout_logfile=%(here)s/lis.log
stdout_capture_maxbytes=1KB
stdout_events_enabled=true
stderr_logfile=%(here)s/lis.err

[eventlistener:rec]
${LISTENER}events=PROCESS_LOG
${NOLOGS.replace("stderr_logfile=NONE", "stderr_logfile=%(here)s/rec.err")}
[program:once]
command=/bin/sh -c 'sleep 3'
autostart=false
startsecs=0
autorestart=false
${NOLOGS}`;

const SCENARIOS: Scenario[] = [
  {
    ids: [
      "GEN.version",
      "CFG.supervisord.identifier",
      "CFG.program.numprocs_start",
      "CFG.program.numprocs_expansion",
      "CFG.program.startretries",
      "CFG.program.stopwaitsecs",
      "CFG.program.directory",
      "CFG.program.redirect_stderr",
      "CFG.program.stdout_logfile_backups",
      "CFG.program.stdout_capture_maxbytes",
      "CFG.program.stdout_events_enabled",
      "CFG.program.stderr_options",
      "CFG.program.serverurl",
      "CFG.program.unique",
      "CFG.group.membership",
      "CFG.eventlistener.priority",
      "EXP.here",
      "EXP.host_node_name",
    ],
    name: "the loaded config as getAllConfigInfo, getAllProcessInfo, status and avail report it",
    fixture: FIXTURE,
    needs: ["supervisor.getAllConfigInfo"],
    steps: [
      {
        rpc: [
          ["supervisor.getSupervisorVersion"],
          ["supervisor.getIdentification"],
          ["supervisor.getAllConfigInfo"],
          ["supervisor.getAllProcessInfo"],
        ],
      },
      "status",
      "avail",
    ],
  },
  {
    ids: ["GEN.namespec", "CFG.program.unique", "CFG.group.membership"],
    name: "processes addressed by every namespec form",
    fixture: FIXTURE,
    steps: [
      "status multi_8",
      "status multi:multi_8",
      "status multi:",
      "status multi:*",
      "status grp:ga",
      "status ga",
      "status grp",
      "status dup",
      "status dup:",
      "status dup:gc",
      "status retry:retry",
      "status lis",
      "status nope:",
    ],
  },
  {
    ids: ["CFG.eventlistener.stdout"],
    name: "a listener's stdout log holds the raw protocol; its stdout capture and events settings do nothing",
    fixture: LISTENERS,
    side: { ready: [[/success: lis /, 1], [/success: rec /, 1]] },
    needs: ["supervisor.readProcessStdoutLog", "supervisor.readProcessStderrLog"],
    steps: [
      "start once",
      // The listener's answer reaches its stdout log once the daemon has read it.
      { sh: "for i in $(seq 150); do grep -q OKREADY <TMP>/lis.log 2>/dev/null && break; sleep 0.1; done" },
      "tail lis",
      "tail lis stderr",
      "tail rec stderr",
    ],
  },
];

await registerScenarios(SCENARIOS);
