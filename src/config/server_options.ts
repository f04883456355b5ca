/**
 * The settings supervisord runs with: command-line values over config-file
 * values over defaults, the `user` resolved, log and pid paths made absolute,
 * and the server URL children are told about.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.realize`, the
 * `names_list` copy in `Options.process_config`).
 * @module
 */

import type { LogLevelName, PasswdEntry } from "./datatypes.ts";
import { gidForUid, nameToUid } from "./datatypes.ts";
import { ConfigError, ValueConversionError } from "./errors.ts";
import { normalizePath } from "./pypath.ts";
import type { SupervisorConfig, SupervisordSection } from "./schema.ts";

/** Command-line values; any that is set wins over the config file. */
export interface OptionOverrides {
  /** `-n`. */
  nodaemon?: boolean;
  /** `-s`. */
  silent?: boolean;
  /** User name or numeric uid, as typed; resolved after the config is loaded. */
  user?: string;
  /** `-m`. */
  umask?: number;
  /** `-d`. */
  directory?: string;
  /** `-l`. */
  logfile?: string;
  /** `-y`. */
  logfile_maxbytes?: number;
  /** `-z`. */
  logfile_backups?: number;
  /** `-e`. */
  loglevel?: LogLevelName;
  /** `-j`. */
  pidfile?: string;
  /** `-i`. */
  identifier?: string;
  /** `-q`. */
  childlogdir?: string;
  /** `-k`. */
  nocleanup?: boolean;
  /** `-a`. */
  minfds?: number;
  /** `--minprocs`. */
  minprocs?: number;
  /** `-t`. */
  strip_ansi?: boolean;
}

/**
 * The effective settings of a supervisord run: the `[supervisord]` fields
 * after command-line overrides, with `logfile` (unless `syslog`) and
 * `pidfile` absolute.
 */
export interface ServerOptions extends SupervisordSection {
  /** The config file's path. */
  configfile: string;
  /** Resolved from `user`; null when no user is set. */
  uid: number | null;
  /** The group id to switch to with `uid`; null when none. */
  gid: number | null;
  /** `SUPERVISOR_SERVER_URL` for children: first unix server, else the last inet server, else null. */
  serverurl: string | null;
}

/** Host facts for path normalisation and user lookup. */
export interface OptionsHost {
  /** The working directory. */
  cwd: string;
  /** `$HOME`, for `~` in paths. */
  home: string | undefined;
  /** The /etc/passwd records. */
  passwd: readonly PasswdEntry[];
}

/**
 * Merges `overrides` over `config`. Throws {@link ConfigError} with
 * supervisord's message when `user` names no user.
 */
export function serverOptions(config: SupervisorConfig, overrides: OptionOverrides, host: OptionsHost): ServerOptions {
  const s = config.supervisord;
  const pick = <K extends keyof OptionOverrides>(key: K, fromConfig: NonNullable<OptionOverrides[K]>) =>
    overrides[key] ?? fromConfig;
  const user = overrides.user ?? s.user;
  let uid: number | null = null;
  let gid: number | null = null;
  if (user !== null) {
    try {
      uid = nameToUid(user, host.passwd);
    } catch (e) {
      if (e instanceof ValueConversionError) throw new ConfigError(e.message, config.configfile);
      throw e;
    }
    gid = gidForUid(uid, host.passwd) ?? null;
  }
  const logfile = pick("logfile", s.logfile);
  return {
    configfile: config.configfile,
    // container_mode (extension) implies nodaemon.
    nodaemon: pick("nodaemon", s.nodaemon || s.container_mode),
    silent: pick("silent", s.silent),
    user,
    uid,
    gid,
    umask: pick("umask", s.umask),
    directory: overrides.directory ?? s.directory,
    logfile: logfile === "syslog" ? logfile : normalizePath(logfile, host.cwd, host.home),
    logfile_maxbytes: pick("logfile_maxbytes", s.logfile_maxbytes),
    logfile_backups: pick("logfile_backups", s.logfile_backups),
    loglevel: pick("loglevel", s.loglevel),
    pidfile: normalizePath(pick("pidfile", s.pidfile), host.cwd, host.home),
    identifier: pick("identifier", s.identifier),
    childlogdir: pick("childlogdir", s.childlogdir),
    nocleanup: pick("nocleanup", s.nocleanup),
    minfds: pick("minfds", s.minfds),
    minprocs: pick("minprocs", s.minprocs),
    strip_ansi: pick("strip_ansi", s.strip_ansi),
    environment: s.environment,
    serverurl: serverUrl(config),
    container_mode: s.container_mode,
    console_loglevel: s.console_loglevel,
    console_format: s.console_format,
    console_color: s.console_color,
    essential_exitcode: s.essential_exitcode,
    statefile: s.statefile,
    log_rotate_utc: s.log_rotate_utc,
    logfile_rotate_every: s.logfile_rotate_every,
    ...(s.watch === undefined ? {} : { watch: s.watch }),
  };
}

function serverUrl(config: SupervisorConfig): string | null {
  for (const server of config.servers) {
    if (server.family === "unix") return `unix://${server.file}`;
  }
  // Python keeps looping over the inet servers, so the last one wins.
  let url: string | null = null;
  for (const server of config.servers) {
    if (server.family === "inet") url = `http://${server.host || "localhost"}:${server.port}`;
  }
  return url;
}
