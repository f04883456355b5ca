/**
 * Value converters of the extension keys (EXTENSIONS.md §0.4): durations
 * (`30`, `1.5`, `500ms`, `30s`, `5m`, `2h`, `1d`), floats and closed
 * choices. Each takes the raw text and returns the typed value, or throws
 * `ValueConversionError` with the message the config loader wraps in
 * supervisord's ` in section '…' (file: '…')` shape.
 *
 * Python counterpart: none (supervisor/datatypes.py is the model for the
 * shape: one pure function per type, Python's error texts where Python has
 * one, as `float()`'s).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d)?\s*$/i;

/**
 * A duration in seconds: a non-negative number with an optional unit
 * (`ms`, `s`, `m`, `h`, `d`; none means seconds).
 *
 * @example
 * ```ts
 * duration("500ms"); // 0.5
 * duration("5m"); // 300
 * duration("1.5"); // 1.5
 * ```
 */
export function duration(s: string): number {
  const m = DURATION.exec(s);
  if (m === null) throw new ValueConversionError(`invalid duration ${pyRepr(s.trim())} (use 500ms, 30s, 5m, 2h, 1d)`);
  return Number(m[1]) * DURATION_UNITS[(m[2] ?? "s").toLowerCase()]!;
}

/** Python `float(s)`: surrounding whitespace allowed; its error text otherwise. */
export function pyFloat(s: string): number {
  const t = s.trim();
  if (/^[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(t)) return Number(t.replaceAll("_", ""));
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  throw new ValueConversionError(`could not convert string to float: ${pyRepr(s)}`);
}

/**
 * One of `choices` (compared lower-cased, surrounding whitespace ignored);
 * otherwise `<key> must be one of a, b, c`.
 */
export function choice<T extends string>(key: string, s: string, choices: readonly T[]): T {
  const v = s.trim().toLowerCase();
  const found = choices.find((c) => c === v);
  if (found === undefined) throw new ValueConversionError(`${key} must be one of ${choices.join(", ")}`);
  return found;
}
