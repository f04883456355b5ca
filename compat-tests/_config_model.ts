/**
 * Both sides of the config-model differential test: what
 * `/usr/bin/python3`'s supervisor 4.2.5 (`ServerOptions.realize`, then
 * `process_config(do_usage=False)` for a reread) makes of a config tree, and
 * what our `loadConfig` + `serverOptions` make of the same tree, each dumped
 * as one JSON-able snapshot so the two can be compared field for field.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.realize`,
 * `read_config`, `ProcessConfig`, `server_configs_from_parser`).
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { parseGroup, parsePasswd } from "../src/config/datatypes.ts";
import { ConfigError } from "../src/config/errors.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";
import type { ProcessConfig, ProcessGroupConfig, ServerConfig } from "../src/config/schema.ts";
import { serverOptions } from "../src/config/server_options.ts";
import { PYTHON } from "./_python.ts";

/** A config tree: files (relative to the temp dir; `{TMP}` in a text is the temp dir). */
export interface ModelCase {
  label: string;
  ids: string[];
  files: Record<string, string>;
  /** The `-c` argument, as typed. */
  conf: string;
  /** The working directory, relative to the temp dir ("" = the temp dir). */
  cwd?: string;
  /** A reread after these edits: files to (re)write, and files to delete. */
  reread?: { write: Record<string, string>; remove: string[] };
}

/** One load: the error text, or the model (a reread snapshot has groups only). */
export type Snapshot = { error: string } | Record<string, unknown>;

const PY_DUMP = String.raw`
import json, os, socket, sys
from supervisor.options import ServerOptions, Automatic
from supervisor.datatypes import RestartUnconditionally, RestartWhenExitUnexpected
from supervisor.options import EventListenerPoolConfig, FastCGIGroupConfig

class Usage(Exception):
    pass

def usage(msg):
    raise Usage(str(msg))

REQ = ['name', 'uid', 'command', 'directory', 'umask', 'priority', 'autostart',
       'autorestart', 'startsecs', 'startretries', 'stdout_logfile', 'stdout_capture_maxbytes',
       'stdout_events_enabled', 'stdout_syslog', 'stdout_logfile_backups', 'stdout_logfile_maxbytes',
       'stderr_logfile', 'stderr_capture_maxbytes', 'stderr_logfile_backups', 'stderr_logfile_maxbytes',
       'stderr_events_enabled', 'stderr_syslog', 'stopsignal', 'stopwaitsecs', 'stopasgroup',
       'killasgroup', 'exitcodes', 'redirect_stderr', 'environment', 'serverurl']

def value(v):
    if v is Automatic: return 'AUTO'
    if v is RestartUnconditionally: return True
    if v is RestartWhenExitUnexpected: return 'unexpected'
    if isinstance(v, tuple): return list(v)
    return v

def proc(p):
    return {n: value(getattr(p, n)) for n in REQ}

def group(g):
    kind = 'eventlistener' if isinstance(g, EventListenerPoolConfig) else (
        'fcgi-program' if isinstance(g, FastCGIGroupConfig) else 'program')
    out = {'kind': kind, 'name': g.name, 'priority': g.priority,
           'processes': [proc(p) for p in g.process_configs]}
    if kind == 'eventlistener': out['buffer_size'] = g.buffer_size
    return out

def server(c):
    out = {k: value(v) for k, v in c.items() if k != 'family'}
    out['family'] = 'unix' if c['family'] is socket.AF_UNIX else 'inet'
    return out

def first(o):
    s = o.configroot.supervisord
    opts = {k: value(getattr(o, k)) for k in ['configfile', 'here', 'logfile', 'logfile_maxbytes',
            'logfile_backups', 'pidfile', 'identifier', 'nodaemon', 'silent', 'nocleanup', 'strip_ansi',
            'childlogdir', 'minfds', 'minprocs', 'umask', 'directory', 'serverurl']}
    opts['environment'] = s.environment
    return {'options': opts, 'servers': [server(c) for c in o.server_configs],
            'groups': [group(g) for g in o.process_group_configs],
            'warnings': o.parse_warnings, 'infos': o.parse_infos}

def run(case):
    os.chdir(case['cwd'])
    o = ServerOptions()
    o.usage = usage
    out = []
    try:
        o.realize(args=['-c', case['conf']])
        out.append(first(o))
    except Usage as e:
        return [{'error': str(e)}]
    rr = case.get('reread')
    if rr:
        for rel, text in rr['write'].items():
            path = os.path.join(case['dir'], rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f: f.write(text)
        for rel in rr['remove']:
            os.remove(os.path.join(case['dir'], rel))
        try:
            o.process_config(do_usage=False)
            out.append({'groups': [group(g) for g in o.process_group_configs]})
        except ValueError as e:
            out.append({'error': str(e)})
    return out

req = json.loads(sys.stdin.read())
os.environ.clear()
os.environ.update(req['env'])
sys.stdout.write(json.dumps([run(c) for c in req['cases']]))
`;

