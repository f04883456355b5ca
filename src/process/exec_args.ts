/**
 * Turns a program's `command=` into the file to execute and its argv, and
 * checks that the file exists and may be executed, before anything is
 * spawned (SURFACE SPAWN.split, SPAWN.lookup, SPAWN.argv). Failures carry
 * supervisord's exact spawnerr text (PROC.spawnerr) and Python's exception
 * class name, so the RPC layer can pick NO_FILE or NOT_EXECUTABLE.
 *
 * Python counterpart: supervisor/process.py (`Subprocess.get_execv_args`),
 * supervisor/options.py (`ServerOptions.get_path`,
 * `ServerOptions.check_execv_args`, `ProcessConfig.get_path`,
 * `ProcessException` and its subclasses).
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { join } from "../config/pypath.ts";
import { shlexSplit } from "../config/shlex.ts";
import type { FileInfo, FileSystem } from "../runtime/types.ts";
import { AccessMode } from "../runtime/types.ts";

/**
 * Which Python `ProcessException` subclass a {@linkcode SpawnError} stands
 * for; `EnvFile` (extension): an `env_file` could not be used.
 */
export type SpawnErrorKind = "BadCommand" | "NotFound" | "NotExecutable" | "NoPermission" | "EnvFile";

/**
 * Preparing a spawn failed; `message` is the spawnerr text supervisord logs
 * (`spawnerr: <message>`) and reports in `getProcessInfo`.
 */
export class SpawnError extends Error {
  /** `NotFound` maps to the NO_FILE fault, `EnvFile` to SPAWN_ERROR, every other kind to NOT_EXECUTABLE. */
  readonly kind: SpawnErrorKind;

  constructor(kind: SpawnErrorKind, message: string) {
    super(message);
    this.name = "SpawnError";
    this.kind = kind;
  }
}

/** The two synchronous file checks the lookup needs (a `Runtime.fs` will do). */
export type ExecProbe = Pick<FileSystem, "statSync" | "accessSync">;

/** What to hand to `execve`: the resolved file and argv exactly as split. */
export interface ExecArgs {
  /** The file found (relative paths stay relative, as Python leaves them). */
  filename: string;
  /** The split command; argv[0] is the word as written, not `filename`. */
  argv: string[];
}

/** Python's default search path when supervisord has no (or an empty) `PATH`. */
export const DEFAULT_SEARCH_PATH: readonly string[] = ["/bin", "/usr/bin", "/usr/local/bin"];

/**
 * The directories searched for a command without a `/` (SPAWN.lookup): the
 * `PATH` of the program's effective `environment=` when it has one (even an
 * empty one, which Python splits into `[""]`: the current directory), else
 * supervisord's own `PATH` when set and non-empty, else
 * {@linkcode DEFAULT_SEARCH_PATH}.
 *
 * @param programEnv The process config's `environment` (supervisord's
 *   `[supervisord] environment` overlaid by the program's own).
 * @param supervisordEnv supervisord's process environment at spawn time.
 * @returns The directories, in search order.
 */
export function searchPath(
  programEnv: Readonly<Record<string, string>> | null,
  supervisordEnv: Readonly<Record<string, string>>,
): string[] {
  const fromProgram = programEnv?.["PATH"];
  if (fromProgram !== undefined) return fromProgram.split(":");
  const own = supervisordEnv["PATH"];
  if (own !== undefined && own !== "") return own.split(":");
  return [...DEFAULT_SEARCH_PATH];
}

/** Python `os.stat` as `get_execv_args` uses it: any OSError means "no file". */
function statOrNull(probe: ExecProbe, path: string): FileInfo | null {
  try {
    return probe.statSync(path);
  } catch {
    return null;
  }
}

/** Splits `command` with POSIX shell rules (SPAWN.split). */
function splitCommand(command: string): string[] {
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new SpawnError("BadCommand", `can't parse command ${pyRepr(command)}: ${reason}`);
  }
  if (argv.length === 0) throw new SpawnError("BadCommand", "command is empty");
  return argv;
}

/**
 * Finds `program` on `path`: the first directory in which the name exists
 * (any file type) wins; when none has it, the bare name is returned.
 */
function lookUp(program: string, path: readonly string[], probe: ExecProbe): { filename: string; st: FileInfo | null } {
  for (const dir of path) {
    const found = join(dir, program);
    const st = statOrNull(probe, found);
    if (st !== null) return { filename: found, st };
  }
  return { filename: program, st: null };
}

/**
 * Python `check_execv_args`: missing, a directory, no x bit at all, then
 * `access(X_OK)` for supervisord's real uid, in that order.
 */
function checkExecutable(filename: string, st: FileInfo | null, probe: ExecProbe): void {
  if (st === null) throw new SpawnError("NotFound", `can't find command ${pyRepr(filename)}`);
  if (st.isDirectory) {
    throw new SpawnError("NotExecutable", `command at ${pyRepr(filename)} is a directory`);
  }
  if ((st.mode & 0o111) === 0) {
    throw new SpawnError("NotExecutable", `command at ${pyRepr(filename)} is not executable`);
  }
  if (!probe.accessSync(filename, AccessMode.X_OK)) {
    throw new SpawnError("NoPermission", `no permission to run command ${pyRepr(filename)}`);
  }
}

/**
 * Splits `command` and resolves its first word (SPAWN.split, SPAWN.lookup).
 * A word containing `/` is used as is; a relative one is checked against
 * supervisord's working directory (the probe's), although the child execs
 * it relative to its own `directory=` (QUIRK, replicated).
 *
 * @param command The program's `command=` value.
 * @param path Directories to search, from {@linkcode searchPath}.
 * @param probe File checks, normally `runtime.fs`.
 * @returns The file to execute and the argv.
 * @throws {SpawnError} With Python's spawnerr text: `can't parse command
 *   '<cmd>': No closing quotation`, `command is empty`, `can't find command
 *   '<x>'`, `command at '<x>' is a directory`, `command at '<x>' is not
 *   executable`, `no permission to run command '<x>'`.
 */
export function resolveExecArgs(command: string, path: readonly string[], probe: ExecProbe): ExecArgs {
  const argv = splitCommand(command);
  const program = argv[0] as string;
  const { filename, st } = program.includes("/")
    ? { filename: program, st: statOrNull(probe, program) }
    : lookUp(program, path, probe);
  checkExecutable(filename, st, probe);
  return { filename, argv };
}
