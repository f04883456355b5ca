/**
 * Loads a `supervisord.conf`: reads the file and its `[include]`s, converts
 * `[supervisord]`, builds groups, servers and rpcinterfaces, and raises
 * supervisord's exact message for anything wrong.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.read_config`,
 * `Options.process_config_file`).
 * @module
 */

import {
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  existingDirectory,
  existingDirpath,
  type GroupEntry,
  integer,
  logLevel,
  octalType,
  type PasswdEntry,
  type PathProbe,
} from "./datatypes.ts";
import { ConfigError, ValueConversionError } from "./errors.ts";
import { glob } from "./glob.ts";
import { IniParser } from "./ini.ts";
import { expandValue } from "./pyformat.ts";
import { abspath, dirname, join } from "./pypath.ts";
import { type Expansions, OptionReader } from "./_reader.ts";
import { processGroupsFromParser } from "./load_groups.ts";
import {
  checkDependencies,
  dependentStartupWarnings,
  healthWarnings,
  priorityWarnings,
  readDependentStartup,
} from "./load_dependencies.ts";
import { readSupervisordExtensions } from "./load_extensions.ts";
import { readLogRotateUtc } from "./load_log_extensions.ts";
import { watchSwitch } from "./load_watch.ts";
import { supervisordEnvFile } from "./env_file_load.ts";
import { applyShellExpansion, shellExpansionOn } from "./shell_expansion.ts";
import { strictKeysMode, unknownKeyMessages } from "./strict_keys.ts";
import { statefilePath } from "./statefile_key.ts";
import { rpcInterfacesFromParser, serverConfigsFromParser } from "./load_servers.ts";
import { DEFAULTS, MAIN_RPCINTERFACE_FACTORY, type SupervisorConfig, type SupervisordSection } from "./schema.ts";

/** The host facts config loading needs, all synchronous as in supervisord. */
export interface ConfigHost {
  /** The file's bytes; throws when it cannot be read. */
  readFile(path: string): Uint8Array;
  /** `os.path.exists`. */
  exists(path: string): boolean;
  /** `os.path.isdir`. */
  isDirectory(path: string): boolean;
  /** The names in a directory (`[include]` globbing); null when it cannot be read. */
  readDir(path: string): string[] | null;
  /** supervisord's environment (the source of `ENV_*` names). */
  env: Readonly<Record<string, string>>;
  /** The working directory (relative paths, `-c` included). */
  cwd: string;
  /** `platform.node()`, for `%(host_node_name)s`. */
  hostname: string;
  /** The real uid (the root warnings, `user=` checks). */
  uid: number;
  /** Python's `tempfile.gettempdir()`: the default `childlogdir`. */
  tempdir: string;
  /** The /etc/passwd records (`user=`, `chown=`, `~user`). */
  passwd(): readonly PasswdEntry[];
  /** The /etc/group records (`chown=user:group`). */
  groups(): readonly GroupEntry[];
}

/**
 * Loads `configfile` (the path as given, relative to `host.cwd`).
 * Throws {@link ConfigError} with supervisord's message on any error.
 */
export function loadConfig(
  configfile: string,
  host: ConfigHost,
  opts: LoadOptions = {},
): SupervisorConfig {
  try {
    return readConfig(configfile, host, opts);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (e instanceof ValueConversionError) {
      throw new ConfigError(e.message, configfile);
    }
    throw e;
  }
}

/** Options of {@linkcode loadConfig}. */
export interface LoadOptions {
  /** Receives one message per key no section reader asked for (`--check-config`), whatever `strict_keys` says. */
  onUnknownKeys?: (messages: string[]) => void;
}

