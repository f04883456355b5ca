/**
 * Differential tests of `[rpcinterface:x]` sections naming supervisor's own
 * factory, against /usr/bin/supervisord: the factory takes no options, so
 * an extra key (`retries = 1`) stops startup once an HTTP server is made
 * (`Error: Could not make supervisor rpc interface`, exit 2, the reason
 * logged at WARN, no program started); without an HTTP server the factory
 * is never called and supervisord starts; and a section with another name
 * serves the same methods under that name.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`),
 * supervisor/rpcinterface.py (`make_main_rpcinterface`).
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedEnv, haveReference, normalise, ourCommand, ourEntryName, REFERENCE, run, tempDir } from "./_harness.ts";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { rpcCall } from "./_rpc.ts";

const MAIN = "supervisor.rpcinterface:make_main_rpcinterface";

function conf(dir: string, side: string, opts: { server: boolean; sections: string; program?: boolean }): string {
  const path = join(dir, `${side}.conf`);
  writeFileSync(
    path,
    `[supervisord]
logfile=${dir}/${side}.log
pidfile=${dir}/${side}.pid
childlogdir=${dir}
nodaemon=true
${opts.server ? `\n[unix_http_server]\nfile=${dir}/${side}.sock\n` : ""}
${opts.sections}
${opts.program ? "[program:sleeper]\ncommand=sleep 600\nstartsecs=0\n" : ""}`,
  );
  return path;
}

const TYPE_ERROR = "TypeError: make_main_rpcinterface() got an unexpected keyword argument 'retries'";

Deno.test({
  name:
    `[CFG.rpcinterface.main] an extra key in [rpcinterface:supervisor] stops startup as supervisord does (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-rpcif-");
    const sections = `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = ${MAIN}\nretries = 1\n`;
    const opts = { cwd: tmp.path, env: fixedEnv(), timeoutMs: 20_000 };
    const [theirs, ours] = await Promise.all([
      run([REFERENCE, "-c", conf(tmp.path, "theirs", { server: true, sections, program: true })], opts),
      run([...ourCommand(), "-c", conf(tmp.path, "ours", { server: true, sections, program: true })], opts),
    ]);
    const view = (r: typeof ours) => ({ code: r.code, timedOut: r.timedOut, stderr: normalise(r.stderr, tmp.path) });
    assert.deepEqual(view(ours), view(theirs));
    assert.deepEqual(view(ours), {
      code: 2,
      timedOut: false,
      stderr: "Error: Could not make supervisor rpc interface\nFor help, use <ARGV0> -h\n",
    });
    for (const r of [theirs, ours]) {
      assert.match(r.stdout, /^\S+ \S+ WARN (?:.*\n)*?TypeError: .*$/m);
      assert.ok(r.stdout.includes(TYPE_ERROR), r.stdout);
      assert.ok(!r.stdout.includes("spawned:"), "no program is started");
    }
  },
});

async function bothStarted(tmp: string, sections: string, server: boolean) {
  const env = fixedEnv();
  const sides: Side[] = ["reference", "ours"];
  const daemons = sides.map((side) =>
    new ForegroundDaemon(side, ["-c", conf(tmp, side, { server, sections })], { cwd: tmp, env })
  );
  await Promise.all(daemons.map((d) => d.waitFor(/^INFO supervisord started with pid/)));
  return daemons;
}

Deno.test({
  name:
    `[CFG.rpcinterface.main] without an HTTP server the factory is never called: an extra key is harmless (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-rpcif-");
    const sections = `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = ${MAIN}\nretries = 1\n`;
    const daemons = await bothStarted(tmp.path, sections, false);
    try {
      for (const d of daemons) d.signal("SIGTERM");
      const codes = await Promise.all(daemons.map((d) => d.exited));
      assert.deepEqual(codes[1], codes[0]);
      for (const d of daemons) assert.ok(!d.stdout.includes("rpc interface"), d.stdout);
    } finally {
      for (const d of daemons) d[Symbol.dispose]();
    }
  },
});

Deno.test({
  name:
    `[CFG.rpcinterface.main,RPC.system.listMethods] supervisor's factory under another name serves the same methods there (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-rpcif-");
    const sections = `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = ${MAIN}\n\n` +
      `[rpcinterface:other]\nsupervisor.rpcinterface_factory = ${MAIN}\n`;
    const daemons = await bothStarted(tmp.path, sections, true);
    try {
      const [theirs, ours] = await Promise.all(
        ["reference", "ours"].map((side) => rpcCall({ path: join(tmp.path, `${side}.sock`) }, "system.listMethods")),
      );
      assert.deepEqual(ours, theirs);
      assert.ok(!ours!.fault && (ours!.value as string[]).includes("other.getState"));
      const state = await rpcCall({ path: join(tmp.path, "ours.sock") }, "other.getState");
      assert.deepEqual(state, { fault: false, value: { statecode: 1, statename: "RUNNING" } });
      for (const d of daemons) {
        assert.deepEqual(d.lines().filter((l) => l.includes("RPC interface")), [
          "INFO RPC interface 'supervisor' initialized",
          "INFO RPC interface 'other' initialized",
        ]);
      }
    } finally {
      for (const d of daemons) d[Symbol.dispose]();
    }
  },
});
