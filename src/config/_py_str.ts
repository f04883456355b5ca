/**
 * Python `str` operations whose results differ from their JavaScript
 * look-alikes, as the config reader needs them: whitespace per
 * `str.isspace()`, `strip()`/`rstrip()` with no argument, and `lower()`.
 *
 * JavaScript's `trim()` strips U+FEFF (so it would swallow a UTF-8 BOM that
 * Python keeps) and leaves U+001C..U+001F and U+0085 alone (which Python
 * strips). `toLowerCase()` follows a newer Unicode version than Python 3.11's
 * 14.0 on some engines.
 *
 * Python counterpart: CPython `Py_UNICODE_ISSPACE`, `str.strip`, `str.lower`
 * (Objects/unicodeobject.c, Unicode 14.0 tables).
 * @module
 */

/**
 * Every code point for which Python 3.11 `str.isspace()` is true (and which
 * `\s` matches in a `str` regex). All of them are in the BMP.
 */
const PY_SPACE = new Set(
  [
    0x09,
    0x0a,
    0x0b,
    0x0c,
    0x0d,
    0x1c,
    0x1d,
    0x1e,
    0x1f,
    0x20,
    0x85,
    0xa0,
    0x1680,
    0x2000,
    0x2001,
    0x2002,
    0x2003,
    0x2004,
    0x2005,
    0x2006,
    0x2007,
    0x2008,
    0x2009,
    0x200a,
    0x2028,
    0x2029,
    0x202f,
    0x205f,
    0x3000,
  ].map((cp) => String.fromCharCode(cp)),
);

/** Python `ch.isspace()` for one UTF-16 code unit (all spaces are BMP). */
export function isPySpace(ch: string | undefined): boolean {
  return ch !== undefined && PY_SPACE.has(ch);
}

/** Index of the first non-space code unit (Python `re.search(r"\S")`), or -1. */
export function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (!PY_SPACE.has(s[i]!)) return i;
  }
  return -1;
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && PY_SPACE.has(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  const start = firstNonSpace(s);
  return start < 0 ? "" : pyRstrip(s.slice(start));
}

/**
 * Upper-case letters that newer JavaScript engines lower-case but Python
 * 3.11 (Unicode 14.0) leaves alone: they were added in Unicode 15 and 16.
 */
const NEWER_UPPERCASE = /[\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;

/** Python `s.lower()` (full case mapping, final sigma, Unicode 14.0). */
export function pyLower(s: string): string {
  if (!NEWER_UPPERCASE.test(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    out += NEWER_UPPERCASE.test(ch) ? ch : ch.toLowerCase();
  }
  return out;
}
