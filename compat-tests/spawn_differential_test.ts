/**
 * Differential tests for preparing a child's spawn:
 *
 * - `resolveExecArgs()` against Python's `Subprocess.get_execv_args` (with the
 *   real `ServerOptions` stat/access checks) over a temp tree of files;
 * - `decodeWaitStatus()` against `decode_wait_status` for every 16-bit status;
 * - the child environment from `spawnOptionsFor()` (config loaded by our
 *   loader) against what `/usr/bin/supervisord` gives its children, read
 *   from the logs of programs that run `env -0`;
 * - the child-side `user=` failure of a non-root supervisord: what the real
 *   supervisord's child writes (run as nobody via setpriv) against what our
 *   `childFailureOptions()` child writes through the exec shim.
 *
 * Python counterpart: supervisor/process.py (`get_execv_args`,
 * `_spawn_as_child`), supervisor/options.py (`decode_wait_status`,
 * `drop_privileges`).
 * @module
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { pythonStartupEnv } from "../src/cli/python_env.ts";
import { parseGroup, parsePasswd } from "../src/config/datatypes.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";
import { serverOptions } from "../src/config/server_options.ts";
import { type ExecProbe, resolveExecArgs, searchPath, SpawnError } from "../src/process/exec_args.ts";
import { decodeWaitStatus } from "../src/process/exit_status.ts";
import { childFailureOptions, spawnOptionsFor } from "../src/process/spawn_options.ts";
import { buildShimCommand } from "../src/runtime/exec_shim.ts";
import type { FileInfo } from "../src/runtime/types.ts";
import { fixedEnv, haveReference, REFERENCE, tempDir } from "./_harness.ts";
import { hasPython, runPython } from "./_python.ts";

/** The real file system, with relative paths taken against `cwd` (Python runs in "/"). */
function nodeProbe(cwd: string): ExecProbe {
  return {
    statSync(p: string): FileInfo | null {
      try {
        const s = statSync(resolve(cwd, p));
        return {
          isFile: s.isFile(),
          isDirectory: s.isDirectory(),
          size: s.size,
          mode: s.mode,
          uid: s.uid,
          gid: s.gid,
          mtime: s.mtimeMs,
          ino: s.ino,
          dev: s.dev,
        };
      } catch {
        return null;
      }
    },
    accessSync(p: string, mode: number): boolean {
      try {
        accessSync(resolve(cwd, p), mode);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** A tree of commands in `dir`: executable, plain, directory, symlink, file-as-directory. */
function seedTree(dir: string): void {
  writeFileSync(join(dir, "exe"), "#!/bin/sh\n");
  chmodSync(join(dir, "exe"), 0o755);
  writeFileSync(join(dir, "plain"), "");
  chmodSync(join(dir, "plain"), 0o644);
  writeFileSync(join(dir, "owner-only"), "");
  chmodSync(join(dir, "owner-only"), 0o700);
  mkdirSync(join(dir, "adir"));
  mkdirSync(join(dir, "bin2"));
  writeFileSync(join(dir, "bin2", "plain"), "");
  chmodSync(join(dir, "bin2", "plain"), 0o755);
  symlinkSync(join(dir, "exe"), join(dir, "link"));
  symlinkSync(join(dir, "missing"), join(dir, "dangling"));
}

interface LookupCase {
  command: string;
  /** The program's effective environment. */
  env: Record<string, string> | null;
  /** supervisord's PATH; null = unset. */
  path: string | null;
}

function lookupCases(t: string): LookupCase[] {
  const rel = t.slice(1); // relative to "/", where Python runs
  const withPath = (command: string, PATH: string): LookupCase => ({ command, env: { PATH }, path: "/bin" });
  const own = (command: string, path: string | null = "/usr/bin:/bin"): LookupCase => ({ command, env: {}, path });
  return [
    own(`${t}/exe a 'b c'`),
    own(`${t}/plain`),
    own(`${t}/owner-only`),
    own(`${t}/adir`),
    own(`${t}/missing`),
    own(`${t}/link x`),
    own(`${t}/dangling`),
    own(`${t}/plain/sub`),
    own(`${rel}/exe`),
    own(`${rel}/nope`),
    own("sh -c 'echo $HOME'"),
    own("sh", null),
    own("sh", ""),
    own("definitely-not-a-command-xyz"),
    own(""),
    own("   "),
    own("/bin/sh -c 'echo x"),
    own('"unterminated'),
    own("trailing\\"),
    own("it\\'s"),
    own("é"),
    withPath("exe", t),
    withPath("exe", `/nonexistent:${t}/plain:${t}`),
    withPath("plain", `${t}:${t}/bin2`),
    withPath("plain", `${t}/bin2:${t}`),
    withPath("adir", t),
    withPath("link", t),
    withPath("dangling", `${t}:/bin`),
    withPath("missing", t),
    withPath("exe", ""),
    withPath(rel, ":"),
    withPath("exe", `${rel}`),
    { command: "sh", env: { OTHER: "1" }, path: `${t}:/bin` },
  ];
}

const LOOKUP_SCRIPT = `
import os
from supervisor.options import ServerOptions, ProcessConfig, ProcessException
from supervisor.process import Subprocess
class Config: pass
out = []
for case in INPUT:
    if case['path'] is None: os.environ.pop('PATH', None)
    else: os.environ['PATH'] = case['path']
    c = Config()
    c.command = case['command']
    c.options = ServerOptions()
    c.environment = case['env']
    c.get_path = lambda c=c: ProcessConfig.get_path(c)
    p = Subprocess.__new__(Subprocess)
    p.config = c
    try:
        filename, argv = p.get_execv_args()
        out.append({'ok': [filename, argv]})
    except ProcessException as e:
        out.append({'err': type(e).__name__, 'msg': e.args[0]})
emit(out)
`;

Deno.test({
  name: "[SPAWN.split,SPAWN.lookup,SPAWN.argv,PROC.spawnerr] resolveExecArgs() agrees with get_execv_args",
  ignore: !hasPython,
  fn: () => {
    using tmp = tempDir("svts-spawn-");
    seedTree(tmp.path);
    const cases = lookupCases(tmp.path);
    const theirs = runPython(LOOKUP_SCRIPT, cases) as unknown[];
    const probe = nodeProbe("/");
    const ours = cases.map((c) => {
      const env = c.path === null ? {} : { PATH: c.path };
      try {
        const got = resolveExecArgs(c.command, searchPath(c.env, env), probe);
        return { ok: [got.filename, got.argv] };
      } catch (e) {
        if (!(e instanceof SpawnError)) throw e;
        return { err: e.kind, msg: e.message };
      }
    });
    for (let i = 0; i < cases.length; i++) {
      assert.deepEqual(ours[i], theirs[i], `command ${JSON.stringify(cases[i])}`);
    }
    // The table exercises every outcome.
    const kinds = new Set(ours.map((o) => "err" in o ? o.err : "ok"));
    assert.deepEqual([...kinds].sort(), ["BadCommand", "NotExecutable", "NotFound", "ok"]);
  },
});

Deno.test({
  name: "[PROC.status_text,DT.signame] decodeWaitStatus() agrees with decode_wait_status for every 16-bit status",
  ignore: !hasPython,
  fn: () => {
    const theirs = runPython(
      "from supervisor.options import decode_wait_status\n" +
        "emit([list(decode_wait_status(s)) for s in range(INPUT)])",
      0x10000,
    ) as Array<[number, string]>;
    assert.equal(theirs.length, 0x10000);
    for (let sts = 0; sts < 0x10000; sts++) {
      const ours = decodeWaitStatus(sts);
      assert.deepEqual([ours.exitstatus, ours.text], theirs[sts], `status 0x${sts.toString(16)}`);
    }
  },
});

function configHost(cwd: string, env: Record<string, string>): ConfigHost {
  const stat = (p: string) => {
    try {
      return statSync(resolve(cwd, p));
    } catch {
      return null;
    }
  };
  return {
    readFile: (p) => new Uint8Array(readFileSync(resolve(cwd, p))),
    exists: (p) => stat(p) !== null,
    isDirectory: (p) => stat(p)?.isDirectory() ?? false,
    readDir: (p) => {
      try {
        return readdirSync(resolve(cwd, p));
      } catch {
        return null;
      }
    },
    env,
    cwd,
    hostname: hostname(),
    uid: process.getuid?.() ?? 0,
    tempdir: "/tmp",
    passwd: () => parsePasswd(readFileSync("/etc/passwd", "utf8")),
    groups: () => parseGroup(readFileSync("/etc/group", "utf8")),
  };
}

/**
 * Runs the reference in the foreground until `done(output)` holds (polled;
 * or 15 s pass), then stops it and returns its output.
 */
function runReference(
  conf: string,
  cwd: string,
  env: Record<string, string>,
  done: (log: string) => boolean,
  prefix: string[] = [],
): Promise<string> {
  const argv = [...prefix, REFERENCE, "-n", "-c", conf];
  return new Promise((finish, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch { /* gone */ }
    };
    const timer = setTimeout(stop, 15_000);
    const poll = setInterval(() => done(out) && stop(), 50);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => out += d);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => out += d);
    child.on("error", fail);
    child.on("close", () => {
      clearTimeout(timer);
      clearInterval(poll);
      finish(out);
    });
  });
}

const ENV_CONF = `[supervisord]
logfile=%(here)s/sd.log
pidfile=%(here)s/sd.pid
childlogdir=%(here)s
environment=GLOBAL="g",SHARED="from-supervisord"

[unix_http_server]
file=%(here)s/s.sock

[group:grp]
programs=a

[program:a]
command=env -0
startsecs=0
autorestart=false
stdout_logfile=%(here)s/%(program_name)s.out
environment=SUPERVISOR_PROCESS_NAME="override",SHARED="from-program",PATH="/usr/bin:/bin",NEW="x y"

[program:b]
command=/usr/bin/env -0
process_name=%(program_name)s_%(process_num)d
numprocs=1
serverurl=http://example.invalid:1
startsecs=0
autorestart=false
stdout_logfile=%(here)s/%(program_name)s_%(process_num)d.out

[program:c]
command=/usr/bin/env -0
serverurl=
startsecs=0
autorestart=false
stdout_logfile=%(here)s/%(program_name)s.out
`;

/** `env -0` output as ordered entries. */
function envEntries(text: string): Array<[string, string]> {
  return text.split("\0").filter((s) => s !== "").map((s) => {
    const i = s.indexOf("=");
    return [s.slice(0, i), s.slice(i + 1)];
  });
}

Deno.test({
  name: "[ENV.child,ENV.serverurl] spawnOptionsFor() builds the environment /usr/bin/supervisord gives its children",
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-spawnenv-");
    writeFileSync(join(tmp.path, "supervisord.conf"), ENV_CONF);
    // SUPERVISOR_GROUP_NAME inherited from an outer supervisord keeps its place but is replaced.
    // Deno's child_process hands the environment over sorted by name; sorting it
    // here gives supervisord the same order under both runtimes.
    const env = Object.fromEntries(
      Object.entries(fixedEnv({ FOO: "bar", SUPERVISOR_GROUP_NAME: "outer" })).sort(([a], [b]) => a < b ? -1 : 1),
    );
    const names = ["a", "b_0", "c"];
    const out = await runReference(
      "supervisord.conf",
      tmp.path,
      env,
      () => names.every((n) => readLog(tmp.path).includes(`exited: ${n} `)),
    );
    for (const n of names) {
      assert.ok(readLog(tmp.path).includes(`exited: ${n} `), `reference did not run ${n}:\n${out}`);
    }
    const config = loadConfig("supervisord.conf", configHost(tmp.path, pythonStartupEnv(env)));
    const options = serverOptions(config, {}, { cwd: tmp.path, home: env.HOME, passwd: [] });
    const ctx = {
      env: pythonStartupEnv(env),
      serverurl: options.serverurl,
      uid: process.getuid?.() ?? 0,
      passwd: () => parsePasswd(readFileSync("/etc/passwd", "utf8")),
      groups: () => parseGroup(readFileSync("/etc/group", "utf8")),
      fs: nodeProbe(tmp.path),
    };
    const seen: string[] = [];
    for (const group of config.groups) {
      for (const proc of group.processes) {
        seen.push(proc.name);
        const theirs = envEntries(readFileSync(join(tmp.path, `${proc.name}.out`), "utf8"));
        const ours = Object.entries(spawnOptionsFor(proc, group.name, ctx).env);
        assert.deepEqual(ours, theirs, `environment of ${proc.name}`);
      }
    }
    assert.deepEqual(seen.sort(), names);
  },
});

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "sd.log"), "utf8");
  } catch {
    return "";
  }
}

