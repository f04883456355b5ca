/**
 * supervisorctl's command line and config: the options `-c -h -? -i -s -u
 * -p -r` with Python's getopt rules and processing order, the default config
 * search, the `[supervisorctl]` section (serverurl, username, password,
 * prompt, history_file, with `%(ENV_x)s` and `%(here)s` expansion), and the
 * usage errors, all as the stock client reports them (CTL.options,
 * CTL.config, CFG.supervisorctl.*).
 *
 * Two Python quirks are kept: `-r FILE` is accepted but does nothing (the
 * stock client only uses `history_file` from the config file), and `-c ""`
 * means "read no config file".
 *
 * Python counterpart: supervisor/options.py (`Options.realize`,
 * `Options.process_config`, `ClientOptions`, `ClientOptions.read_config`).
 * @module
 */

import { url } from "../config/datatypes.ts";
import { ValueConversionError } from "../config/errors.ts";
import { IniError, IniParser } from "../config/ini.ts";
import { applyShellExpansion, shellExpansionOn } from "../config/shell_expansion.ts";
import { dirname, normalizePath } from "../config/pypath.ts";
import { pyRepr } from "../config/pyrepr.ts";
import { OptionReader } from "../config/_reader.ts";
import { getopt, GetoptError, type GetoptResult } from "../cli/getopt.ts";
import { pythonStartupEnv } from "../cli/python_env.ts";
import {
  checkConfigFile,
  defaultSearchPaths,
  formatUsageError,
  resolveFrom,
  unreadableConfigMessage,
  UsageError,
} from "../cli/supervisord_args.ts";
import { ctlUsageText } from "./help.ts";

/** The client's settings once the command line and config are read. */
export interface CtlOptions {
  /** The config file read, as given or found; null when none was read. */
  configfile: string | null;
  serverurl: string;
  username: string | null;
  password: string | null;
  /** The shell prompt without `> `. */
  prompt: string;
  /** `[supervisorctl] history_file`, normalised; null when unset. */
  historyFile: string | null;
  /** True with `-i`, or when no command is given. */
  interactive: boolean;
  /** `[supervisorctl] update_mode` (extension): `surgical` makes `update` run `apply`. */
  updateMode: "python" | "surgical";
  /** The command words (everything from the first non-option word). */
  args: string[];
}

/** What option processing needs from the host, all synchronous. */
export interface CtlHost {
  /** The name shown in usage texts (`supervisorctl`, or `supervisord ctl`). */
  progname: string;
  /** The program path the default search is relative to (Python's `sys.argv[0]`). */
  argv0: string;
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Existence test (absolute paths). */
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Whole file; throws when it cannot be read. */
  readFile(path: string): Uint8Array;
}

/** Either settings to run with, or output and an exit status to stop with. */
export type CtlSetup =
  | { options: CtlOptions }
  | { exitCode: number; stdout: string; stderr: string };

type Key = "configfile" | "interactive" | "serverurl" | "username" | "password" | "history";

const BY_FLAG: ReadonlyMap<string, Key | "help"> = new Map([
  ["-h", "help"],
  ["--help", "help"],
  ["-?", "help"],
  ["-c", "configfile"],
  ["--configuration", "configfile"],
  ["-i", "interactive"],
  ["--interactive", "interactive"],
  ["-s", "serverurl"],
  ["--serverurl", "serverurl"],
  ["-u", "username"],
  ["--username", "username"],
  ["-p", "password"],
  ["--password", "password"],
  ["-r", "history"],
  ["--history_file", "history"],
]);
const SHORT_OPTS = "h?c:is:u:p:r:";
const LONG_OPTS = ["help", "configuration=", "interactive", "serverurl=", "username=", "password=", "history_file="];

/** Python raised a non-ValueError while reading the config: it dies with a traceback. */
class Traceback extends Error {}

/** The values given on the command line (Python's priority-2 settings). */
type Given = Partial<Record<Key, string>>;

/** Processes the options in order; returns null after `-h`. */
function processOptions(scanned: GetoptResult): Given | null {
  const given: Given = {};
  for (const [flag, raw] of scanned.opts) {
    const key = BY_FLAG.get(flag)!;
    if (key === "help") return null;
    let value = raw;
    if (key === "interactive") value = "1";
    if (key === "serverurl") {
      try {
        value = url(raw);
      } catch (e) {
        if (!(e instanceof ValueConversionError)) throw e;
        throw new UsageError(`invalid value for ${flag} ${pyRepr(raw)}: ${e.message}`);
      }
    }
    if (given[key] !== undefined) throw new UsageError(`conflicting command line option ${pyRepr(flag)}`);
    given[key] = value;
  }
  return given;
}

