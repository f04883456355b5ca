/**
 * Everything `Runtime.spawn()` needs for one process, from its config:
 * the resolved file and argv (exec_args.ts), the environment
 * (child_env.ts), the user switch, `directory=`, `umask=`,
 * `redirect_stderr=` and three pipes (SURFACE SPAWN.*).
 *
 * `user=` follows Python's `drop_privileges`, which runs in the forked child
 * (SPAWN.user): no change when the uid is supervisord's own (real) uid;
 * otherwise root switches to the user's uid, passwd primary gid and
 * supplementary groups, and any other supervisord fails. A failure is not a spawn error in Python: the
 * child has already been forked (`spawned: 'x' with pid N` is logged), it
 * writes `supervisor: couldn't setuid to <uid>: <reason>` and `supervisor:
 * child process was not spawned` to its fd 2 (the stderr log, or the stdout
 * log with redirect_stderr) and exits 127, so the process goes to BACKOFF
 * through the usual too-quick exit. Our runtimes cannot run code between
 * fork and exec, so we reproduce exactly that observable result by spawning
 * `/bin/sh` to print the same two lines on fd 2 and exit 127 instead of the
 * program ({@linkcode childFailureOptions}).
 *
 * Python counterpart: supervisor/process.py (`Subprocess.spawn`,
 * `_spawn_as_child`, `_prepare_child_fds`, `set_uid`) and
 * supervisor/options.py (`ServerOptions.drop_privileges`).
 * @module
 */

import type { GroupEntry, PasswdEntry } from "../config/datatypes.ts";
import { gidForUid } from "../config/datatypes.ts";
import type { ProcessConfig } from "../config/schema.ts";
import { EnvFileError, readEnvFiles } from "../config/env_file.ts";
import type { SpawnOptions } from "../runtime/types.ts";
import { buildChildEnv } from "./child_env.ts";
import { type ExecProbe, resolveExecArgs, searchPath, SpawnError } from "./exec_args.ts";

/** What the host contributes to a spawn, read at spawn time. */
export interface SpawnContext {
  /** supervisord's environment (Python `os.environ`), e.g. `runtime.env()`. */
  env: Readonly<Record<string, string>>;
  /** supervisord's default `SUPERVISOR_SERVER_URL` (`ServerOptions.serverurl`). */
  serverurl: string | null;
  /** supervisord's real uid (`runtime.uid()`; Python `os.getuid()`). */
  uid: number;
  /** The passwd database, consulted only when `user=` is set. */
  passwd: () => readonly PasswdEntry[];
  /** The group database, consulted only when switching user. */
  groups: () => readonly GroupEntry[];
  /** File checks for the command lookup, normally `runtime.fs`. */
  fs: ExecProbe;
  /**
   * The soft open-files limit children get when it differs from
   * supervisord's own (`RlimitsOutcome.childNofileSoft`); absent: inherited.
   */
  nofileSoft?: number;
  /** Reads a program's `env_file`s (extension), normally `runtime.fs.readFileSync`; absent: none can be read. */
  readFile?: (path: string) => Uint8Array;
  /** Receives the warnings of a process's env files at each spawn (names and lines only, never values). */
  envFileWarnings?: (processName: string, warnings: readonly string[]) => void;
}

/** The outcome of Python's `drop_privileges` for a process's `user=`. */
export type UserSwitch =
  | { kind: "keep" }
  | { kind: "switch"; uid: number; gid: number; groups: number[] }
  | { kind: "fail"; reason: string };

/**
 * Python `drop_privileges(uid)` as the child runs it: `Can't find uid <uid>`
 * when passwd no longer has the uid; no change when it is supervisord's own
 * real uid; `Can't drop privilege as nonroot user` unless supervisord is
 * root; else switch to the uid, its passwd primary gid, and the
 * supplementary groups: the primary gid first, then every group whose
 * member list names the user.
 *
 * @param uid `ProcessConfig.uid`; null means no `user=`.
 * @param currentUid supervisord's real uid.
 * @param db The passwd and group databases.
 */
export function userSwitchFor(
  uid: number | null,
  currentUid: number,
  db: Pick<SpawnContext, "passwd" | "groups">,
): UserSwitch {
  if (uid === null) return { kind: "keep" };
  const gid = gidForUid(uid, db.passwd());
  if (gid === undefined) return { kind: "fail", reason: `Can't find uid ${uid}` };
  if (uid === currentUid) return { kind: "keep" };
  if (currentUid !== 0) return { kind: "fail", reason: "Can't drop privilege as nonroot user" };
  return { kind: "switch", uid, gid, groups: supplementaryGroups(uid, gid, db) };
}

