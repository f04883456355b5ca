import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { hostOf } from "./_testing.ts";
import { AUTO_LOGFILE, defaultServerExtensions } from "./schema.ts";

Deno.test("[CFG.supervisord.logfile_maxbytes,CFG.supervisord.logfile_backups,CFG.supervisord.silent,CFG.supervisord.nocleanup,CFG.supervisord.strip_ansi,CFG.supervisord.identifier,CLI.here] loadConfig() applies supervisord's defaults to a minimal config", () => {
  const cfg = loadConfig("supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": "[supervisord]\n" }));
  assert.equal(cfg.here, "/etc/sv");
  assert.deepEqual(cfg.supervisord, {
    minfds: 1024,
    minprocs: 200,
    directory: null,
    user: null,
    umask: 0o22,
    logfile: "supervisord.log",
    logfile_maxbytes: 50 * 1024 * 1024,
    logfile_backups: 10,
    loglevel: "info",
    pidfile: "supervisord.pid",
    identifier: "supervisor",
    nodaemon: false,
    silent: false,
    childlogdir: "/tmp",
    nocleanup: false,
    strip_ansi: false,
    environment: {},
    container_mode: false,
    console_loglevel: null,
    console_format: "prefixed",
    console_color: "auto",
    essential_exitcode: null,
    statefile: null,
    log_rotate_utc: false,
    logfile_rotate_every: null,
  });
  assert.deepEqual(cfg.groups, []);
  assert.deepEqual(cfg.servers, []);
});

Deno.test("[CFG.program.numprocs_start,CFG.program.numprocs_expansion,GEN.sort] loadConfig() expands numprocs with per-process names, sorted by name", () => {
  const conf = `[supervisord]
[program:web]
command=/bin/sleep %(process_num)d
process_name=%(program_name)s_%(process_num)02d
numprocs=3
numprocs_start=9
directory=/tmp/%(process_num)s
environment=PORT="80%(process_num)02d"
stdout_logfile=/var/log/%(program_name)s-%(ENV_PORT)s.log
`;
  const cfg = loadConfig("/etc/sv/supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": conf }));
  const group = cfg.groups[0]!;
  assert.equal(group.name, "web");
  assert.deepEqual(group.processes.map((p) => p.name), ["web_09", "web_10", "web_11"]);
  assert.deepEqual(group.processes.map((p) => p.command), ["/bin/sleep 9", "/bin/sleep 10", "/bin/sleep 11"]);
  assert.deepEqual(group.processes.map((p) => p.directory), ["/tmp/9", "/tmp/10", "/tmp/11"]);
  assert.deepEqual(group.processes.map((p) => p.environment), [{ PORT: "8009" }, { PORT: "8010" }, { PORT: "8011" }]);
  assert.deepEqual(group.processes.map((p) => p.stdout_logfile), [
    "/var/log/web-8009.log",
    "/var/log/web-8010.log",
    "/var/log/web-8011.log",
  ]);
  assert.equal(group.processes[0]!.stderr_logfile, AUTO_LOGFILE);
});

Deno.test("loadConfig() merges [supervisord] environment under each program's and adds ENV_ names", () => {
  const conf = `[supervisord]
environment=A="1",B="%(ENV_HOME)s"
[program:p]
command=/bin/echo %(ENV_A)s
environment=B="2"
`;
  const cfg = loadConfig("supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": conf }));
  const p = cfg.groups[0]!.processes[0]!;
  assert.equal(p.command, "/bin/echo 1");
  assert.deepEqual(p.environment, { A: "1", B: "2" });
});

Deno.test("[EXP.here] loadConfig() reads [include] files relative to the main file, with warnings and infos", () => {
  const files = {
    "/etc/sv/supervisord.conf": "[supervisord]\n[include]\nfiles=conf.d/*.ini missing/*.conf\n",
    "/etc/sv/conf.d/b.ini": "[program:b]\ncommand=/bin/cat %(here)s\n",
    "/etc/sv/conf.d/a.ini": "[program:a]\ncommand=/bin/cat\nstdout_logfile_maxbytes=0\n",
  };
  const cfg = loadConfig("supervisord.conf", hostOf(files));
  assert.deepEqual(cfg.groups.map((g) => g.name), ["a", "b"]);
  assert.equal(cfg.groups[1]!.processes[0]!.command, "/bin/cat /etc/sv/conf.d");
  assert.deepEqual(cfg.parseInfos, [
    'Included extra file "/etc/sv/conf.d/a.ini" during parsing',
    'Included extra file "/etc/sv/conf.d/b.ini" during parsing',
  ]);
  assert.deepEqual(cfg.parseWarnings, [
    'No file matches via include "/etc/sv/missing/*.conf"',
    "For [program:a], AUTO logging used for stdout_logfile without rollover, " +
    "set maxbytes > 0 to avoid filling up filesystem unintentionally",
  ]);
});

