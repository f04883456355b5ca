/**
 * Reads the log rotation extension keys (EXTENSIONS.md §6):
 * `stdout_logfile_rotate_every` and `stderr_logfile_rotate_every` in
 * program sections, `logfile_rotate_every` (the main log) and
 * `log_rotate_utc` in `[supervisord]`. Python reads
 * options by name and never sees these keys, so a config using them still
 * loads in supervisord 4.2.5.
 *
 * Python counterpart: none (supervisor/options.py reads its own log keys
 * in `ServerOptions.get_logfile_keys`-style helpers).
 * @module
 */

import { boolean } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { duration } from "./ext_values.ts";
import type { KeyReader } from "./load_extensions.ts";
import type { LogExtensions, RotateEvery } from "./schema.ts";

/** `<key>`: `none`, `hourly`, `daily`, `weekly` or a duration of at least one minute; null for `none`. */
export function rotateEvery(key: string, s: string): RotateEvery | null {
  const v = s.trim().toLowerCase();
  if (v === "none") return null;
  if (v === "hourly" || v === "daily" || v === "weekly") return { kind: v };
  let seconds: number;
  try {
    seconds = duration(v);
  } catch {
    seconds = NaN;
  }
  if (!(seconds >= 60)) {
    throw new ValueConversionError(`${key} must be none, hourly, daily, weekly or a duration >= 1m`);
  }
  return { kind: "every", seconds };
}

/** A program's rotation keys. */
export function readLogExtensions(get: KeyReader): LogExtensions {
  const of = (key: string) => {
    const v = get(key);
    return v === null ? null : rotateEvery(key, v);
  };
  return {
    stdout_logfile_rotate_every: of("stdout_logfile_rotate_every"),
    stderr_logfile_rotate_every: of("stderr_logfile_rotate_every"),
  };
}

/** `[supervisord] log_rotate_utc` (default false) and `logfile_rotate_every` (the main log; default none). */
export function readLogRotateUtc(
  get: KeyReader,
): { log_rotate_utc: boolean; logfile_rotate_every: RotateEvery | null } {
  const v = get("log_rotate_utc");
  const every = get("logfile_rotate_every");
  return {
    log_rotate_utc: v === null ? false : boolean(v),
    logfile_rotate_every: every === null ? null : rotateEvery("logfile_rotate_every", every),
  };
}
