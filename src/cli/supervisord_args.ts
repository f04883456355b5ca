/**
 * The supervisord command line: the option table, option processing in
 * Python's order (getopt, positional check, then each option in the order
 * given: convert, check for a repeat, store), the default config search and
 * the usage-error text.
 *
 * Python counterpart: supervisor/options.py (`Options.__init__`,
 * `Options.add`, `Options.realize`, `Options.default_configfile`,
 * `Options.usage`, `ServerOptions.__init__`, `ServerOptions.default_configfile`,
 * `ServerOptions.read_config` for the missing/unreadable file messages).
 * @module
 */

import {
  byteSize,
  existingDirectory,
  existingDirpath,
  integer,
  logLevel,
  octalType,
  type PathProbe,
} from "../config/datatypes.ts";
import { ValueConversionError } from "../config/errors.ts";
import type { OptionOverrides } from "../config/server_options.ts";
import { dirname, join } from "../config/pypath.ts";
import { pyRepr, pyReprList } from "../config/pyrepr.ts";
import { getopt, GetoptError, type GetoptResult } from "./getopt.ts";

/**
 * A command-line or startup error that Python reports through
 * `Options.usage`: `message` is the text after `Error: ` (exit status 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--profile_options`: sort keys for the profiler report, and whether `callers` was asked for. */
export interface ProfileOptions {
  sortOrder: string[];
  callers: boolean;
}

/** Values given on the command line, keyed by their `[supervisord]` config key. */
export type SupervisordOverrides = OptionOverrides & { profile_options?: ProfileOptions };

/** The parsed command line: print help, print the version, or run. */
export interface SupervisordArgs {
  action: "help" | "version" | "run";
  /** The `-c` value exactly as typed; absent when the default search applies. */
  configfile?: string;
  overrides: SupervisordOverrides;
}

type OverrideKey = keyof SupervisordOverrides;
type Converter = (value: string, probe: PathProbe) => unknown;

interface OptionDef {
  key: OverrideKey | "configfile" | "help" | "version";
  short: string;
  long: string;
  /** The option takes a value (getopt `x:` / `name=`). */
  takesValue: boolean;
  convert: Converter;
}

const asString: Converter = (v) => v;
const asTrue: Converter = () => true;

/** `datatypes.profile_options`: comma list, lower-cased, `callers` pulled out. */
function profileOptions(value: string): ProfileOptions {
  const items = value === "" ? [] : value.split(",").map((x) => x.trim().toLowerCase());
  return {
    sortOrder: items.filter((x) => x !== "callers"),
    callers: items.includes("callers"),
  };
}

/** An option without a value (getopt `x` / `name`). */
function flag(short: string, long: string, key: OptionDef["key"]): OptionDef {
  return { key, short, long, takesValue: false, convert: asTrue };
}

/** An option with a value (getopt `x:` / `name=`). */
function valued(
  short: string,
  long: string,
  key: OptionDef["key"],
  convert: Converter,
): OptionDef {
  return { key, short, long, takesValue: true, convert };
}

// Same order as the `self.add(...)` calls in Python, so the getopt letter
// string and long-name list come out identical.
const OPTIONS: readonly OptionDef[] = [
  flag("h", "help", "help"),
  flag("?", "", "help"),
  valued("c", "configuration", "configfile", asString),
  flag("v", "version", "version"),
  flag("n", "nodaemon", "nodaemon"),
  valued("u", "user", "user", asString),
  valued("m", "umask", "umask", octalType),
  valued("d", "directory", "directory", existingDirectory),
  valued("l", "logfile", "logfile", existingDirpath),
  valued("y", "logfile_maxbytes", "logfile_maxbytes", byteSize),
  valued("z", "logfile_backups", "logfile_backups", integer),
  valued("e", "loglevel", "loglevel", logLevel),
  valued("j", "pidfile", "pidfile", existingDirpath),
  valued("i", "identifier", "identifier", asString),
  valued("q", "childlogdir", "childlogdir", existingDirectory),
  valued("a", "minfds", "minfds", integer),
  valued("", "minprocs", "minprocs", integer),
  flag("k", "nocleanup", "nocleanup"),
  flag("t", "strip_ansi", "strip_ansi"),
  valued("", "profile_options", "profile_options", profileOptions),
  flag("s", "silent", "silent"),
];

const SHORT_OPTS = OPTIONS.filter((o) => o.short !== "")
  .map((o) => o.short + (o.takesValue ? ":" : "")).join("");
const LONG_OPTS = OPTIONS.filter((o) => o.long !== "")
  .map((o) => o.long + (o.takesValue ? "=" : ""));
const BY_FLAG = new Map<string, OptionDef>();
for (const o of OPTIONS) {
  if (o.short !== "") BY_FLAG.set("-" + o.short, o);
  if (o.long !== "") BY_FLAG.set("--" + o.long, o);
}

