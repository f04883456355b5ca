/**
 * The extension keys' part of the config model (EXTENSIONS.md): the
 * `[supervisord]`, program and HTTP server keys supervisord does not have,
 * their types and the defaults that leave its behaviour unchanged.
 * `schema.ts` re-exports everything here; import from there.
 *
 * Python counterpart: none (supervisor/options.py has no such keys); the
 * spec is ../shared/design/EXTENSIONS.md.
 * @module
 */

import type { CronSpec } from "./cron_expr.ts";
import type { LogLevelName } from "./datatypes.ts";
import type { EnvFileSetting } from "./env_file.ts";

/** `console_format` (extension): how child lines look on the daemon's console. */
export type ConsoleFormat = "prefixed" | "raw" | "json";

/** `console_color` (extension). */
export type ConsoleColor = "auto" | "always" | "never";

/** Which of the daemon's streams a child channel is copied to (extension `console`); null: none. */
export type ConsoleTarget = "stdout" | "stderr" | null;

/** `backoff` (extension): the restart schedule. */
export type BackoffKind = "python" | "fixed" | "exponential";

/**
 * The `[supervisord]` extension keys (EXTENSIONS.md §1). Their defaults
 * leave supervisord's behaviour unchanged.
 */
export interface SupervisordExtensions {
  /** `container_mode`: nodaemon, console for file-less channels, console_loglevel warn, tail from memory. */
  container_mode: boolean;
  /** `console_loglevel` as configured: a level name, `off`, or null (unset: `loglevel`, or warn in container mode). */
  console_loglevel: LogLevelName | "off" | null;
  /** `console_format`: `prefixed` (default), `raw` or `json`. */
  console_format: ConsoleFormat;
  /** `console_color`: colour the prefixes on a terminal (`auto`), always or never. */
  console_color: ConsoleColor;
  /** `essential_exitcode`: a fixed status 0..255, or null for `auto` (derived from the trigger). */
  essential_exitcode: number | null;
}

/** What a watched change does: restart (the default), send a signal, or run a command. */
export type WatchAction =
  | { kind: "restart" }
  | { kind: "signal"; signal: number }
  | { kind: "command"; command: string };

/** A program's file watch (EXTENSIONS.md §9, load_watch.ts). Durations are seconds. */
export interface WatchConfig {
  /** `restart_directory_monitor`: absolute roots, watched recursively. */
  dirs: string[];
  /** `restart_file_pattern(s)`: globs on the basename, or on the path below the root when they hold a `/`. */
  patterns: string[];
  /** `restart_file_ignore`: globs on any path component (and the path below the root). */
  ignore: string[];
  /** `restart_debounce`: the quiet period before acting. */
  debounce: number;
  /** `restart_when_binary_changed`: watch the resolved command. */
  binary: boolean;
  /** `restart_signal_when_file_changed` / `restart_cmd_when_file_changed`. */
  on_file: WatchAction;
  /** `restart_signal_when_binary_changed` / `restart_cmd_when_binary_changed`. */
  on_binary: WatchAction;
  /** `restart_cascade`: a watch restart also restarts the `depends_on` dependents, downstream, once this is RUNNING. */
  cascade: boolean;
}

/** A program's schedule (EXTENSIONS.md §9, load_cron.ts). */
export interface CronConfig {
  /** `cron`: when to start it. */
  start: CronSpec;
  /** `cron_stop`: when to stop it; null = never. */
  stop: CronSpec | null;
  /** `cron_timezone` (an IANA name); null = the host's zone. */
  timezone: string | null;
  /** `cron_overlap`: what a fire time that finds the job running does. */
  overlap: "skip" | "restart";
}

/** A `depends_on` condition (EXTENSIONS.md §2). */
export type DependencyCondition = "started" | "running" | "healthy" | "completed" | "succeeded";

/** One `depends_on` entry: a program, group or `group:process` target and what it must reach. */
export interface DependsOn {
  /** The target as written: a program or group name, or a `group:process` namespec. */
  target: string;
  /** What every process of the target must reach (`running` when not written). */
  condition: DependencyCondition;
  /** Further conditions any of which also meets the entry (the plugin's `target:running,exited`). */
  or?: DependencyCondition[];
}

/** `on_dependency_failure` (extension). */
export type OnDependencyFailure = "ignore" | "stop" | "restart";

/** What a health check probes (`healthcheck`). */
export type HealthProbeSpec =
  | { kind: "http"; url: string; host: string; port: number; path: string }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "exec"; command: string }
  | { kind: "file"; path: string };

/** `healthcheck_action`: what entering `unhealthy` does. */
export type HealthAction = "restart" | "stop" | "none" | "shutdown";

/** A program's health check (EXTENSIONS.md §3). Durations are seconds. */
export interface HealthCheckConfig {
  /** `healthcheck`: what to probe. */
  probe: HealthProbeSpec;
  /** `healthcheck_interval`: the period once healthy or unhealthy. */
  interval: number;
  /** `healthcheck_timeout`: the bound on one probe. */
  timeout: number;
  /** `healthcheck_initial_delay`: no probe before this, counted from spawn. */
  initial_delay: number;
  /** `healthcheck_start_period`: failures do not count until it ends or a probe succeeds. */
  start_period: number;
  /** `healthcheck_start_interval`: the period until the first success. */
  start_interval: number;
  /** `healthcheck_retries`: consecutive failures that make the process unhealthy. */
  retries: number;
  /** `healthcheck_successes`: consecutive successes that make an unhealthy process healthy. */
  successes: number;
  /** `healthcheck_action`. */
  action: HealthAction;
  /** `healthcheck_expect`: inclusive ranges of HTTP status codes or exit codes that count as success. */
  expect: Array<[number, number]>;
  /** `healthcheck_body`: a regular expression the HTTP body must match; null = any. */
  body: string | null;
  /** `healthcheck_tls_verify`. */
  tls_verify: boolean;
}