/** `Options.default_configfile` without `require_configfile`: the first existing path, or null. */
function searchConfig(host: CtlHost): string | null {
  return defaultSearchPaths(host.argv0).find((p) => p !== "" && host.exists(resolveFrom(host.cwd, p))) ?? null;
}

/** What `[supervisorctl]` provides. */
interface SectionValues {
  serverurl: string;
  prompt: string;
  username: string | null;
  password: string | null;
  historyFile: string | null;
  updateMode: "python" | "surgical";
}

/** `ClientOptions.read_config`. */
function readConfig(path: string, host: CtlHost, env: Record<string, string>): SectionValues {
  checkConfigFile(path, host.cwd, host.exists, host.isDirectory);
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(resolveFrom(host.cwd, path));
  } catch {
    throw new UsageError(unreadableConfigMessage(path));
  }
  const parser = new IniParser();
  try {
    parser.readBytes(bytes, path);
  } catch (e) {
    if (e instanceof IniError && e.kind === "UnicodeDecodeError") throw new UsageError(e.message);
    if (e instanceof IniError) throw new Traceback(`configparser.${e.kind}: ${e.message}`);
    throw e;
  }
  if (!parser.hasSection("supervisorctl")) throw new UsageError(".ini file does not include supervisorctl section");
  const here = dirname(normalizePath(path, host.cwd, env.HOME));
  // `[supervisord] shell_expansion` (extension) covers `[supervisorctl]` in our client (never in the stock one).
  try {
    if (shellExpansionOn(parser)) {
      applyShellExpansion(parser, (n) => Object.hasOwn(env, n) ? env[n] : undefined, ["supervisorctl"]);
    }
  } catch (e) {
    if (e instanceof ValueConversionError) throw new UsageError(e.message);
    throw e;
  }
  const envExpansions: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) envExpansions[`ENV_${k}`] = v;
  const reader = new OptionReader(parser, envExpansions);
  const get = (option: string, fallback: string | null, withHere: boolean) => {
    try {
      return reader.get("supervisorctl", option, fallback, withHere ? { here } : {});
    } catch (e) {
      if (e instanceof ValueConversionError) throw new UsageError(e.message);
      throw e;
    }
  };
  let serverurl = get("serverurl", "http://localhost:9001", true)!;
  if (serverurl.startsWith("unix://")) serverurl = `unix://${normalizePath(serverurl.slice(7), host.cwd, env.HOME)}`;
  const prompt = get("prompt", "supervisor", false)!;
  const username = get("username", null, false);
  const password = get("password", null, false);
  const history = get("history_file", null, true);
  const historyFile = history ? normalizePath(history, host.cwd, env.HOME) : null;
  const mode = get("update_mode", "python", false)!.trim().toLowerCase();
  if (mode !== "python" && mode !== "surgical") throw new UsageError("update_mode must be one of python, surgical");
  return { serverurl, prompt, username, password, historyFile, updateMode: mode };
}

function realize(args: readonly string[], host: CtlHost): CtlSetup {
  let scanned: GetoptResult;
  try {
    scanned = getopt(args, SHORT_OPTS, LONG_OPTS);
  } catch (e) {
    if (e instanceof GetoptError) throw new UsageError(e.message);
    throw e;
  }
  const given = processOptions(scanned);
  if (given === null) return { exitCode: 0, stdout: ctlUsageText(host.progname), stderr: "" };
  const configfile = given.configfile ?? searchConfig(host);
  const env = pythonStartupEnv(host.env);
  const section = configfile ? readConfig(configfile, host, env) : null;
  const options: CtlOptions = {
    configfile: configfile || null,
    serverurl: given.serverurl ?? section?.serverurl ?? "http://localhost:9001",
    username: given.username ?? section?.username ?? null,
    password: given.password ?? section?.password ?? null,
    prompt: section?.prompt ?? "supervisor",
    historyFile: section?.historyFile ?? null,
    updateMode: section?.updateMode ?? "python",
    interactive: given.interactive !== undefined || scanned.args.length === 0,
    args: scanned.args,
  };
  return { options };
}

/**
 * Reads supervisorctl's command line (`args` without the program name) and
 * config file.
 *
 * @returns the settings, or the output and exit status of `-h` (0), a usage
 *   error (2, Python's `Error: …` / `For help, use … -h` on stderr), or a
 *   config file Python's parser rejects with a traceback (1).
 */
export function parseCtlOptions(args: readonly string[], host: CtlHost): CtlSetup {
  try {
    return realize(args, host);
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, stdout: "", stderr: formatUsageError(e.message, host.progname) };
    if (e instanceof Traceback) {
      return { exitCode: 1, stdout: "", stderr: `Traceback (most recent call last):\n${e.message}\n` };
    }
    throw e;
  }
}
