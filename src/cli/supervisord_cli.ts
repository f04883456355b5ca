/**
 * supervisord start-up up to (not including) reading the config file: parse
 * the command line, answer `-h`/`-v`, find the config file, and report usage
 * errors exactly as Python does (stdout, stderr and exit status).
 *
 * Python counterpart: supervisor/options.py `Options.realize` and
 * `ServerOptions.realize` (the part before `process_config`), plus
 * `ServerOptions.read_config`'s opening checks.
 * @module
 */

import type { PathProbe } from "../config/datatypes.ts";
import { supervisordHelpText } from "./help_text.ts";
import {
  checkConfigFile,
  findDefaultConfig,
  formatUsageError,
  parseSupervisordArgs,
  resolveFrom,
  ROOT_SEARCH_WARNING,
  type SupervisordOverrides,
  UsageError,
} from "./supervisord_args.ts";
import { SUPERVISOR_VERSION } from "../version.ts";

/** What the command line needs from the host. */
export interface CliEnv {
  /** The program path as invoked; it appears in messages and drives the search. */
  argv0: string;
  /** The absolute cwd at startup; relative paths are resolved against it. */
  cwd: string;
  /** The uid checked for the root warning (Python tests the real uid). */
  euid: number;
  /** The process environment (`HOME` expands `~`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Existence test; always called with an absolute path. */
  exists(path: string): boolean;
  /** Directory test; always called with an absolute path. */
  isDirectory(path: string): boolean;
  /** Home directory of a named user, for `~user` paths (passwd lookup). */
  userHome?(name: string): string | undefined;
}

/** What start-up continues with once the command line is accepted. */
export interface SupervisordRun {
  /** The config path as typed after `-c`, or as written in the search list. */
  configfile: string;
  /** True when `configfile` came from the default search. */
  searched: boolean;
  overrides: SupervisordOverrides;
}

/**
 * The result of the command-line stage. Write `stdout` and `stderr` first.
 * With `config` set, start-up continues (and `exitCode` is 0); otherwise the
 * process exits with `exitCode`.
 */
export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  config?: SupervisordRun;
}

/** Runs the command-line stage of supervisord for `argv` (without the program name). */
export function runSupervisordCli(
  argv: readonly string[],
  env: CliEnv,
): CliOutcome {
  const probe: PathProbe = {
    home: env.env["HOME"],
    isDirectory: (p) => p !== "" && env.isDirectory(resolveFrom(env.cwd, p)),
  };
  if (env.userHome) probe.userHome = (name) => env.userHome?.(name);
  let stderr = "";
  try {
    const args = parseSupervisordArgs(argv, probe);
    if (args.action === "help") {
      return { exitCode: 0, stdout: supervisordHelpText(env.argv0), stderr };
    }
    if (args.action === "version") {
      return { exitCode: 0, stdout: `${SUPERVISOR_VERSION}\n`, stderr };
    }
    let configfile = args.configfile;
    const searched = configfile === undefined;
    if (configfile === undefined) {
      if (env.euid === 0) stderr += ROOT_SEARCH_WARNING;
      configfile = findDefaultConfig(env.argv0, env.cwd, env.exists);
    }
    checkConfigFile(configfile, env.cwd, env.exists, env.isDirectory);
    return {
      exitCode: 0,
      stdout: "",
      stderr,
      config: { configfile, searched, overrides: args.overrides },
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return {
      exitCode: 2,
      stdout: "",
      stderr: stderr + formatUsageError(e.message, env.argv0),
    };
  }
}