const SETPRIV = "/usr/bin/setpriv";
const USER_CONF = `[supervisord]
logfile=%(here)s/sd.log
pidfile=%(here)s/sd.pid
childlogdir=%(here)s

[program:split]
command=/usr/bin/env
user=root
startsecs=0
autorestart=false
stdout_logfile=%(here)s/split.out
stderr_logfile=%(here)s/split.err

[program:merged]
command=/usr/bin/env
user=root
startsecs=0
autorestart=false
redirect_stderr=true
stdout_logfile=%(here)s/merged.out
`;

/** Runs `opts` the way the adapters do (through the exec shim) and returns its output. */
function runShim(opts: ReturnType<typeof childFailureOptions>) {
  const shim = buildShimCommand(opts);
  const r = spawnSync(shim.file, shim.args, { env: { ...opts.env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

Deno.test({
  name: "[SPAWN.user,SPAWN.childfail] a non-root supervisord's user= failure: same child output and exit 127",
  ignore: !haveReference() || !existsSync(SETPRIV) || process.getuid?.() !== 0,
  fn: async () => {
    using tmp = tempDir("svts-spawnuser-");
    chmodSync(tmp.path, 0o777);
    writeFileSync(join(tmp.path, "supervisord.conf"), USER_CONF, { mode: 0o644 });
    const log = await runReference(
      join(tmp.path, "supervisord.conf"),
      tmp.path,
      fixedEnv(),
      () => ["split", "merged"].every((n) => readLog(tmp.path).includes(`exited: ${n} `)),
      [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"],
    );
    assert.match(log, /exited: split \(exit status 127; not expected\)/);
    assert.match(log, /exited: merged \(exit status 127; not expected\)/);
    const read = (name: string) => readFileSync(join(tmp.path, name), "utf8");

    const config = loadConfig(join(tmp.path, "supervisord.conf"), configHost(tmp.path, fixedEnv()));
    const ctx = {
      env: fixedEnv(),
      serverurl: null,
      uid: 65534,
      passwd: () => parsePasswd(readFileSync("/etc/passwd", "utf8")),
      groups: () => parseGroup(readFileSync("/etc/group", "utf8")),
      fs: nodeProbe(tmp.path),
    };
    const procs = new Map(config.groups.flatMap((g) => g.processes.map((p) => [p.name, p])));
    const split = runShim(spawnOptionsFor(procs.get("split")!, "split", ctx));
    assert.deepEqual(split, { code: 127, stdout: read("split.out"), stderr: read("split.err") });
    assert.equal(split.stdout, "");
    const merged = runShim(spawnOptionsFor(procs.get("merged")!, "merged", ctx));
    assert.deepEqual(merged, { code: 127, stdout: read("merged.out"), stderr: "" });
  },
});
