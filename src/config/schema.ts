/**
 * The typed config model: what a loaded `supervisord.conf` is, and the one
 * table of defaults every section reads from.
 *
 * Field names are the INI keys exactly as supervisord spells them, so
 * `ProcessConfig.startsecs` is greppable against the supervisord docs.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.read_config`,
 * `ProcessConfig`, `ProcessGroupConfig`, `EventListenerPoolConfig`,
 * `FastCGIGroupConfig`, `server_configs_from_parser`).
 * @module
 */

import type { LogLevelName } from "./datatypes.ts";
import { EVENT_PARENTS } from "../event_types.ts";
import type {
  CronConfig,
  DependencyExtensions,
  LogExtensions,
  ProgramExtensions,
  RotateEvery,
  ServerExtensions,
  SupervisordExtensions,
  WatchConfig,
} from "./extension_schema.ts";

export * from "./extension_schema.ts";

/** `stdout_logfile=AUTO`: a file supervisord names and creates in childlogdir. */
export const AUTO_LOGFILE = "AUTO";

/**
 * A child log target: `null` for none, {@link AUTO_LOGFILE}, or a path
 * (`~` expanded, as written otherwise).
 */
export type LogfileTarget = string | null;

/** `autorestart`: always, never, or when the exit code is not in `exitcodes`. */
export type AutoRestart = boolean | "unexpected";

/** The `[supervisord]` section after conversion (SURFACE §3.2). */
export interface SupervisordSection extends SupervisordExtensions {
  /** `log_rotate_utc` (extension): time rotation at UTC boundaries rather than local ones. */
  log_rotate_utc: boolean;
  /** `logfile_rotate_every` (extension): rotate the main log by time as well as by size; null = `none`. */
  logfile_rotate_every: RotateEvery | null;
  /** Open files supervisord needs (`minfds`); the limit is raised to it at start. */
  minfds: number;
  /** Processes supervisord needs (`minprocs`); the limit is raised to it at start. */
  minprocs: number;
  /** Directory to change to when daemonizing (`directory`); null to stay. */
  directory: string | null;
  /** User to become (`user`); null to stay who started it. */
  user: string | null;
  /** File creation mask (`umask`). */
  umask: number;
  /** Main log path (`logfile`), or `syslog`. */
  logfile: string;
  /** Rotate the main log at this size, 0 for never (`logfile_maxbytes`). */
  logfile_maxbytes: number;
  /** Rotated main logs to keep (`logfile_backups`). */
  logfile_backups: number;
  /** Lowest level written to the main log (`loglevel`). */
  loglevel: LogLevelName;
  /** Where the pid is written (`pidfile`). */
  pidfile: string;
  /** Name of this supervisord in RPC and events (`identifier`). */
  identifier: string;
  /** Stay in the foreground (`nodaemon`). */
  nodaemon: boolean;
  /** In the foreground, do not echo the main log to stdout (`silent`). */
  silent: boolean;
  /** Directory of AUTO child logs (`childlogdir`). */
  childlogdir: string;
  /** Keep old AUTO child logs at start (`nocleanup`). */
  nocleanup: boolean;
  /** Remove ANSI escapes from child logs (`strip_ansi`). */
  strip_ansi: boolean;
  /** Variables added to every child's environment (`environment`). */
  environment: Record<string, string>;
  /** `statefile` (extension, EXTENSIONS.md §7): where operator stops are remembered; null when unset. */
  statefile: string | null;
  /** `watch` (extension, EXTENSIONS.md §9): false turns every program's file watch off (so does `--no-watch`). */
  watch?: boolean;
}