function readConfig(configfile: string, host: ConfigHost, opts: LoadOptions): SupervisorConfig {
  const path = abspath(configfile, host.cwd);
  const here = abspath(dirname(configfile), host.cwd);
  if (!host.exists(path)) {
    throw new ConfigError(
      `could not find config file ${configfile}`,
      configfile,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(path);
  } catch {
    throw new ConfigError(
      `could not read config file ${configfile}`,
      configfile,
    );
  }
  const parser = new IniParser();
  parser.readBytes(bytes, configfile);

  const envExpansions: Expansions = {};
  for (const [k, v] of Object.entries(host.env)) envExpansions[`ENV_${k}`] = v;
  const reader = new OptionReader(parser, envExpansions);
  const expansions = () => ({
    here,
    host_node_name: host.hostname,
    ...envExpansions,
  });
  const parseWarnings: string[] = [];
  const parseInfos: string[] = [];
  if (parser.hasSection("include")) {
    readIncludes(
      parser,
      here,
      dirname(path),
      expansions(),
      host,
      parseWarnings,
      parseInfos,
    );
  }
  if (!parser.sections().includes("supervisord")) {
    throw new ConfigError(
      ".ini file does not include supervisord section",
      configfile,
    );
  }

  // `[supervisord] env_file` (extension): read at every load, beneath `[supervisord] environment`; it also
  // feeds `shell_expansion` (extension), which rewrites the raw values before any key is read.
  const daemonEnvFile = supervisordEnvFile(reader, here, configfile, (p) => host.readFile(p), parseWarnings);
  if (shellExpansionOn(parser)) {
    const own = (vars: Readonly<Record<string, string>>, name: string) =>
      Object.hasOwn(vars, name) ? vars[name] : undefined;
    parser.unrecorded(() => applyShellExpansion(parser, (name) => own(host.env, name) ?? own(daemonEnvFile, name)));
  }

  const probe: PathProbe = {
    home: host.env.HOME,
    isDirectory: (p) => host.isDirectory(abspath(p, host.cwd)),
  };
  const supervisord = readSupervisordSection(
    reader,
    here,
    host,
    probe,
    expansions,
  );
  for (const [k, v] of Object.entries(supervisord.environment)) {
    envExpansions[`ENV_${k}`] = v;
  }

  const passwd = memo(() => host.passwd());
  const groupsDb = memo(() => host.groups());
  const rpcinterfaces = rpcInterfacesFromParser(reader, [MAIN_RPCINTERFACE_FACTORY], host.cwd);
  const dependentStartup = readDependentStartup((key) => reader.get("supervisord", key, null, { here }));
  const groups = processGroupsFromParser({
    reader,
    here,
    hostname: host.hostname,
    probe,
    passwd,
    groups: groupsDb,
    configfile,
    parseWarnings,
    containerMode: supervisord.container_mode,
    dependentStartup,
    uid: host.uid,
    cwd: host.cwd,
    home: host.env.HOME,
  });
  for (const group of groups) {
    for (const proc of group.processes) {
      proc.environment = { ...daemonEnvFile, ...supervisord.environment, ...proc.environment };
    }
  }
  checkDependencies(groups, (section) => reader.parser.sectionFile(section) ?? configfile);
  parseWarnings.push(...priorityWarnings(groups), ...healthWarnings(groups));
  if (dependentStartup) parseWarnings.push(...dependentStartupWarnings(groups));
  const servers = serverConfigsFromParser({
    reader,
    here,
    cwd: host.cwd,
    home: host.env.HOME,
    passwd,
    groups: groupsDb,
  });
  reportUnknownKeys(parser, configfile, parseWarnings, opts);
  return {
    configfile,
    here,
    supervisord,
    groups,
    servers,
    rpcinterfaces,
    parseWarnings,
    parseInfos,
  };
}

/** `strict_keys` (extension): unknown keys are warnings or a load error; `--check-config` gets them all. */
function reportUnknownKeys(parser: IniParser, configfile: string, parseWarnings: string[], opts: LoadOptions): void {
  const mode = strictKeysMode(parser);
  const messages = unknownKeyMessages(parser);
  opts.onUnknownKeys?.(messages);
  if (messages.length === 0) return;
  if (mode === "warn") parseWarnings.push(...messages);
  if (mode === "error") throw new ConfigError(messages.join("\n"), configfile);
}

function memo<T>(fn: () => T): () => T {
  let value: { v: T } | null = null;
  return () => (value ??= { v: fn() }).v;
}

function readIncludes(
  parser: IniParser,
  here: string,
  base: string,
  expansions: Expansions,
  host: ConfigHost,
  parseWarnings: string[],
  parseInfos: string[],
): void {
  parser.unrecorded(() => expandHere(parser, here));
  const files = parser.get("include", "files");
  if (files === undefined) {
    throw new ConfigError(
      ".ini file has [include] section, but no files setting",
    );
  }
  const globProbe = {
    readDir: (p: string) => host.readDir(abspath(p || ".", host.cwd)),
    exists: (p: string) => host.exists(abspath(p, host.cwd)),
    isDirectory: (p: string) => host.isDirectory(abspath(p, host.cwd)),
  };
  for (
    const word of expandValue(files, expansions, "include.files").split(/\s+/)
      .filter(Boolean)
  ) {
    const pattern = join(base, word);
    const matches = glob(pattern, globProbe);
    if (matches.length === 0) {
      parseWarnings.push(`No file matches via include "${pattern}"`);
      continue;
    }
    for (const filename of matches.sort()) {
      parseInfos.push(`Included extra file "${filename}" during parsing`);
      let bytes: Uint8Array;
      try {
        bytes = host.readFile(abspath(filename, host.cwd));
      } catch {
        // configparser's read() skips files it cannot open.
        continue;
      }
      parser.readBytes(bytes, filename);
      parser.unrecorded(() => expandHere(parser, abspath(dirname(filename), host.cwd)));
    }
  }
}

/** Replaces the literal text `%(here)s` in every value read so far. */
function expandHere(parser: IniParser, here: string): void {
  for (const section of parser.sections()) {
    for (const key of parser.options(section)) {
      const value = parser.get(section, key);
      if (value?.includes("%(here)s")) {
        parser.set(section, key, value.replaceAll("%(here)s", here));
      }
    }
  }
}

function readSupervisordSection(
  reader: OptionReader,
  here: string,
  host: ConfigHost,
  probe: PathProbe,
  expansions: () => Expansions,
): SupervisordSection {
  const S = DEFAULTS.supervisord;
  const get = (opt: keyof typeof S, fallback: string) => reader.need("supervisord", opt, fallback, { here });
  const optional = (opt: keyof typeof S) => reader.get("supervisord", opt, null, { here });
  const minfds = integer(get("minfds", S.minfds));
  const minprocs = integer(get("minprocs", S.minprocs));
  const directoryRaw = optional("directory");
  const directory = directoryRaw === null ? null : existingDirectory(directoryRaw, probe);
  const user = optional("user");
  const umask = octalType(get("umask", S.umask));
  const logfile = existingDirpath(get("logfile", S.logfile), probe);
  const logfile_maxbytes = byteSize(
    get("logfile_maxbytes", S.logfile_maxbytes),
  );
  const logfile_backups = integer(get("logfile_backups", S.logfile_backups));
  const loglevel = logLevel(get("loglevel", S.loglevel));
  const pidfile = existingDirpath(get("pidfile", S.pidfile), probe);
  const identifier = get("identifier", S.identifier);
  const nodaemon = boolean(get("nodaemon", S.nodaemon));
  const silent = boolean(get("silent", S.silent));
  const childlogdir = existingDirectory(
    reader.need("supervisord", "childlogdir", host.tempdir, { here }),
    probe,
  );
  const nocleanup = boolean(get("nocleanup", S.nocleanup));
  const strip_ansi = boolean(get("strip_ansi", S.strip_ansi));
  // `environment` is expanded twice: on read, then with host_node_name too.
  const environment = dictOfKeyValuePairs(
    expandValue(get("environment", S.environment), expansions(), "environment"),
  );
  return {
    minfds,
    minprocs,
    directory,
    user,
    umask,
    logfile,
    logfile_maxbytes,
    logfile_backups,
    loglevel,
    pidfile,
    identifier,
    nodaemon,
    silent,
    childlogdir,
    nocleanup,
    strip_ansi,
    environment,
    statefile: statefilePath(reader.get("supervisord", "statefile", null, { here }), here, probe),
    ...readSupervisordExtensions((key) => reader.get("supervisord", key, null, { here })),
    ...readLogRotateUtc((key) => reader.get("supervisord", key, null, { here })),
    ...watchSwitch(reader.get("supervisord", "watch", null, { here })),
  };
}