/** Writes a case's files under `dir`, `{TMP}` replaced by `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text.replaceAll("{TMP}", dir));
  }
}

/**
 * Python's snapshots for every case, each case in its own tree under
 * `dirs[i]`; supervisord's environment is exactly `env`.
 */
export function pythonSnapshots(cases: readonly ModelCase[], dirs: readonly string[], env: Record<string, string>) {
  const input = cases.map((c, i) => {
    writeTree(dirs[i]!, c.files);
    const reread = c.reread && { write: fill(c.reread.write, dirs[i]!), remove: c.reread.remove };
    return { dir: dirs[i], cwd: join(dirs[i]!, c.cwd ?? ""), conf: c.conf, reread };
  });
  const r = spawnSync(PYTHON, ["-I", "-c", PY_DUMP], {
    input: JSON.stringify({ cases: input, env }),
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python exited with ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Snapshot[][];
  return out.map((snaps, i) => mask(snaps, dirs[i]!));
}

function fill(files: Record<string, string>, dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replaceAll("{TMP}", dir)]));
}

/** Our snapshots for one case in its own tree under `dir`. */
export function ourSnapshots(c: ModelCase, dir: string, env: Record<string, string>): Snapshot[] {
  writeTree(dir, c.files);
  const host = nodeHost(join(dir, c.cwd ?? ""), env);
  const out: Snapshot[] = [];
  try {
    const config = loadConfig(c.conf, host);
    const opts = serverOptions(config, {}, { cwd: host.cwd, home: env.HOME, passwd: host.passwd() });
    out.push({
      options: {
        configfile: opts.configfile,
        here: config.here,
        logfile: opts.logfile,
        logfile_maxbytes: opts.logfile_maxbytes,
        logfile_backups: opts.logfile_backups,
        pidfile: opts.pidfile,
        identifier: opts.identifier,
        nodaemon: opts.nodaemon,
        silent: opts.silent,
        nocleanup: opts.nocleanup,
        strip_ansi: opts.strip_ansi,
        childlogdir: opts.childlogdir,
        minfds: opts.minfds,
        minprocs: opts.minprocs,
        umask: opts.umask,
        directory: opts.directory,
        serverurl: opts.serverurl,
        environment: opts.environment,
      },
      servers: config.servers.map(server),
      groups: config.groups.map(group),
      warnings: config.parseWarnings,
      infos: config.parseInfos,
    });
  } catch (e) {
    if (e instanceof ConfigError) return mask([{ error: e.message }], dir);
    throw e;
  }
  if (c.reread) {
    writeTree(dir, c.reread.write);
    for (const rel of c.reread.remove) rmSync(join(dir, rel));
    try {
      out.push({ groups: loadConfig(c.conf, host).groups.map(group) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      out.push({ error: e.message });
    }
  }
  return mask(out, dir);
}

function group(g: ProcessGroupConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: g.kind,
    name: g.name,
    priority: g.priority,
    processes: g.processes.map(proc),
  };
  if (g.kind === "eventlistener") out.buffer_size = g.buffer_size;
  return out;
}

const PROC_KEYS = [
  "name",
  "uid",
  "command",
  "directory",
  "umask",
  "priority",
  "autostart",
  "autorestart",
  "startsecs",
  "startretries",
  "stdout_logfile",
  "stdout_capture_maxbytes",
  "stdout_events_enabled",
  "stdout_syslog",
  "stdout_logfile_backups",
  "stdout_logfile_maxbytes",
  "stderr_logfile",
  "stderr_capture_maxbytes",
  "stderr_logfile_backups",
  "stderr_logfile_maxbytes",
  "stderr_events_enabled",
  "stderr_syslog",
  "stopsignal",
  "stopwaitsecs",
  "stopasgroup",
  "killasgroup",
  "exitcodes",
  "redirect_stderr",
  "environment",
  "serverurl",
] as const satisfies readonly (keyof ProcessConfig)[];

function proc(p: ProcessConfig): Record<string, unknown> {
  return Object.fromEntries(PROC_KEYS.map((k) => [k, p[k]]));
}

/** The Python fields of a server; its extension keys have no counterpart there (load_server_extensions_test.ts). */
function server(s: ServerConfig): Record<string, unknown> {
  const { api: _a, metrics: _m, metrics_auth: _ma, metrics_families: _mf, metrics_process_tree: _mt, ...python } = s;
  return python;
}

/** Replaces the side's temp dir with `<TMP>` everywhere. */
function mask(snaps: Snapshot[], dir: string): Snapshot[] {
  return JSON.parse(JSON.stringify(snaps).replaceAll(dir, "<TMP>")) as Snapshot[];
}

/** A config host over this machine's file system and user database. */
export function nodeHost(
  cwd: string,
  env: Record<string, string>,
): ConfigHost & { passwd(): ReturnType<typeof parsePasswd> } {
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  return {
    readFile: (p) => new Uint8Array(readFileSync(p)),
    exists: (p) => stat(p) !== null,
    isDirectory: (p) => stat(p)?.isDirectory() ?? false,
    readDir: (p) => {
      try {
        return readdirSync(p);
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
