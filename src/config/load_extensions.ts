/**
 * Reads the extension keys of `[supervisord]` and of each program section
 * (EXTENSIONS.md §1 container mode, console and essential programs; §4
 * restart policy). Python reads options one by one by name, so it never
 * sees these keys: a config using them still loads in supervisord 4.2.5,
 * and a config without them gets the defaults here, which change nothing.
 *
 * Errors are `ValueConversionError`s; the program loader adds supervisord's
 * ` in section '…' (file: '…')` suffix, as for its own keys.
 *
 * Python counterpart: none (supervisor/options.py `ServerOptions.read_config`
 * and `_processes_from_section` are the model for reading keys by name).
 * @module
 */

import { boolean, logLevel, type LogLevelName } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { choice, duration, pyFloat } from "./ext_values.ts";
import type { BackoffKind, ConsoleTarget, ProgramExtensions, SupervisordExtensions } from "./schema.ts";

/** Reads one expanded option, or null when it is absent. */
export type KeyReader = (key: string) => string | null;

/** `[supervisord]` extension keys (see {@linkcode SupervisordExtensions}). */
export function readSupervisordExtensions(get: KeyReader): SupervisordExtensions {
  const containerMode = get("container_mode");
  const level = get("console_loglevel");
  const format = get("console_format");
  const color = get("console_color");
  return {
    container_mode: containerMode === null ? false : boolean(containerMode),
    console_loglevel: level === null ? null : consoleLevel(level),
    console_format: format === null ? "prefixed" : choice("console_format", format, ["prefixed", "raw", "json"]),
    console_color: color === null ? "auto" : choice("console_color", color, ["auto", "always", "never"]),
    essential_exitcode: exitcodeSetting(get("essential_exitcode")),
  };
}

function consoleLevel(s: string): LogLevelName | "off" {
  if (s.trim().toLowerCase() === "off") return "off";
  try {
    return logLevel(s);
  } catch {
    throw new ValueConversionError(
      "console_loglevel must be one of critical, error, warn, info, debug, trace, blather, off",
    );
  }
}

function exitcodeSetting(s: string | null): number | null {
  if (s === null || s.trim().toLowerCase() === "auto") return null;
  const t = s.trim();
  const n = /^\d{1,3}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0 && n <= 255)) throw new ValueConversionError("essential_exitcode must be 'auto' or 0..255");
  return n;
}

/** What reading a program's extension keys needs besides the keys. */
export interface ProgramKeys {
  /** An option of the section, expanded as the program's own keys are; null when absent. */
  get: KeyReader;
  /** True when the section sets the key itself (before any default). */
  has(key: string): boolean;
  /** The process name, the default prefix. */
  name: string;
  /** `[supervisord] container_mode`. */
  containerMode: boolean;
  /** An `[eventlistener:x]` section: its stdout is the protocol, never on the console by default. */
  listener: boolean;
}

/** A program's extension keys (see {@linkcode ProgramExtensions}). */
export function readProgramExtensions(keys: ProgramKeys): Omit<ProgramExtensions, "env_file"> {
  const { get } = keys;
  const essential = flag(get, "essential");
  const shutdownOnExit = flag(get, "shutdown_on_exit");
  if (essential && shutdownOnExit) throw new ValueConversionError("essential and shutdown_on_exit are exclusive");
  return {
    console: consoleRoute(keys),
    console_prefix: get("console_prefix") ?? keys.name,
    essential,
    shutdown_on_exit: shutdownOnExit,
    ...restartKeys(get),
    retry_forever: flag(get, "retry_forever"),
  };
}

function flag(get: KeyReader, key: string): boolean {
  const v = get(key);
  return v === null ? false : boolean(v);
}

/**
 * `console`: `true` copies stdout to stdout and stderr to stderr,
 * `stdout`/`stderr` send both channels to that stream. Unset in container
 * mode: every channel whose `*_logfile` key is absent goes to its own stream
 * (a listener's stdout excepted).
 */
function consoleRoute(keys: ProgramKeys): ProgramExtensions["console"] {
  const raw = keys.get("console");
  if (raw === null) {
    if (!keys.containerMode) return { stdout: null, stderr: null };
    const stdout: ConsoleTarget = keys.has("stdout_logfile") || keys.listener ? null : "stdout";
    const stderr: ConsoleTarget = keys.has("stderr_logfile") ? null : "stderr";
    return { stdout, stderr };
  }
  const v = raw.trim().toLowerCase();
  if (v === "stdout" || v === "stderr") return { stdout: v, stderr: v };
  let on: boolean;
  try {
    on = boolean(v);
  } catch {
    throw new ValueConversionError("console must be one of false, true, stdout, stderr");
  }
  return on ? { stdout: "stdout", stderr: "stderr" } : { stdout: null, stderr: null };
}

type RestartKeys = Omit<
  ProgramExtensions,
  "console" | "console_prefix" | "essential" | "shutdown_on_exit" | "retry_forever" | "env_file"
>;

/** `backoff*` and the Go port's `restartpause` alias (= `backoff=fixed`, `backoff_delay=N`). */
function restartKeys(get: KeyReader): RestartKeys {
  const pause = get("restartpause");
  const kindRaw = get("backoff");
  const delayRaw = get("backoff_delay");
  if (pause !== null && kindRaw !== null) throw new ValueConversionError("restartpause and backoff are exclusive");
  if (pause !== null && delayRaw !== null) {
    throw new ValueConversionError("restartpause and backoff_delay are exclusive");
  }
  const kind: BackoffKind = pause !== null
    ? "fixed"
    : kindRaw === null
    ? "python"
    : choice("backoff", kindRaw, ["python", "fixed", "exponential"]);
  const delay = duration(pause ?? delayRaw ?? "1");
  const factorRaw = get("backoff_factor");
  const factor = factorRaw === null ? 2 : pyFloat(factorRaw);
  if (!(factor >= 1) || factor === Infinity) throw new ValueConversionError("backoff_factor must be >= 1");
  const maxRaw = get("backoff_max");
  const jitterRaw = get("backoff_jitter");
  const jitter = jitterRaw === null ? 0 : pyFloat(jitterRaw);
  if (!(jitter >= 0 && jitter <= 1)) throw new ValueConversionError("backoff_jitter must be between 0 and 1");
  const resetRaw = get("backoff_reset_after");
  return {
    backoff: kind,
    backoff_delay: delay,
    backoff_factor: factor,
    backoff_max: maxRaw !== null ? duration(maxRaw) : kind === "exponential" ? 60 : 0,
    backoff_jitter: jitter,
    backoff_reset_after: resetRaw !== null ? duration(resetRaw) : kind === "python" ? null : 30,
  };
}