/** One process of a program, eventlistener or fcgi-program section (SURFACE §3.5). */
export interface ProcessConfig extends ProgramExtensions, DependencyExtensions, LogExtensions {
  /** The process name (`process_name` expanded). */
  name: string;
  /** The command line (`command`). */
  command: string;
  /** Directory the child starts in (`directory`); null for supervisord's. */
  directory: string | null;
  /** The child's umask (`umask`); null to inherit. */
  umask: number | null;
  /** Start order, low first; stop order, high first (`priority`). */
  priority: number;
  /** Start when supervisord starts (`autostart`). */
  autostart: boolean;
  /** Restart after an exit (`autorestart`). */
  autorestart: AutoRestart;
  /** Seconds the child must stay up to count as started (`startsecs`). */
  startsecs: number;
  /** Failed starts before giving up as FATAL (`startretries`). */
  startretries: number;
  /** User id to run as (`user`); null to run as supervisord. */
  uid: number | null;
  /** Where stdout goes (`stdout_logfile`). */
  stdout_logfile: LogfileTarget;
  /** Capture-mode buffer for stdout; 0 for off (`stdout_capture_maxbytes`). */
  stdout_capture_maxbytes: number;
  /** Emit PROCESS_LOG_STDOUT events (`stdout_events_enabled`). */
  stdout_events_enabled: boolean;
  /** Rotated stdout logs to keep (`stdout_logfile_backups`). */
  stdout_logfile_backups: number;
  /** Rotate the stdout log at this size, 0 for never (`stdout_logfile_maxbytes`). */
  stdout_logfile_maxbytes: number;
  /** Also send stdout to syslog (`stdout_syslog`). */
  stdout_syslog: boolean;
  /** Where stderr goes (`stderr_logfile`). */
  stderr_logfile: LogfileTarget;
  /** Capture-mode buffer for stderr; 0 for off (`stderr_capture_maxbytes`). */
  stderr_capture_maxbytes: number;
  /** Emit PROCESS_LOG_STDERR events (`stderr_events_enabled`). */
  stderr_events_enabled: boolean;
  /** Rotated stderr logs to keep (`stderr_logfile_backups`). */
  stderr_logfile_backups: number;
  /** Rotate the stderr log at this size, 0 for never (`stderr_logfile_maxbytes`). */
  stderr_logfile_maxbytes: number;
  /** Also send stderr to syslog (`stderr_syslog`). */
  stderr_syslog: boolean;
  /** Signal number that asks the child to stop (`stopsignal`). */
  stopsignal: number;
  /** Seconds to wait after the stop signal before SIGKILL (`stopwaitsecs`). */
  stopwaitsecs: number;
  /** Send the stop signal to the child's whole process group (`stopasgroup`). */
  stopasgroup: boolean;
  /** Send SIGKILL to the child's whole process group (`killasgroup`). */
  killasgroup: boolean;
  /** Exit codes that count as expected (`exitcodes`). */
  exitcodes: number[];
  /** Send stderr to the stdout log (`redirect_stderr`). */
  redirect_stderr: boolean;
  /** `[supervisord] environment` overlaid by the program's own `environment`. */
  environment: Record<string, string>;
  /** `SUPERVISOR_SERVER_URL` for this process; null means computed (AUTO). */
  serverurl: string | null;
  /** `cron` and its keys (EXTENSIONS.md §9); absent or null = not scheduled. */
  cron?: CronConfig | null;
  /** The watch keys (EXTENSIONS.md §9); absent or null = not watched. */
  watch?: WatchConfig | null;
}

/** An fcgi-program's listening socket (SURFACE §3.8). */
export type FcgiSocketConfig =
  | {
    family: "unix";
    path: string;
    owner: [number, number] | null;
    mode: number;
    backlog: number | null;
  }
  | { family: "inet"; host: string; port: number; backlog: number | null };

/**
 * An fcgi socket's URL as supervisord prints and compares it (Python
 * `SocketConfig.url`): `unix://<path>`, or `tcp://<host>:<port>` with the
 * host lower-cased.
 */
export function fcgiSocketUrl(config: FcgiSocketConfig): string {
  return config.family === "unix" ? `unix://${config.path}` : `tcp://${config.host.toLowerCase()}:${config.port}`;
}

/** What every kind of group config has. */
export interface GroupConfigBase {
  /** The group name (the section name after the colon). */
  name: string;
  /** Start order, low first (`priority`). */
  priority: number;
  /** The group's processes, in config order. */
  processes: ProcessConfig[];
}

/** A group of processes: a `[program:x]`, a `[group:x]` or an fcgi-program. */
export type ProcessGroupConfig =
  | GroupConfigBase & { kind: "program" }
  | GroupConfigBase & { kind: "fcgi-program"; socket: FcgiSocketConfig }
  | GroupConfigBase & {
    kind: "eventlistener";
    buffer_size: number;
    /** Upper-cased event type names, in Python's set iteration order is not kept: sorted. */
    events: string[];
    result_handler: string;
  };

