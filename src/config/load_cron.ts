/**
 * The cron keys of a program (EXTENSIONS.md §9): `cron`, `cron_timezone`
 * (validated with `Intl`), `cron_overlap` (`skip` or `restart`) and
 * `cron_stop`. Setting `cron` makes `autostart` default to false (an
 * explicit value wins; a section without `cron` keeps Python's default),
 * and warns when `autorestart` is not false. Python reads options by name,
 * so it never sees these keys: a config using them still loads in
 * supervisord 4.2.5.
 *
 * Python counterpart: none (the peers: the Go port's and rsupervisord's
 * `cron`, rsupervisord's `cron_stop`, process-compose's `schedule`).
 * @module
 */

import { parseCron } from "./cron_expr.ts";
import { ValueConversionError } from "./errors.ts";
import { choice } from "./ext_values.ts";
import { pyRepr } from "./pyrepr.ts";
import type { CronConfig } from "./schema.ts";

/** Reads one expanded option, or null when it is absent. */
type KeyReader = (key: string) => string | null;

/** True when `cron` is set in the section: `autostart` then defaults to false. */
export function cronAutostartDefault(has: (key: string) => boolean, pythonDefault: string): string {
  return has("cron") ? "false" : pythonDefault;
}

/**
 * The schedule of one process, or null when `cron` is not set (then the
 * other cron keys are an error).
 */
export function readCronKeys(get: KeyReader): CronConfig | null {
  const start = get("cron");
  const timezone = get("cron_timezone");
  const overlap = get("cron_overlap");
  const stop = get("cron_stop");
  if (start === null) {
    const stray = [["cron_timezone", timezone], ["cron_overlap", overlap], ["cron_stop", stop]].find(([, v]) => v);
    if (stray !== undefined) throw new ValueConversionError(`${stray[0]} needs cron`);
    return null;
  }
  const tz = timezone === null ? null : timezone.trim();
  if (tz !== null && !knownTimeZone(tz)) throw new ValueConversionError(`unknown cron_timezone ${pyRepr(tz)}`);
  return {
    start: parseCron(start),
    stop: stop === null ? null : parseCron(stop),
    timezone: tz,
    overlap: overlap === null ? "skip" : choice("cron_overlap", overlap, ["skip", "restart"]),
  };
}

/** The warning a scheduled program with `autorestart` other than false gets at load. */
export function cronAutorestartWarning(section: string, name: string): string {
  return `cron is set in section ${pyRepr(section)} (process ${pyRepr(name)}) but autorestart is not false: ` +
    "a failed run is retried at once";
}

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