/**
 * Parses supervisord's arguments (argv without the program name). Options
 * are acted on in the order given, so `-vh` is a version request and `-hv`
 * a help request, and an error in an earlier option wins over a later `-h`.
 * `probe` answers the directory checks of `-d`, `-q`, `-l` and `-j`
 * (relative paths are relative to the startup cwd).
 *
 * @throws {UsageError} with Python's message for any bad command line.
 */
export function parseSupervisordArgs(
  args: readonly string[],
  probe: PathProbe,
): SupervisordArgs {
  let scanned: GetoptResult;
  try {
    scanned = getopt(args, SHORT_OPTS, LONG_OPTS);
  } catch (e) {
    if (e instanceof GetoptError) throw new UsageError(e.message);
    throw e;
  }
  if (scanned.args.length > 0) {
    throw new UsageError(
      `positional arguments are not supported: ${pyReprList(scanned.args)}`,
    );
  }
  const result: SupervisordArgs = { action: "run", overrides: {} };
  const given = new Set<string>();
  for (const [flag, raw] of scanned.opts) {
    const def = BY_FLAG.get(flag)!;
    if (def.key === "help" || def.key === "version") {
      return { action: def.key, overrides: {} };
    }
    const value = convert(def, flag, raw, probe);
    // Python rejects a second value for the same attribute, whatever spelling set it.
    if (given.has(def.key)) {
      throw new UsageError(`conflicting command line option ${pyRepr(flag)}`);
    }
    given.add(def.key);
    if (def.key === "configfile") result.configfile = value as string;
    else (result.overrides as Record<string, unknown>)[def.key] = value;
  }
  return result;
}

function convert(
  def: OptionDef,
  flag: string,
  raw: string,
  probe: PathProbe,
): unknown {
  try {
    return def.convert(raw, probe);
  } catch (e) {
    if (e instanceof ValueConversionError) {
      throw new UsageError(
        `invalid value for ${flag} ${pyRepr(raw)}: ${e.message}`,
      );
    }
    throw e;
  }
}

/**
 * The config files tried when no `-c` is given, in order. `<here>` is the
 * parent of the directory holding `argv0` (Python's
 * `dirname(dirname(argv[0]))`, so a bare `supervisord` gives `""` and the
 * first two entries become relative paths).
 */
export function defaultSearchPaths(argv0: string): string[] {
  const here = dirname(dirname(argv0));
  return [
    join(here, "etc", "supervisord.conf"),
    join(here, "supervisord.conf"),
    "supervisord.conf",
    "etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ];
}

/** Resolves a path the way the OS does for a process running in `cwd`. */
export function resolveFrom(cwd: string, path: string): string {
  return join(cwd, path);
}

/**
 * Returns the first default config path that exists (plain existence test,
 * relative paths against `cwd`), as written in the search list.
 *
 * @throws {UsageError} when none exists.
 */
export function findDefaultConfig(
  argv0: string,
  cwd: string,
  exists: (path: string) => boolean,
): string {
  const paths = defaultSearchPaths(argv0);
  const found = paths.find((p) => exists(resolveFrom(cwd, p)));
  if (found !== undefined) return found;
  throw new UsageError(
    `No config file found at default paths (${paths.join(", ")}); ` +
      "use the -c option to specify a config file at a different path",
  );
}

/**
 * The warning Python emits (as a `UserWarning`) when root relies on the
 * default search. Python prefixes it with its own source location; we print
 * the warning category and text only.
 */
export const ROOT_SEARCH_WARNING = "UserWarning: Supervisord is running as root and it is " +
  "searching for its configuration file in default locations (including its " +
  'current working directory); you probably want to specify a "-c" argument ' +
  "specifying an absolute path to a configuration file for improved security.\n";

/** The usage message for a config path that cannot be opened for reading. */
export function unreadableConfigMessage(path: string): string {
  return `could not read config file ${path}`;
}

/**
 * The checks Python makes before reading the config: it must exist, and it
 * must be openable (a directory is not).
 *
 * @throws {UsageError} `could not find config file <path>` /
 * `could not read config file <path>`, with the path as given.
 */
export function checkConfigFile(
  path: string,
  cwd: string,
  exists: (path: string) => boolean,
  isDirectory: (path: string) => boolean,
): void {
  const resolved = resolveFrom(cwd, path);
  if (path === "" || !exists(resolved)) {
    throw new UsageError(`could not find config file ${path}`);
  }
  if (isDirectory(resolved)) {
    throw new UsageError(unreadableConfigMessage(path));
  }
}

/** The stderr text of a usage error (the process then exits with status 2). */
export function formatUsageError(message: string, argv0: string): string {
  return `Error: ${message}\nFor help, use ${argv0} -h\n`;
}
