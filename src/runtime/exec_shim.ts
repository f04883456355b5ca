/**
 * Builds the `/bin/sh -c '<script>' …` command through which every child is
 * started, so children begin the way supervisord's forked children do. Deno
 * and Bun cannot run code between fork and exec and reset signal
 * dispositions in the child, so the shell does the in-child steps of
 * Python's `Subprocess._spawn_as_child`, in Python's order:
 *
 * 1. `exec 2>&1` when stderr is redirected (Python dup2s before anything can
 *    fail, so its failure texts land in the stdout log then);
 * 2. `trap '' PIPE XFSZ`: the two signals Python ignores and its children
 *    inherit ignored (SURFACE SPAWN.signals, `SigIgn: 0000000001001000`),
 *    and `ulimit -Sn` when the child's soft open-files limit must be lower
 *    than ours (Python's children inherit supervisord's; the runtimes raise
 *    their own, see daemon_rlimits.ts);
 * 3. `cd -P` to the directory; on failure print `supervisor: couldn't chdir
 *    to <dir>: <ERRNO>` and `supervisor: child process was not spawned` on
 *    fd 2 and exit 127 (SPAWN.childfail);
 * 4. restore PWD and OLDPWD to the values the environment asked for (dash
 *    exports and updates both; Python passes the environment unchanged);
 * 5. `umask` (SPAWN.umask);
 * 6. `exec` the program. POSIX sh has no `exec -a`, so argv[0] is set by the
 *    word sh is given: when argv[0] has no "/" and the child's PATH leads to
 *    `path`, the bare name is exec'd and sh's PATH search finds the same file
 *    Python found, with argv[0] as written; otherwise `path` is exec'd.
 *
 * All values travel as positional parameters; only fixed text and the
 * validated umask digits are part of the script.
 *
 * With `groups` given alongside `uid` and `gid`, and util-linux `setpriv`
 * installed, the shell is started through `setpriv --reuid --regid
 * --groups`, which sets the supplementary groups Python's
 * `drop_privileges` sets (the runtimes' own uid switch clears them); the
 * adapter then leaves uid and gid alone. The switch still comes before the
 * chdir, as in Python.
 *
 * Residual differences from Python, all rare:
 * - The chdir errno is inferred with `test`: a missing path is ENOENT, a
 *   non-directory ENOTDIR, anything else EACCES (a file used as a parent
 *   component, really ENOTDIR, shows ENOENT).
 * - When exec itself fails, sh prints `supervisor: 1: exec: <word>: not
 *   found` (exit 127) or `…: Permission denied` (exit 126) instead of
 *   Python's `couldn't exec <argv0>: <ERRNO>`; a file with no `#!` line is
 *   run as a shell script where Python fails with ENOEXEC.
 * - argv[0] becomes `path` when it cannot be reproduced (argv[0] differs
 *   from `path` and is not a bare name found through the child's PATH).
 * - dash drops environment variables whose names are not shell identifiers
 *   (e.g. `foo-bar`); Python passes them on.
 *
 * Python counterpart: supervisor/process.py (`Subprocess._spawn_as_child`).
 * @module
 */

/** The shell that runs the shim script. */
export const SHIM_SHELL = "/bin/sh";

/** Where util-linux installs `setpriv`. */
const SETPRIV_CANDIDATES = ["/usr/bin/setpriv", "/bin/setpriv"];

/** The installed `setpriv`, or null; `exists` is the adapter's file check. */
export function findSetpriv(exists: (path: string) => boolean): string | null {
  return SETPRIV_CANDIDATES.find((p) => exists(p)) ?? null;
}

/** What the shim needs to know; see `SpawnOptions` in types.ts. */
export interface ShimOptions {
  path: string;
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string;
  umask?: number;
  redirectStderr?: boolean;
  uid?: number;
  gid?: number;
  groups?: readonly number[];
  nofileSoft?: number;
}

/** The command an adapter runs: `file` with `args` (argv[1..]). */
export interface ShimCommand {
  file: string;
  args: string[];
  /** True when the command itself switches uid, gid and groups (through setpriv). */
  switchesUser: boolean;
}

