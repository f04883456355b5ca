/**
 * Cron expressions (EXTENSIONS.md §9): the 5-field form (minute hour
 * day-of-month month day-of-week), the Go port's 6-field form with seconds
 * first, the macros `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/
 * `@midnight`, `@hourly`, and `@every DURATION` (`30s`, `1h30m`, `500ms`).
 * Fields take `*`, `?` (day fields), values, names (`jan`, `mon`), ranges
 * `a-b`, steps `*\/n`, `a-b/n`, `a/n` and comma lists; day-of-week 7 is
 * Sunday. When both day fields are restricted a day matching either one
 * matches (Vixie cron's rule).
 *
 * Python counterpart: none (cron is out of scope in supervisord; the peers:
 * Vixie cron's crontab(5), robfig/cron as the Go port uses it).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";

/** A parsed cron expression. */
export type CronSpec =
  | { readonly kind: "every"; readonly source: string; readonly ms: number }
  | {
    readonly kind: "fields";
    readonly source: string;
    /** Allowed values per field (seconds is `[0]` in the 5-field form). */
    readonly seconds: ReadonlySet<number>;
    readonly minutes: ReadonlySet<number>;
    readonly hours: ReadonlySet<number>;
    readonly days: ReadonlySet<number>;
    readonly months: ReadonlySet<number>;
    /** 0 = Sunday. */
    readonly weekdays: ReadonlySet<number>;
    /** The day-of-month field is `*` or `?`. */
    readonly daysAny: boolean;
    /** The day-of-week field is `*` or `?`. */
    readonly weekdaysAny: boolean;
  };

interface FieldDef {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const SECOND: FieldDef = { name: "second", min: 0, max: 59 };
const MINUTE: FieldDef = { name: "minute", min: 0, max: 59 };
const HOUR: FieldDef = { name: "hour", min: 0, max: 23 };
const DAY: FieldDef = { name: "day-of-month", min: 1, max: 31 };
const MONTH: FieldDef = {
  name: "month",
  min: 1,
  max: 12,
  names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
};
const WEEKDAY: FieldDef = {
  name: "day-of-week",
  min: 0,
  max: 7,
  names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a cron expression; errors read `invalid cron expression '61 * * * *': minute 61 out of range 0-59`. */
export function parseCron(raw: string): CronSpec {
  const source = raw.trim().replace(/\s+/g, " ");
  const fail = (why: string) => new ValueConversionError(`invalid cron expression ${pyRepr(source)}: ${why}`);
  if (source.startsWith("@every")) {
    const ms = everyMs(source.slice(6).trim());
    if (ms === null || ms <= 0) throw fail("@every needs a duration such as 30s, 5m or 1h30m");
    return { kind: "every", source, ms };
  }
  let text = source;
  if (source.startsWith("@")) {
    const macro = MACROS[source.toLowerCase()];
    if (macro === undefined) throw fail(`unknown macro ${pyRepr(source)}`);
    text = macro;
  }
  const parts = text.split(" ");
  if (parts.length !== 5 && parts.length !== 6) throw fail(`expected 5 or 6 fields, got ${parts.length}`);
  const withSeconds = parts.length === 6;
  const [sec, min, hour, day, month, weekday] = withSeconds ? parts : ["0", ...parts];
  const field = (text: string, def: FieldDef) => parseField(text, def, fail);
  const weekdays = new Set([...field(weekday!, WEEKDAY)].map((d) => d % 7));
  return {
    kind: "fields",
    source,
    seconds: field(sec!, SECOND),
    minutes: field(min!, MINUTE),
    hours: field(hour!, HOUR),
    days: field(day!, DAY),
    months: field(month!, MONTH),
    weekdays,
    daysAny: day === "*" || day === "?",
    weekdaysAny: weekday === "*" || weekday === "?",
  };
}

/** `@every`'s duration: one or more `<number><unit>` (ms, s, m, h, d); a bare number is seconds. */
function everyMs(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/i.test(text)) return null;
  let total = 0;
  for (const m of text.toLowerCase().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

function parseField(text: string, def: FieldDef, fail: (why: string) => Error): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const [range, stepText, extra] = item.split("/");
    if (extra !== undefined || range === undefined || range === "") throw fail(`bad ${def.name} ${pyRepr(item)}`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw fail(`bad step in ${def.name} ${pyRepr(item)}`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === "*" || (range === "?" && (def === DAY || def === WEEKDAY))) {
      [lo, hi] = [def.min, def === WEEKDAY ? 6 : def.max];
    } else {
      const ends = range.split("-");
      if (ends.length > 2) throw fail(`bad ${def.name} ${pyRepr(item)}`);
      lo = value(ends[0]!, def, fail);
      hi = ends.length === 2 ? value(ends[1]!, def, fail) : stepText !== undefined ? def.max : lo;
      if (hi < lo) throw fail(`bad ${def.name} range ${pyRepr(range)}`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string, def: FieldDef, fail: (why: string) => Error): number {
  const named = def.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + def.min;
  if (!/^\d+$/.test(text)) throw fail(`bad ${def.name} ${pyRepr(text)}`);
  const n = Number(text);
  if (n < def.min || n > def.max) throw fail(`${def.name} ${n} out of range ${def.min}-${def.max}`);
  return n;
}