Deno.test("[CFG.group.membership] loadConfig() keeps a [group:x]'s members out of their own groups", () => {
  const conf = `[supervisord]
[program:a]
command=/bin/cat
priority=5
[program:b]
command=/bin/cat
[group:g]
programs=b,a
priority=1
`;
  const cfg = loadConfig("supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": conf }));
  assert.deepEqual(cfg.groups.map((g) => [g.name, g.priority, g.processes.map((p) => p.name)]), [
    ["g", 1, ["b", "a"]],
  ]);
});

Deno.test("[CFG.inet_http_server.username,CFG.inet_http_server.password] loadConfig() reads servers: inet first, then unix, with defaults", () => {
  const conf = `[supervisord]
[unix_http_server]
file=%(here)s/run/s.sock
[inet_http_server]
port=127.0.0.1:9001
username=u
password={SHA}abc
`;
  const cfg = loadConfig("supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": conf }));
  assert.deepEqual(cfg.servers, [
    {
      family: "inet",
      name: null,
      section: "inet_http_server",
      username: "u",
      password: "{SHA}abc",
      host: "127.0.0.1",
      port: 9001,
      ...defaultServerExtensions(),
    },
    {
      family: "unix",
      name: null,
      section: "unix_http_server",
      file: "/etc/sv/run/s.sock",
      username: null,
      password: null,
      chmod: 0o700,
      chown: [-1, -1],
      ...defaultServerExtensions(),
    },
  ]);
});

Deno.test("loadConfig() raises supervisord's message for a missing file", () => {
  assert.throws(
    () => loadConfig("nope.conf", hostOf({})),
    (e: unknown) => e instanceof ConfigError && e.message === "could not find config file nope.conf",
  );
});

const MAIN = "supervisor.rpcinterface:make_main_rpcinterface";

Deno.test("[CFG.rpcinterface.main] rpcinterface sections: supervisor's factory, and module factories resolved from the section's file", () => {
  const cfg = loadConfig(
    "supervisord.conf",
    hostOf({
      "/etc/sv/supervisord.conf": `[supervisord]\n[include]\nfiles = conf.d/*.conf\n` +
        `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = ${MAIN}\n` +
        `[rpcinterface:stats]\nsupervisor.rpcinterface_factory = plugins/stats.ts:createStats\n` +
        `interval = %(ENV_HOME)s/5\n`,
      "/etc/sv/conf.d/extra.conf": `[rpcinterface:extra]\nsupervisor.rpcinterface_factory = ../lib/extra.mjs:make\n` +
        `[rpcinterface:abs]\nsupervisor.rpcinterface_factory = /opt/p/abs.js:$make_1\n`,
    }),
  );
  assert.deepEqual(cfg.rpcinterfaces, [
    { name: "supervisor", factory: MAIN, extras: {}, module: null },
    {
      name: "stats",
      factory: "plugins/stats.ts:createStats",
      extras: { interval: "/root/5" },
      module: { path: "/etc/sv/plugins/stats.ts", exportName: "createStats" },
    },
    {
      name: "extra",
      factory: "../lib/extra.mjs:make",
      extras: {},
      module: { path: "/etc/sv/lib/extra.mjs", exportName: "make" },
    },
    {
      name: "abs",
      factory: "/opt/p/abs.js:$make_1",
      extras: {},
      module: { path: "/opt/p/abs.js", exportName: "$make_1" },
    },
  ]);
});

Deno.test("[CFG.rpcinterface.main,INI.default] [DEFAULT] keys are not a factory's options; a spec that is neither kind cannot be resolved", () => {
  const files = (factory: string) => ({
    "/etc/sv/supervisord.conf":
      `[DEFAULT]\nshared = 1\n[supervisord]\n[rpcinterface:x]\nsupervisor.rpcinterface_factory = ${factory}\n`,
  });
  assert.deepEqual(loadConfig("supervisord.conf", hostOf(files(MAIN))).rpcinterfaces[0]?.extras, {});
  for (const spec of ["plugin.ts", "plugin.ts:", "plugin.py:make", "plugin.ts:1x", "my.module:make"]) {
    assert.throws(
      () => loadConfig("supervisord.conf", hostOf(files(spec))),
      (e) => e instanceof ConfigError && e.message === `${spec} cannot be resolved within [rpcinterface:x]`,
      spec,
    );
  }
});