/** An `[inet_http_server]` or `[unix_http_server]` section after conversion, with its extension keys. */
export type ServerConfig =
  & {
    /** Text after the first `:` of the section name, or null. */
    name: string | null;
    section: string;
    username: string | null;
    password: string | null;
  }
  & ServerExtensions
  & (
    | { family: "inet"; host: string; port: number }
    | { family: "unix"; file: string; chmod: number; chown: [number, number] }
  );

/** An `[rpcinterface:x]` section: the namespace and its factory's extra keys. */
export interface RpcInterfaceConfig {
  /** The namespace: the section name after `rpcinterface:`. */
  name: string;
  /** `supervisor.rpcinterface_factory` as written (trimmed). */
  factory: string;
  /** The section's own other keys, expanded: the options given to the factory. */
  extras: Record<string, string>;
  /**
   * For a TypeScript or JavaScript factory (`PATH.ts:EXPORT`): the module's
   * absolute path and the export to call; null for supervisor's own factory.
   */
  module: { path: string; exportName: string } | null;
}

/** Everything supervisord reads from its config file. */
export interface SupervisorConfig {
  /** The config path as given (`-c`) or found by the search. */
  configfile: string;
  /** Absolute directory of the config file (`%(here)s`). */
  here: string;
  /** The `[supervisord]` section. */
  supervisord: SupervisordSection;
  /** Sorted by (priority, name), as supervisord sorts them. */
  groups: ProcessGroupConfig[];
  /** The HTTP server sections, inet first. */
  servers: ServerConfig[];
  /** The `[rpcinterface:x]` sections, in file order. */
  rpcinterfaces: RpcInterfaceConfig[];
  /** Non-fatal messages logged at startup (SURFACE CFGERR.parsewarnings, INC.nomatch). */
  parseWarnings: string[];
  /** Messages logged at INFO at startup (the files `[include]` read). */
  parseInfos: string[];
}

/**
 * The raw default of every option, written as a user would write it, so it
 * runs through the same converter as a configured value. `null` means the
 * option is unset unless configured. `childlogdir` has no static default: it
 * is the host's temporary directory.
 */
export const DEFAULTS = {
  supervisord: {
    minfds: "1024",
    minprocs: "200",
    directory: null,
    user: null,
    umask: "022",
    logfile: "supervisord.log",
    logfile_maxbytes: "50MB",
    logfile_backups: "10",
    loglevel: "info",
    pidfile: "supervisord.pid",
    identifier: "supervisor",
    nodaemon: "false",
    silent: "false",
    nocleanup: "false",
    strip_ansi: "false",
    environment: "",
  },
  program: {
    priority: "999",
    autostart: "true",
    autorestart: "unexpected",
    startsecs: "1",
    startretries: "3",
    stopsignal: "TERM",
    stopwaitsecs: "10",
    stopasgroup: "false",
    exitcodes: "0",
    redirect_stderr: "false",
    numprocs: "1",
    numprocs_start: "0",
    environment: "",
    capture_maxbytes: "0",
    events_enabled: "false",
    serverurl: null,
    user: null,
    umask: null,
    process_name: "%(program_name)s",
    directory: null,
    logfile: AUTO_LOGFILE,
    logfile_backups: "10",
    logfile_maxbytes: "50MB",
    syslog: "false",
    command: null,
  },
  group: { priority: "999", programs: null },
  eventlistener: {
    priority: "-1",
    buffer_size: "10",
    result_handler: "supervisor.dispatchers:default_handler",
    events: "",
    redirect_stderr: "false",
  },
  fcgi: { socket_mode: "0700" },
  unix_http_server: { chmod: "0700" },
} as const;

/** The one `result_handler` we implement natively. */
export const DEFAULT_RESULT_HANDLER = DEFAULTS.eventlistener.result_handler;

/** The one rpcinterface factory we implement natively. */
export const MAIN_RPCINTERFACE_FACTORY = "supervisor.rpcinterface:make_main_rpcinterface";

/** Every event type name `events=` accepts (supervisor/events.py `EventTypes`), from the one table. */
export const EVENT_TYPE_NAMES: readonly string[] = Object.keys(EVENT_PARENTS);

/** supervisord's order for configs: by priority, then by name (code points). */
export function compareConfigs(
  a: { priority: number; name: string },
  b: { priority: number; name: string },
): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