/**
 * The groups Python's `drop_privileges` gives a user: the primary `gid`
 * first, then every group whose member list names the user of `uid`.
 */
export function supplementaryGroups(uid: number, gid: number, db: Pick<SpawnContext, "passwd" | "groups">): number[] {
  const name = db.passwd().find((p) => p.uid === uid)?.name;
  if (name === undefined) return [gid];
  return [gid, ...db.groups().filter((g) => g.members.includes(name)).map((g) => g.gid)];
}

/** The shell that prints a child-side failure. */
const FAILURE_SHELL = "/bin/sh";
const FAILURE_SCRIPT = `printf '%s' "$1" >&2; exit 127`;

/**
 * Options for a child that only reports a child-side failure the way
 * Python's forked child does (SPAWN.childfail): it writes `supervisor:
 * <message>` and `supervisor: child process was not spawned` (each with a
 * newline) to fd 2 and exits 127.
 *
 * @param message The failure, without the `supervisor: ` prefix or newline.
 * @param base The stdio and environment the real program would have had.
 */
export function childFailureOptions(
  message: string,
  base: { env: Readonly<Record<string, string>>; redirectStderr: boolean },
): SpawnOptions {
  const text = `supervisor: ${message}\nsupervisor: child process was not spawned\n`;
  return {
    path: FAILURE_SHELL,
    argv: [FAILURE_SHELL, "-c", FAILURE_SCRIPT, "supervisor", text],
    env: base.env,
    redirectStderr: base.redirectStderr,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  };
}

/**
 * Prepares the spawn of one process.
 *
 * @param proc The process's config.
 * @param groupName The name of its group (`SUPERVISOR_GROUP_NAME`).
 * @param ctx supervisord's environment, uid, passwd and file checks.
 * @returns The options for `Runtime.spawn()`; when `user=` cannot be
 *   honoured, options for a child that reports it ({@linkcode childFailureOptions}).
 * @throws {SpawnError} When the command cannot be parsed, found or executed
 *   (the spawnerr text, PROC.spawnerr); nothing should be spawned then.
 */
export function spawnOptionsFor(proc: ProcessConfig, groupName: string, ctx: SpawnContext): SpawnOptions {
  const layered = programEnvironment(proc, groupName, ctx);
  const environment = layered instanceof SpawnError ? proc.environment : layered;
  const { filename, argv } = resolveExecArgs(proc.command, searchPath(environment, ctx.env), ctx.fs);
  // A command that cannot be found is reported first, as the RPC pre-check does.
  if (layered instanceof SpawnError) throw layered;
  const env = buildChildEnv({
    env: ctx.env,
    processName: proc.name,
    groupName,
    programServerUrl: proc.serverurl,
    defaultServerUrl: ctx.serverurl,
    environment,
  });
  const user = userSwitchFor(proc.uid, ctx.uid, ctx);
  if (user.kind === "fail") {
    return childFailureOptions(`couldn't setuid to ${proc.uid}: ${user.reason}`, {
      env,
      redirectStderr: proc.redirect_stderr,
    });
  }
  const opts: SpawnOptions = {
    path: filename,
    argv,
    env,
    redirectStderr: proc.redirect_stderr,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  };
  if (user.kind === "switch") {
    opts.uid = user.uid;
    opts.gid = user.gid;
    opts.groups = user.groups;
  }
  if (proc.directory !== null) opts.cwd = proc.directory;
  if (proc.umask !== null) opts.umask = proc.umask;
  if (ctx.nofileSoft !== undefined) opts.nofileSoft = ctx.nofileSoft;
  return opts;
}

/**
 * The program's effective environment with its `env_file`s read now
 * (EXTENSIONS.md §5A): `[supervisord] env_file` and `environment` (already in
 * `proc.environment`), then the files in order, then the program's own
 * `environment=`. A file that cannot be used gives the spawn error instead.
 */
function programEnvironment(
  proc: ProcessConfig,
  groupName: string,
  ctx: SpawnContext,
): Readonly<Record<string, string>> | SpawnError {
  const setting = proc.env_file;
  if (setting === null) return proc.environment;
  const read = ctx.readFile ?? ((path: string) => {
    throw new Error(`cannot read ${path}`);
  });
  let vars: Map<string, string>;
  try {
    const got = readEnvFiles(setting.files, read);
    if (got.warnings.length > 0) ctx.envFileWarnings?.(`${groupName}:${proc.name}`, got.warnings);
    vars = got.vars;
  } catch (e) {
    if (e instanceof EnvFileError) return new SpawnError("EnvFile", e.message);
    throw e;
  }
  const env: Record<string, string> = { ...proc.environment };
  for (const [key, value] of vars) {
    if (setting.explicit.includes(key)) continue;
    Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return env;
}