const CHDIR_SCRIPT = [
  'if [ -z "$1" ] || ! cd -P -- "$1" 2>/dev/null; then',
  'if [ ! -e "$1" ]; then e=ENOENT; elif [ ! -d "$1" ]; then e=ENOTDIR; else e=EACCES; fi',
  "printf 'supervisor: couldn'\\''t chdir to %s: %s\\nsupervisor: child process was not spawned\\n' \"$2\" \"$e\" >&2",
  "exit 127",
  "fi",
  "shift 2",
].join("\n");

/**
 * Builds the shim command for a child.
 *
 * @param opts The program, its argv and environment, and the in-child steps.
 * @param setpriv The installed `setpriv` ({@linkcode findSetpriv}), used
 *   when `opts` asks for supplementary groups with a user switch.
 * @returns `/bin/sh` (or `setpriv`) and its arguments.
 * @throws {RangeError} For a umask outside 0..0o777 or a negative or
 *   fractional open-files limit.
 */
export function buildShimCommand(opts: ShimOptions, setpriv: string | null = null): ShimCommand {
  const lines: string[] = [];
  const params: string[] = [];
  if (opts.redirectStderr === true) lines.push("exec 2>&1");
  lines.push("trap '' PIPE XFSZ");
  if (opts.nofileSoft !== undefined) lines.push(`ulimit -Sn ${limitDigits(opts.nofileSoft)}`);
  if (opts.cwd !== undefined) {
    lines.push(CHDIR_SCRIPT);
    params.push(cdTarget(opts.cwd), opts.cwd);
  }
  for (const name of ["PWD", "OLDPWD"]) {
    const value = opts.env[name];
    if (value === undefined) {
      lines.push(`unset ${name}`);
    } else {
      lines.push(`${name}=$1; shift`);
      params.push(value);
    }
  }
  if (opts.umask !== undefined) lines.push(`umask ${umaskDigits(opts.umask)}`);
  lines.push('exec "$@"');
  params.push(execWord(opts), ...opts.argv.slice(1));
  const args = ["-c", lines.join("\n"), "supervisor", ...params];
  const { uid, gid, groups } = opts;
  if (setpriv === null || uid === undefined || gid === undefined || groups === undefined) {
    return { file: SHIM_SHELL, args, switchesUser: false };
  }
  const groupArg = groups.length > 0 ? `--groups=${groups.join(",")}` : "--clear-groups";
  return {
    file: setpriv,
    args: [`--reuid=${uid}`, `--regid=${gid}`, groupArg, "--", SHIM_SHELL, ...args],
    switchesUser: true,
  };
}

/**
 * The word sh should exec: the bare argv[0] when sh's PATH search on the
 * child's PATH yields `path`, else `path` itself (made to contain a "/" so
 * sh does not search PATH for it).
 */
export function execWord(opts: Pick<ShimOptions, "path" | "argv" | "env">): string {
  const argv0 = opts.argv[0] ?? opts.path;
  const searchPath = opts.env["PATH"];
  if (
    argv0 !== "" && !argv0.includes("/") && searchPath !== undefined &&
    searchPath.split(":").some((dir) => joinPath(dir, argv0) === opts.path)
  ) {
    return argv0;
  }
  return opts.path.includes("/") ? opts.path : `./${opts.path}`;
}

/** Python `os.path.join(dir, name)` for a single relative name. */
function joinPath(dir: string, name: string): string {
  if (dir === "" || dir.endsWith("/")) return dir + name;
  return `${dir}/${name}`;
}

/** A `cd` operand that bypasses CDPATH and option parsing for relative paths. */
function cdTarget(dir: string): string {
  if (dir === "" || dir.startsWith("/")) return dir;
  return `./${dir}`;
}

function limitDigits(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`Invalid open-files limit: ${limit}`);
  return String(limit);
}

function umaskDigits(mask: number): string {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0o777) {
    throw new RangeError(`Invalid umask: ${mask}`);
  }
  return `0${mask.toString(8).padStart(3, "0")}`;
}
