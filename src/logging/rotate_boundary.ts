/**
 * Time boundaries of `*_logfile_rotate_every` (EXTENSIONS.md §6): the next
 * instant after a wall-clock time at which a log rotates: `hourly` at the
 * next full hour, `daily` at the next midnight, `weekly` at the next Monday
 * 00:00, or a duration (≥ 1 minute) at the next multiple of it since the
 * epoch. Local time by default (so `daily` is local midnight whatever the
 * daylight-saving changes do to the length of the day), UTC with
 * `log_rotate_utc`.
 *
 * Python counterpart: none (Python rotates only by size; Circus's
 * `TimedRotatingFileStream` and Python's `logging.handlers.
 * TimedRotatingFileHandler` are the peers).
 * @module
 */

import type { RotateEvery } from "../config/schema.ts";

export type { RotateEvery } from "../config/schema.ts";

const HOUR = 3_600_000;

/**
 * The first boundary strictly after `wallMs`.
 *
 * @param wallMs Wall-clock milliseconds since the epoch.
 * @param every The period.
 * @param utc Use UTC boundaries rather than local time.
 */
export function nextBoundary(wallMs: number, every: RotateEvery, utc: boolean): number {
  if (every.kind === "every") {
    const p = every.seconds * 1000;
    return (Math.floor(wallMs / p) + 1) * p;
  }
  const d = new Date(wallMs);
  if (every.kind === "hourly") {
    // Whole hours of local time; a zone with a half-hour offset shifts them.
    const shift = utc ? 0 : ((-d.getTimezoneOffset() % 60) + 60) % 60 * 60_000;
    return (Math.floor((wallMs + shift) / HOUR) + 1) * HOUR - shift;
  }
  const days = every.kind === "daily" ? 1 : ((8 - (utc ? d.getUTCDay() : d.getDay())) % 7) || 7;
  if (utc) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days);
  const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
  return next > wallMs ? next : new Date(d.getFullYear(), d.getMonth(), d.getDate() + days + 1).getTime();
}
