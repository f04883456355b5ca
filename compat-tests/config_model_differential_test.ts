/**
 * Differential test of the config model: for each config tree below, what
 * supervisor 4.2.5 builds (`ServerOptions.realize`: effective `[supervisord]`
 * options, server configs, process group and process configs, parse
 * messages; and after edits, what a reread builds) equals what our
 * `loadConfig` + `serverOptions` build, field for field, with the temp
 * directory masked. Also: supervisord's live order (priority only, stable)
 * against our engine's `byPriority`.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions`), supervisor/process.py
 * (`Subprocess.__lt__`, `ProcessGroupBase.__lt__`).
 * @module
 */

import assert from "node:assert/strict";
import { hostname } from "node:os";
import { byPriority } from "../src/process/group.ts";
import { type ModelCase, ourSnapshots, pythonSnapshots, type Snapshot } from "./_config_model.ts";
import { fixedEnv, haveReference, tempDir } from "./_harness.ts";
import { fuzzInputs, hasPython, runPython } from "./_python.ts";
import { pythonStartupEnv } from "../src/cli/python_env.ts";

const SV = "[supervisord]\nlogfile={TMP}/sd.log\npidfile={TMP}/sd.pid\n";
const CAT = "command=/bin/cat\n";

const CASES: ModelCase[] = [
  {
    label: "defaults of every option, no server section",
    ids: [
      "CFG.supervisord.logfile_maxbytes",
      "CFG.supervisord.logfile_backups",
      "CFG.supervisord.silent",
      "CFG.supervisord.nocleanup",
      "CFG.supervisord.strip_ansi",
      "CFG.supervisord.identifier",
      "CFG.httpserver.none",
      "CFG.program.startretries",
      "CFG.program.stopwaitsecs",
      "CFG.program.directory",
      "CFG.program.redirect_stderr",
      "CFG.program.stdout_logfile_backups",
      "CFG.program.stdout_capture_maxbytes",
      "CFG.program.stdout_events_enabled",
      "CFG.program.stderr_options",
      "CFG.program.serverurl",
      "CFG.eventlistener.priority",
    ],
    files: {
      "supervisord.conf": "[supervisord]\n[program:p]\n" + CAT +
        "[eventlistener:l]\n" + CAT + "events=TICK_5\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "[supervisord] values and spellings",
    ids: [
      "CFG.supervisord.logfile_maxbytes",
      "CFG.supervisord.logfile_backups",
      "CFG.supervisord.silent",
      "CFG.supervisord.nocleanup",
      "CFG.supervisord.strip_ansi",
      "CFG.supervisord.identifier",
    ],
    files: {
      "supervisord.conf": SV + "logfile_maxbytes=1KB\nlogfile_backups=0\nsilent=true\nnocleanup=Yes\n" +
        "strip_ansi=on\nidentifier=sup-%(ENV_HOME)s-%(here)s\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "[supervisord] rotation off, other boolean spellings",
    ids: [
      "CFG.supervisord.logfile_maxbytes",
      "CFG.supervisord.silent",
      "CFG.supervisord.nocleanup",
      "CFG.supervisord.strip_ansi",
    ],
    files: {
      "supervisord.conf": SV + "logfile_maxbytes=0\nlogfile_backups=3\nsilent=no\nnocleanup=1\nstrip_ansi=FALSE\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "program values: retries, stop wait, directory, capture, events, stderr options, serverurl",
    ids: [
      "CFG.program.startretries",
      "CFG.program.stopwaitsecs",
      "CFG.program.directory",
      "CFG.program.stdout_logfile_backups",
      "CFG.program.stdout_capture_maxbytes",
      "CFG.program.stdout_events_enabled",
      "CFG.program.stderr_options",
      "CFG.program.serverurl",
    ],
    files: {
      "supervisord.conf": SV + "[program:p]\n" + CAT + "startretries=7\nstopwaitsecs=2\n" +
        "directory=%(here)s/not/there/%(program_name)s\n" +
        "stdout_logfile={TMP}/out.log\nstdout_logfile_backups=3\nstdout_capture_maxbytes=1KB\n" +
        "stdout_events_enabled=true\nstderr_logfile={TMP}/err.log\nstderr_logfile_maxbytes=2MB\n" +
        "stderr_logfile_backups=4\nstderr_capture_maxbytes=100\nstderr_events_enabled=1\n" +
        "stderr_syslog=true\nserverurl=http://127.0.0.1:9999/x\n" +
        "[program:q]\n" + CAT + "serverurl= auto \nstderr_logfile=NONE\nstdout_logfile=off\n" +
        "[program:r]\n" + CAT + "serverurl=\nstartretries=0\nstopwaitsecs=0\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "redirect_stderr with and without a stderr_logfile",
    ids: ["CFG.program.redirect_stderr", "CFG.program.stderr_options"],
    files: {
      "supervisord.conf": SV + "[program:a]\n" + CAT + "redirect_stderr=true\nstderr_logfile={TMP}/e.log\n" +
        "stderr_capture_maxbytes=10\n[program:b]\n" + CAT + "redirect_stderr=TRUE\n" +
        "[program:c]\n" + CAT + "redirect_stderr=false\nstderr_logfile=AUTO\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "numprocs from numprocs_start, each process expanded on its own, sorted by (priority, name)",
    ids: ["CFG.program.numprocs_start", "CFG.program.numprocs_expansion", "GEN.sort"],
    files: {
      "supervisord.conf": SV + "[program:w]\ncommand=/bin/sleep %(process_num)d\n" +
        "process_name=%(program_name)s_%(process_num)d\nnumprocs=3\nnumprocs_start=8\n" +
        'directory=/srv/%(process_num)02d\nenvironment=PORT="80%(process_num)02d",N="%(numprocs)s"\n' +
        "stdout_logfile={TMP}/%(program_name)s-%(ENV_PORT)s.log\n" +
        "stderr_logfile={TMP}/%(process_num)s-%(group_name)s.err\n" +
        "[program:z]\ncommand=/bin/echo %(process_num)s\nprocess_name=z%(process_num)s\nnumprocs=2\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "groups and processes sort by priority, then name in code-point order",
    ids: ["GEN.sort", "CFG.eventlistener.priority"],
    files: {
      "supervisord.conf": SV + "[program:b]\n" + CAT + "priority=5\n[program:B]\n" + CAT + "priority=5\n" +
        "[program:a]\n" + CAT + "priority=6\n[program:c]\n" + CAT + "priority=1\n" +
        "[program:é]\n" + CAT + "priority=5\n[program:default]\n" + CAT +
        "[eventlistener:l1]\n" + CAT + "events=TICK_5\n[eventlistener:l0]\n" + CAT +
        "events=TICK_5\npriority=1000\n[group:g]\nprograms=a,c\npriority=5\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "group members leave their own groups, keep programs= order, and may be in two groups",
    ids: ["CFG.group.membership", "GEN.sort"],
    files: {
      "supervisord.conf": SV + "[program:a]\n" + CAT + "priority=1\n" +
        "[program:b]\ncommand=/bin/echo %(group_name)s %(program_name)s\nnumprocs=2\n" +
        "process_name=b%(process_num)d\npriority=50\n[program:c]\n" + CAT +
        "[program:solo]\ncommand=/bin/echo %(group_name)s\n" +
        "[group:g]\nprograms=b , a\npriority=3\n[group:h]\nprograms=a\n[group:empty]\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "two sections yielding the same group name are both kept, in config order",
    ids: ["CFG.program.unique"],
    files: {
      "supervisord.conf": SV + "[program:x]\n" + CAT + "[group:x]\nprograms=y\npriority=999\n" +
        "[program:y]\n" + CAT + "[eventlistener:x]\n" + CAT + "events=TICK_5\npriority=999\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "%(here)s is the absolute directory of a relative -c path; configfile stays as typed",
    ids: ["CLI.here", "EXP.here"],
    files: {
      "etc/sv/sup.conf": "[unix_http_server]\nfile=%(here)s/s.sock\n[supervisord]\n" +
        "logfile=%(here)s/sd.log\npidfile=%(here)s/../sd.pid\nchildlogdir=%(here)s\n" +
        'environment=HERE="%(here)s"\n[program:p]\ncommand=/bin/echo %(here)s\n' +
        "directory=%(here)s\nstdout_logfile=%(here)s/p.log\n",
    },
    conf: "etc/../etc/sv/sup.conf",
  },
  {
    label: "%(here)s from a -c path relative to a subdirectory cwd",
    ids: ["CLI.here", "EXP.here"],
    files: {
      "a/b/sup.conf": SV + "[program:p]\ncommand=/bin/echo %(here)s\n",
      "a/c/.keep": "",
    },
    conf: "../b/sup.conf",
    cwd: "a/c",
  },
  {
    label: "[include]d sections see their own file's directory as %(here)s; nested includes are not read",
    ids: ["EXP.here", "INC.nested"],
    files: {
      "supervisord.conf": SV + "[include]\nfiles=conf.d/*.ini\n[program:m]\ncommand=/bin/echo %(here)s\n",
      "conf.d/a.ini": "[program:a]\ncommand=/bin/echo %(here)s\n[include]\nfiles=../nested/*.ini\n",
      "conf.d/sub/x.ini": "[program:never]\n" + CAT,
      "nested/n.ini": "[program:n]\ncommand=/bin/echo %(here)s\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "an [include] inside the only included file is never processed, even with a match",
    ids: ["INC.nested"],
    files: {
      "supervisord.conf": SV + "[include]\nfiles=one.ini\n",
      "one.ini": "[include]\nfiles=two.ini\n[program:one]\n" + CAT,
      "two.ini": "[program:two]\n" + CAT,
    },
    conf: "supervisord.conf",
  },
  {
    label: "%%(here)s is replaced textually when there is an [include] (QUIRK)",
    ids: ["EXP.here"],
    files: {
      "supervisord.conf": SV + "[include]\nfiles=none/*.ini\n[program:m]\ncommand=/bin/echo %%(here)s\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "%%(here)s stays a literal %(here)s without an [include]",
    ids: ["EXP.here"],
    files: { "supervisord.conf": SV + "[program:m]\ncommand=/bin/echo %%(here)s\n" },
    conf: "supervisord.conf",
  },
  {
    label: "%(host_node_name)s in program options and [include] files",
    ids: ["EXP.host_node_name"],
    files: {
      "supervisord.conf": SV + 'environment=A="x"\n[include]\nfiles=%(host_node_name)s.ini\n' +
        "[program:h]\ncommand=/bin/echo %(host_node_name)s\nstdout_logfile={TMP}/%(host_node_name)s.log\n" +
        'environment=H="%(host_node_name)s"\n',
      [`${hostname()}.ini`]: "[program:inc]\n" + CAT,
    },
    conf: "supervisord.conf",
  },
  {
    label: "%(host_node_name)s is not available in [supervisord] environment's first pass",
    ids: ["EXP.host_node_name", "EXP.double"],
    files: { "supervisord.conf": SV + 'environment=H="%(host_node_name)s"\n' },
    conf: "supervisord.conf",
  },
  {
    label: "%%%% yields one % in values expanded twice",
    ids: ["EXP.double"],
    files: {
      "supervisord.conf": SV + 'environment=P="100%%%%"\n[program:p]\n' + CAT +
        'stdout_logfile={TMP}/out%%%%.log\nstderr_logfile={TMP}/err%%%%.log\nenvironment=Q="%%"\n',
    },
    conf: "supervisord.conf",
  },
  {
    label: "%% in [supervisord] environment fails the second pass",
    ids: ["EXP.double"],
    files: { "supervisord.conf": SV + 'environment=P="a%%b"\n' },
    conf: "supervisord.conf",
  },
  {
    label: "%% in stdout_logfile fails the second pass",
    ids: ["EXP.double"],
    files: { "supervisord.conf": SV + "[program:p]\n" + CAT + "stdout_logfile={TMP}/a%%d.log\n" },
    conf: "supervisord.conf",
  },
  {
    label: "any section starting with a server name is a server; inet first; credentials with ENV only",
    ids: ["CFG.httpserver.match", "CFG.inet_http_server.username", "CFG.inet_http_server.password"],
    files: {
      "supervisord.conf": SV + "[unix_http_server:b]\nfile=%(here)s/b.sock\nusername=ub\npassword=pb\n" +
        "[inet_http_server]\nport=127.0.0.1:9001\nusername=user\npassword={SHA}" + "a".repeat(40) + "\n" +
        "[inet_http_server:2]\nport=9002\nusername=%(ENV_HOME)s\npassword=100%%\n" +
        "[inet_http_serverX]\nport=*:9003\n[unix_http_serverfoo]\nfile=%(here)s/f.sock\nchmod=0777\n" +
        "[inet_http_server_no]\nport=:9004\nusername=\npassword=\n",
    },
    conf: "supervisord.conf",
  },
  {
    label: "inet servers only: children are told the last one, host '' as localhost",
    ids: ["CFG.httpserver.match", "CFG.inet_http_server.username", "CFG.inet_http_server.password"],
    files: {
      "supervisord.conf": SV + "[inet_http_server]\nport=127.0.0.1:9001\nusername=u\npassword=p\n" +
        "[inet_http_server:x]\nport=:9005\n[program:p]\n" + CAT,
    },
    conf: "supervisord.conf",
  },
  {
    label: "inet credentials cannot see %(here)s",
    ids: ["CFG.inet_http_server.password"],
    files: { "supervisord.conf": SV + "[inet_http_server]\nport=9001\nusername=u\npassword=%(here)s\n" },
    conf: "supervisord.conf",
  },
  {
    label: "a reread globs [include] again: new files are read, deleted ones dropped",
    ids: ["INC.reread"],
    files: {
      "supervisord.conf": SV + "[include]\nfiles=conf.d/*.conf\n",
      "conf.d/a.conf": "[program:a]\n" + CAT,
    },
    conf: "supervisord.conf",
    reread: {
      write: { "conf.d/b.conf": "[program:b]\ncommand=/bin/echo %(here)s\n", "conf.d/c.conf": "[group:c]\n" },
      remove: ["conf.d/a.conf"],
    },
  },
  {
    label: "a reread reports an error in a newly matched include file",
    ids: ["INC.reread"],
    files: {
      "supervisord.conf": SV + "[include]\nfiles=conf.d/*.conf\n",
      "conf.d/a.conf": "[program:a]\n" + CAT,
    },
    conf: "supervisord.conf",
    reread: { write: { "conf.d/b.conf": "[program:b]\nstartsecs=1\n" }, remove: [] },
  },
  {
    // CFG.eventlistener.stdout is proven (or not) by the running daemon: config_daemon_differential_test.ts.
    label: "eventlistener stdout options are accepted and kept like a program's",
    ids: ["CFG.eventlistener.priority"],
    files: {
      "supervisord.conf": SV + "[eventlistener:l]\n" + CAT + "events=PROCESS_STATE\n" +
        "stdout_logfile={TMP}/l.log\nstdout_capture_maxbytes=1KB\nstdout_events_enabled=true\n" +
        "stdout_logfile_backups=2\nstderr_logfile={TMP}/l.err\npriority=7\n",
    },
    conf: "supervisord.conf",
  },
];

/** supervisord's environment on both sides (with the locale variable CPython would add). */
const ENV = pythonStartupEnv(fixedEnv({ SVTS_MODEL: "model" }));

/** Python's snapshots for all cases, computed once (one interpreter run). */
let reference: Snapshot[][] | null = null;
function referenceFor(index: number): Snapshot[] {
  if (reference === null) {
    using tmp = tempDir("svts-model-py-");
    reference = pythonSnapshots(CASES, CASES.map((_, i) => `${tmp.path}/${i}`), ENV);
  }
  return reference[index]!;
}

CASES.forEach((c, i) => {
  Deno.test({
    name: `[${c.ids.join(",")}] ${c.label}: loadConfig() builds what supervisord builds`,
    ignore: !haveReference(),
    fn() {
      const theirs = referenceFor(i);
      using tmp = tempDir("svts-model-");
      const ours = ourSnapshots(c, tmp.path, ENV);
      assert.deepEqual(ours, theirs);
    },
  });
});

Deno.test({
  name: "[GEN.sort] live groups and processes sort by priority only, ties keep insertion order, like supervisord",
  ignore: !hasPython,
  fn() {
    const names = fuzzInputs(40, ["a", "b", "B", "é", "_"], 7, 4).map((n, i) => `${n}${i}`);
    const lists = [0, 1, 2, 3].map((k) => names.map((name, i) => ({ name, priority: (i * 7 + k) % 4 })));
    const theirs = runPython(
      `
from types import SimpleNamespace as NS
from supervisor.process import Subprocess, ProcessGroup
out = []
for items in INPUT:
    procs = sorted(Subprocess(NS(**i)) for i in items)
    groups = sorted(ProcessGroup(NS(**i, process_configs=[])) for i in items)
    out.append([[p.config.name for p in procs], [g.config.name for g in groups]])
emit(out)
`,
      lists,
    );
    const ours = lists.map((items) => {
      const sorted = byPriority(items.map((config) => ({ config }))).map((x) => x.config.name);
      return [sorted, sorted];
    });
    assert.deepEqual(ours, theirs);
  },
});
