/**
 * The next fire time of a cron expression in an IANA time zone (through
 * `Intl`), and the wall-clock text shown in descriptions.
 *
 * Daylight saving time (EXTENSIONS.md §9):
 * - an expression with a fixed hour (the hour field is not `*`) follows the
 *   wall clock: a local time skipped by a spring-forward gap fires once at
 *   the first valid instant after the gap, and a local time that occurs
 *   twice in a fall-back repeat fires only at its first occurrence;
 * - an expression whose hour field is `*` follows elapsed time: through a
 *   gap its next time is the first matching wall time after the gap, and
 *   the repeated hour fires again as the clock shows it a second time.
 *
 * Python counterpart: none (the peers: Vixie cron's DST rule, robfig/cron).
 * @module
 */

import type { CronSpec } from "../config/cron_expr.ts";

type FieldSpec = Extract<CronSpec, { kind: "fields" }>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The host's own time zone (what cron uses without `cron_timezone`). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

/** The wall time at `instant` in `tz`, as a "naive" ms value (its UTC fields are the local fields), whole seconds. */
export function wallOf(instant: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at `instant`, in ms. */
function offsetAt(instant: number, tz: string): number {
  return wallOf(instant, tz) - Math.floor(instant / 1000) * 1000;
}

/** `YYYY-MM-DD HH:MM:SS ZONE` for `instant` in `tz` (ZONE is `UTC` for UTC, else the zone's name). */
export function formatWall(instant: number, tz: string): string {
  const iso = new Date(wallOf(instant, tz)).toISOString();
  const zone = tz === "UTC" || tz === "Etc/UTC" ? "UTC" : tz;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${zone}`;
}

const SEARCH_MS = 5 * 366 * 86_400_000;

/** The first naive time strictly after `after` (or at it, when `inclusive`) that matches `spec`, or null. */
function nextNaive(spec: FieldSpec, after: number, inclusive = false): number | null {
  let t = Math.floor(after / 1000) * 1000 + (inclusive && after % 1000 === 0 ? 0 : 1000);
  const limit = after + SEARCH_MS;
  while (t <= limit) {
    const d = new Date(t);
    const [y, mo, day, h, mi] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
    ];
    if (!spec.months.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(spec, day, d.getUTCDay())) t = Date.UTC(y, mo, day + 1);
    else if (!spec.hours.has(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!spec.minutes.has(mi)) t = Date.UTC(y, mo, day, h, mi + 1);
    else if (!spec.seconds.has(d.getUTCSeconds())) t += 1000;
    else return t;
  }
  return null;
}

function dayMatches(spec: FieldSpec, day: number, weekday: number): boolean {
  const dom = spec.days.has(day);
  const dow = spec.weekdays.has(weekday);
  return !spec.daysAny && !spec.weekdaysAny ? dom || dow : dom && dow;
}

/** The earliest instant in [lo, hi] whose wall time is at or after `naive` (a DST gap's end). */
function firstAtOrAfter(naive: number, lo: number, hi: number, tz: string): number {
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallOf(mid, tz) >= naive) hi = mid;
    else lo = mid;
  }
  return wallOf(lo, tz) >= naive ? lo : hi;
}

/** The earliest instant in (lo, hi] whose offset differs from `offset`. */
function transitionAfter(lo: number, hi: number, offset: number, tz: string): number {
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, tz) !== offset) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The next fire time of `spec` strictly after the instant `after` (ms since
 * the epoch), in `tz`; for `@every`, `after` plus the interval. Null when
 * the expression matches no time in the next five years.
 */
export function nextFire(spec: CronSpec, tz: string, after: number): number | null {
  if (spec.kind === "every") return after + spec.ms;
  return spec.hours.size === 24 ? nextElapsed(spec, tz, after) : nextWall(spec, tz, after);
}

/** Hour field `*`: walk with the offset in force, restarting at a transition. */
function nextElapsed(spec: FieldSpec, tz: string, after: number): number | null {
  const offset = offsetAt(after, tz);
  const naive = nextNaive(spec, after + offset);
  if (naive === null) return null;
  const at = naive - offset;
  if (offsetAt(at, tz) === offset) return at;
  const t = transitionAfter(after, at, offset, tz);
  const offset2 = offsetAt(t, tz);
  const naive2 = nextNaive(spec, t + offset2, true);
  return naive2 === null ? null : naive2 - offset2;
}

/** A fixed hour: walk wall times; a gap fires at its end, a repeat at its first occurrence. */
function nextWall(spec: FieldSpec, tz: string, after: number): number | null {
  let from = wallOf(after, tz);
  for (let i = 0; i < 1000; i++) {
    const naive = nextNaive(spec, from);
    if (naive === null) return null;
    const before = offsetAt(naive - 86_400_000, tz);
    const later = offsetAt(naive + 86_400_000, tz);
    const candidates = [...new Set([naive - before, naive - later])].sort((a, b) => a - b);
    const exact = candidates.filter((c) => wallOf(c, tz) === naive);
    const at = exact.length > 0 ? exact[0]! : firstAtOrAfter(naive, candidates[0]!, candidates.at(-1)!, tz);
    if (at > after) return at;
    from = naive;
  }
  return null;
}