/** The dependency and health keys of a program (EXTENSIONS.md §2, §3). Durations are seconds. */
export interface DependencyExtensions {
  /** `healthcheck` and its keys (or the `liveness_check_*` aliases); null = no check. */
  healthcheck: HealthCheckConfig | null;
  /** `ready_log`: a regular expression; the first output line it matches makes the process ready (`healthy` without a check). */
  ready_log: string | null;
  /** `dependent_startup=true` read natively (`[supervisord] dependent_startup=native`): started although `autostart=false`. */
  dependent_startup: boolean;
  /** `depends_on`: what must be met before an automatic start; empty = nothing. */
  depends_on: DependsOn[];
  /** `depends_timeout`: seconds to wait before the dependency counts as failed; 0 = forever. */
  depends_timeout: number;
  /** `on_dependency_failure`: what a met dependency that fails does to this process. */
  on_dependency_failure: OnDependencyFailure;
  /** The section that set `depends_on` (as `program:web`), for load errors; null when unset. */
  depends_section: string | null;
}

/**
 * The program extension keys (EXTENSIONS.md §1 and §4). Their defaults
 * leave supervisord's behaviour unchanged. Durations are seconds.
 */
export interface ProgramExtensions {
  /** Where each channel is copied on the daemon's console (`console`, or container mode's default). */
  console: { stdout: ConsoleTarget; stderr: ConsoleTarget };
  /** `console_prefix`, expanded; the process name by default. */
  console_prefix: string;
  /** `essential`: failing for good shuts the daemon down. */
  essential: boolean;
  /** `shutdown_on_exit`: any exit that is not retried shuts the daemon down. */
  shutdown_on_exit: boolean;
  /** `backoff` (or `fixed` from the `restartpause` alias). */
  backoff: BackoffKind;
  /** `backoff_delay` (or `restartpause`): the fixed delay, or the first exponential one. */
  backoff_delay: number;
  /** `backoff_factor` (≥ 1). */
  backoff_factor: number;
  /** `backoff_max`: the cap on any delay; 0 = none. */
  backoff_max: number;
  /** `backoff_jitter` (0..1): ± this fraction of each delay. */
  backoff_jitter: number;
  /** `backoff_reset_after`: RUNNING uptime that clears the failure count; null = reset at RUNNING (python). */
  backoff_reset_after: number | null;
  /** `retry_forever`: BACKOFF never becomes FATAL. */
  retry_forever: boolean;
  /** `env_file` (§5A; aliases `envfiles`, `environment_file`): files read at every spawn; null when unset. */
  env_file: EnvFileSetting | null;
}

/** The extension values of a program that uses none of the extension keys. */
export function defaultProgramExtensions(name: string): ProgramExtensions {
  return {
    console: { stdout: null, stderr: null },
    console_prefix: name,
    essential: false,
    shutdown_on_exit: false,
    backoff: "python",
    backoff_delay: 1,
    backoff_factor: 2,
    backoff_max: 0,
    backoff_jitter: 0,
    backoff_reset_after: null,
    retry_forever: false,
    env_file: null,
  };
}

/**
 * When a log rotates by time (`*_logfile_rotate_every`): at the next full
 * hour, midnight or Monday 00:00, or every `seconds` since the epoch.
 */
export type RotateEvery =
  | { readonly kind: "hourly" | "daily" | "weekly" }
  | { readonly kind: "every"; readonly seconds: number };

/** The log rotation extension keys of a program (EXTENSIONS.md §6). */
export interface LogExtensions {
  /** `stdout_logfile_rotate_every`: rotate by time as well as by size; null = `none`. */
  stdout_logfile_rotate_every: RotateEvery | null;
  /** `stderr_logfile_rotate_every`. */
  stderr_logfile_rotate_every: RotateEvery | null;
}

/** The log extension values of a program that uses none of the keys. */
export function defaultLogExtensions(): LogExtensions {
  return { stdout_logfile_rotate_every: null, stderr_logfile_rotate_every: null };
}

/** The dependency values of a program that sets none of the dependency keys. */
export function defaultDependencyExtensions(): DependencyExtensions {
  return {
    dependent_startup: false,
    depends_on: [],
    depends_timeout: 0,
    on_dependency_failure: "ignore",
    depends_section: null,
    healthcheck: null,
    ready_log: null,
  };
}

/** A metric family set of `metrics_families` (EXTENSIONS.md §8). */
export type MetricsFamily = "native" | "node" | "supervisor_exporter";

/**
 * The extension keys of an HTTP server section (EXTENSIONS.md §8). Their
 * defaults add `/api/v1` and nothing else; `api = false` restores
 * supervisord's 404 on those paths.
 */
export interface ServerExtensions {
  /** `api`: serve `/api/v1/*` behind the section's authentication. Default true. */
  api: boolean;
  /** `metrics`: serve `GET /metrics` (Prometheus text format 0.0.4). Default false. */
  metrics: boolean;
  /** `metrics_auth`: false exempts `/metrics` from basic auth. Default true. */
  metrics_auth: boolean;
  /** `metrics_families`: which families `/metrics` shows. Default `native node`. */
  metrics_families: MetricsFamily[];
  /** `metrics_process_tree`: CPU and RSS summed over each child's process group. Default false. */
  metrics_process_tree: boolean;
}

/** The extension values of a server section that uses none of the extension keys. */
export function defaultServerExtensions(): ServerExtensions {
  return {
    api: true,
    metrics: false,
    metrics_auth: true,
    metrics_families: ["native", "node"],
    metrics_process_tree: false,
  };
}
