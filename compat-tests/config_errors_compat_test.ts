/**
 * Differential test: every broken config in fixtures/cfgerr makes our
 * supervisord print exactly what /usr/bin/supervisord prints (stdout, stderr)
 * and exit with the same status, with temp paths and argv0 masked.
 * A fixture is a `.conf` file, or a directory holding `supervisord.conf` and
 * the files it includes.
 * @module
 */

import assert from "node:assert/strict";
import { cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  fixedEnv,
  haveReference,
  normalise,
  ourCommand,
  ourEntryName,
  REFERENCE,
  ROOT,
  run,
  tempDir,
} from "./_harness.ts";

const FIXTURES = join(ROOT, "compat-tests/fixtures/cfgerr");

/** SURFACE IDs each fixture exercises (all also exercise CFGERR.catalogue and CLI.usage). */
const IDS: Record<string, string> = {
  no_supervisord_section: "CFG.supervisord.required",
  no_section_header: "INI.errors,INI.nosection",
  option_before_section: "INI.errors,INI.nosection",
  parsing_errors: "INI.errors,INI.nodelim",
  program_without_command: "CFG.program.command,CFGERR.section",
  bad_boolean_autostart: "DT.boolean,CFG.program.autostart,CFGERR.section",
  bad_autorestart: "DT.autorestart,CFG.program.autorestart",
  bad_signal_name: "DT.signal,CFG.program.stopsignal",
  bad_signal_number: "DT.signal,CFG.program.stopsignal",
  bad_exitcodes: "DT.exitcodes,CFG.program.exitcodes",
  exitcode_out_of_range: "DT.exitcodes",
  numprocs_without_process_num: "CFG.program.numprocs,CFG.program.process_name",
  stopasgroup_without_killasgroup: "CFG.program.stopasgroup,CFG.program.killasgroup",
  invalid_user_name: "DT.user,CFG.program.user",
  invalid_user_id: "DT.user,CFG.program.user",
  bad_program_umask: "DT.octal,CFG.program.umask",
  bad_logfile_dir: "DT.dirpath,CFG.supervisord.logfile",
  bad_pidfile_dir: "DT.dirpath,CFG.supervisord.pidfile",
  bad_childlogdir: "DT.existingdir,CFG.supervisord.childlogdir",
  bad_directory: "DT.existingdir,CFG.supervisord.directory",
  bad_integer_startsecs: "DT.integer,CFG.program.startsecs",
  bad_bytesize: "DT.bytesize,CFG.program.stdout_logfile_maxbytes",
  bad_loglevel: "DT.loglevel,CFG.supervisord.loglevel",
  bad_supervisord_boolean: "DT.boolean,CFG.supervisord.nodaemon",
  bad_minfds: "DT.integer,CFG.supervisord.minfds",
  bad_supervisord_umask: "DT.octal,CFG.supervisord.umask",
  bad_environment_space: "DT.kvpairs,CFG.program.environment",
  bad_supervisord_environment: "DT.kvpairs,CFG.supervisord.environment",
  bad_program_name_space: "GEN.names",
  bad_program_name_slash: "GEN.names",
  bad_process_name: "GEN.names,CFG.program.process_name",
  bad_program_priority: "CFG.program.priority,DT.integer",
  bad_numprocs: "CFG.program.numprocs",
  group_unknown_program: "CFG.group.programs",
  group_second_unknown_program: "CFG.group.programs",
  group_ambiguous_program: "CFG.group.programs",
  group_bad_priority: "CFG.group.priority",
  eventlistener_without_events: "CFG.eventlistener.events",
  eventlistener_unknown_event: "CFG.eventlistener.events",
  eventlistener_redirect_stderr: "CFG.eventlistener.redirect_stderr",
  eventlistener_buffer_size_zero: "CFG.eventlistener.buffer_size",
  eventlistener_bad_result_handler: "CFG.eventlistener.result_handler",
  rpcinterface_without_factory: "CFG.rpcinterface.missingfactory",
  rpcinterface_bad_factory: "CFG.rpcinterface.main",
  inet_without_port: "CFG.inet_http_server.port",
  inet_bad_port: "DT.inetaddr,CFG.inet_http_server.port",
  inet_port_above_range: "DT.inetaddr",
  inet_port_zero: "DT.inetaddr",
  unix_without_file: "CFG.unix_http_server.file",
  incomplete_authentication: "CFG.unix_http_server.username,CFG.unix_http_server.password",
  bad_chmod: "CFG.unix_http_server.chmod",
  bad_chown: "CFG.unix_http_server.chown",
  include_without_files: "INC.files",
  expansion_unknown_name: "EXP.errors,EXP.table",
  expansion_bad_format: "EXP.errors,GEN.pyfmt",
  expansion_incomplete_format: "EXP.errors,GEN.pyfmt",
  expansion_unknown_env: "EXP.env,EXP.errors",
  expansion_process_num_in_priority: "EXP.table,EXP.errors",
  fcgi_without_socket: "CFG.fcgi.socket",
  fcgi_bad_socket_format: "CFG.fcgi.socket",
  fcgi_owner_with_tcp: "CFG.fcgi.socket_mode",
  fcgi_relative_unix_path: "CFG.fcgi.socket",
  fcgi_bad_backlog: "CFG.fcgi.socket_backlog",
  stdout_logfile_bad_dir: "DT.logfile,CFG.program.stdout_logfile",
  supervisord_invalid_user: "DT.user,CFG.supervisord.user,DAEMON.user",
  program_error_after_good_program: "CFGERR.section",
  include_parse_error: "INC.merge,INI.errors",
  include_program_error: "INC.relative,CFGERR.section",
};

const fixtures = readdirSync(FIXTURES).sort();

Deno.test("[TEST.differential] the broken-config corpus has at least 40 cases, each mapped to SURFACE IDs", () => {
  assert.ok(fixtures.length >= 40, `only ${fixtures.length} fixtures`);
  for (const f of fixtures) assert.ok(IDS[f.replace(/\.conf$/, "")], `no IDs listed for ${f}`);
});

for (const fixture of fixtures) {
  const ids = IDS[fixture.replace(/\.conf$/, "")] ?? "";
  Deno.test({
    name: `[CFGERR.catalogue,CLI.usage,${ids}] ${fixture}: ${ourEntryName()} prints what supervisord prints`,
    ignore: !haveReference(),
    fn: async () => {
      using tmp = tempDir("svts-cfgerr-");
      const src = join(FIXTURES, fixture);
      const isDir = statSync(src).isDirectory();
      cpSync(src, isDir ? tmp.path : join(tmp.path, fixture), { recursive: true });
      const conf = isDir ? "supervisord.conf" : fixture;
      const args = ["-n", "-c", conf];
      const opts = { cwd: tmp.path, env: fixedEnv(), timeoutMs: 20_000 };
      const [theirs, ours] = await Promise.all([
        run([REFERENCE, ...args], opts),
        run([...ourCommand(), ...args], opts),
      ]);
      assert.equal(theirs.timedOut, false, "reference supervisord did not exit: the fixture loads");
      assert.equal(ours.timedOut, false, "our supervisord did not exit");
      const view = (r: typeof ours) => ({
        code: r.code,
        stdout: normalise(r.stdout, tmp.path),
        stderr: normalise(r.stderr, tmp.path),
      });
      assert.deepEqual(view(ours), view(theirs));
    },
  });
}
