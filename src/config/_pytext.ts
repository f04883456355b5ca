/**
 * The Python `str` behaviours the config reader and value converters depend
 * on, where JavaScript's look-alikes differ: which code points `str.isspace()`
 * accepts, `str.strip()`/`str.rstrip()` (with and without an argument),
 * `str.lower()`, `int(s, base)` parsing with its exact `ValueError` texts, and
 * code-point string ordering.
 *
 * JavaScript's `trim()` strips U+FEFF (so it would swallow a UTF-8 BOM that
 * Python keeps) and leaves U+001C..U+001F and U+0085 alone (which Python
 * strips). `toLowerCase()` and `\p{Nd}` follow a newer Unicode version than
 * Python 3.11's 14.0 on some engines.
 *
 * Python counterpart: CPython 3.11 Objects/unicodeobject.c
 * (`Py_UNICODE_ISSPACE`, `str.strip`, `str.rstrip`, `str.lower`,
 * `_PyUnicode_TransformDecimalAndSpaceToASCII`) and Objects/longobject.c
 * (`PyLong_FromString`), with Python 3.11's Unicode 14.0 tables.
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";

/**
 * Every code point for which Python 3.11 `str.isspace()` is true (and which
 * `\s` matches in a `str` regex). All of them are in the BMP, so UTF-16 code
 * units can be tested directly.
 */
// deno-fmt-ignore
const PY_SPACES: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
  0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/**
 * The zero of every non-ASCII run of decimal digits (Unicode 14.0 category
 * Nd). The JS engines carry a newer Unicode, so `\p{Nd}` would accept digits
 * Python 3.11's `int()` rejects.
 */
// deno-fmt-ignore
const DECIMAL_ZEROS: readonly number[] = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6,
  0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946,
  0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066,
  0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0,
  0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0,
  0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
  0x1e950, 0x1fbf0,
];

/** CPython's `sys.int_info.default_max_str_digits`. */
const MAX_STR_DIGITS = 4300;

/** Python's `str.isspace()` for one code point. */
export function pyIsSpace(cp: number): boolean {
  return PY_SPACES.has(cp);
}

/** Python's `ch.isspace()` for one UTF-16 code unit (`undefined` is not a space). */
export function isPySpace(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && PY_SPACES.has(ch.charCodeAt(0));
}

/** Index of the first non-space code unit (Python `re.search(r"\S")`), or -1. */
export function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (!PY_SPACES.has(s.charCodeAt(i))) return i;
  }
  return -1;
}

/** End index of `s` once trailing `str.isspace()` characters are dropped. */
function spaceTrimmedEnd(s: string): number {
  let end = s.length;
  while (end > 0 && PY_SPACES.has(s.charCodeAt(end - 1))) end--;
  return end;
}

/** Python's `s.rstrip()` (no argument). */
export function pyRstrip(s: string): string {
  return s.slice(0, spaceTrimmedEnd(s));
}

/** Python's `s.strip()` (no argument): trims `str.isspace()` characters. */
export function pyStrip(s: string): string {
  const start = firstNonSpace(s);
  return start < 0 ? "" : s.slice(start, spaceTrimmedEnd(s));
}

/** Python's `s.strip(chars)` for a set of BMP characters. */
export function pyStripChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s.charAt(start))) start++;
  while (end > start && chars.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Upper-case letters that newer JavaScript engines lower-case but Python
 * 3.11 (Unicode 14.0) leaves alone: they were added in Unicode 15 and 16.
 */
const NEWER_UPPERCASE = /[\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;

/** Python's `s.lower()` (full case mapping, final sigma, Unicode 14.0). */
export function pyLower(s: string): string {
  if (!NEWER_UPPERCASE.test(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    out += NEWER_UPPERCASE.test(ch) ? ch : ch.toLowerCase();
  }
  return out;
}

/** Python's `%.200R`: a repr cut to its first 200 code points. */
function truncatedRepr(s: string): string {
  const cps = Array.from(pyRepr(s));
  return cps.length > 200 ? cps.slice(0, 200).join("") : cps.join("");
}

function decimalValue(cp: number): number {
  for (const zero of DECIMAL_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return cp - zero;
    if (cp < zero) break;
  }
  return -1;
}

/**
 * The ASCII text CPython parses: Unicode spaces become " ", Unicode decimal
 * digits their ASCII digit, and the first other non-ASCII character ends the
 * text with "?" (which then fails the parse).
 */
function toAsciiDigits(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 127) out += ch;
    else if (PY_SPACES.has(cp)) out += " ";
    else {
      const d = decimalValue(cp);
      if (d < 0) return out + "?";
      out += String(d);
    }
  }
  return out;
}

const ASCII_SPACE = " \t\n\x0b\x0c\r";

function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  return 99;
}

/**
 * Python's `int(s, base)` for a `str` (base 8 or 10): surrounding whitespace,
 * a sign, single underscores between digits, Unicode decimal digits, and for
 * base 8 an optional `0o` prefix. Throws `ValueConversionError` with Python's
 * message.
 */
export function pyParseInt(s: string, base: 8 | 10 = 10): bigint {
  const invalid = () =>
    new ValueConversionError(
      `invalid literal for int() with base ${base}: ${truncatedRepr(s)}`,
    );
  const t = toAsciiDigits(s);
  let i = 0;
  while (i < t.length && ASCII_SPACE.includes(t.charAt(i))) i++;
  let negative = false;
  if (t.charAt(i) === "+") i++;
  else if (t.charAt(i) === "-") {
    negative = true;
    i++;
  }
  const marker = t.charAt(i + 1);
  if (base === 8 && t.charAt(i) === "0" && (marker === "o" || marker === "O")) {
    i += 2;
    if (t.charAt(i) === "_") i++;
  }
  if (t.charAt(i) === "_") throw invalid();
  let digits = "";
  let prev = "";
  for (; i < t.length; i++) {
    const c = t.charAt(i);
    if (c === "_") {
      if (prev === "_") throw invalid();
    } else if (digitValue(c) < base) digits += c;
    else break;
    prev = c;
  }
  if (prev === "_") throw invalid();
  if (base === 10 && digits.length > MAX_STR_DIGITS) {
    throw new ValueConversionError(
      `Exceeds the limit (${MAX_STR_DIGITS} digits) for integer string ` +
        `conversion: value has ${digits.length} digits; use ` +
        "sys.set_int_max_str_digits() to increase the limit",
    );
  }
  if (digits === "") throw invalid();
  while (i < t.length && ASCII_SPACE.includes(t.charAt(i))) i++;
  if (i !== t.length) throw invalid();
  const value = BigInt(base === 8 ? "0o" + digits : digits);
  return negative ? -value : value;
}

/** Python's code-point order for sorting strings (`sorted()` of `str`). */
export function pyCompare(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
