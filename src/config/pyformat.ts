/**
 * Python's `str % mapping`, the engine behind supervisord's `%(name)s`
 * expansion of config values, and the loader's wrapper that turns its
 * failures into supervisord's messages.
 *
 * Python counterpart: CPython 3.11 `PyUnicode_Format`
 * (Objects/unicodeobject.c) as called by `expand()` in supervisor/options.py.
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";
import { pyCompare } from "./_pytext.ts";
import { formatPyFloat, formatPyInt } from "./_pyformat_number.ts";
import { type Arg, argAscii, argRepr, argStr, toArg, type Values } from "./_pyformat_value.ts";

export type { PyFormatValue } from "./_pyformat_value.ts";

/** The Python exception class a formatting failure corresponds to. */
export type PyFormatErrorType =
  | "KeyError"
  | "ValueError"
  | "TypeError"
  | "OverflowError"
  | "MemoryError";

/**
 * A failed `str % mapping`. `message` is Python's `str(exception)`; for a
 * missing key (`kind: "key"`) that is the key's repr, as `str(KeyError)`.
 */
export class PyFormatError extends Error {
  readonly kind: "key" | "format";
  readonly key?: string;
  readonly pyType: PyFormatErrorType;

  constructor(pyType: PyFormatErrorType, message: string, key?: string) {
    super(message);
    this.name = "PyFormatError";
    this.pyType = pyType;
    this.kind = pyType === "KeyError" ? "key" : "format";
    if (key !== undefined) this.key = key;
  }
}

const F_LJUST = 1, F_SIGN = 2, F_BLANK = 4, F_ALT = 8, F_ZERO = 16;
const FLAG_BITS: ReadonlyMap<string, number> = new Map([
  ["-", F_LJUST],
  ["+", F_SIGN],
  [" ", F_BLANK],
  ["#", F_ALT],
  ["0", F_ZERO],
]);
const SSIZE_MAX = 2n ** 63n - 1n;
const INT_MAX = 2n ** 31n - 1n;
/** Beyond this a padded result cannot be built (Python: MemoryError). */
const MAX_PAD = 1 << 28;

interface Spec {
  flags: number;
  width: number;
  prec: number;
  ch: string;
}

/** Walks the format string by code point, as CPython indexes it. */
class Formatter {
  readonly cps: readonly string[];
  readonly values: Values;
  pos = 0;
  args: Arg;
  argUsed = false;
  exhausted = false;

  constructor(format: string, values: Values) {
    this.cps = Array.from(format);
    this.values = values;
    this.args = { t: "dict", d: values };
  }

  /** Reads the next character into `spec.ch`; false once the format ends. */
  advance(spec: Spec): boolean {
    if (this.pos >= this.cps.length) {
      this.exhausted = true;
      return false;
    }
    spec.ch = this.cps[this.pos++]!;
    return true;
  }

  /** `unicode_format_getnextarg` for a mapping: one use per `%(key)`. */
  nextArg(): Arg {
    if (this.argUsed) {
      throw new PyFormatError(
        "TypeError",
        "not enough arguments for format string",
      );
    }
    this.argUsed = true;
    return this.args;
  }
}

function lookUpKey(f: Formatter, spec: Spec): void {
  f.pos++;
  const start = f.pos;
  let depth = 1;
  while (depth > 0 && f.advance(spec)) {
    if (spec.ch === ")") depth--;
    else if (spec.ch === "(") depth++;
  }
  if (depth > 0) throw new PyFormatError("ValueError", "incomplete format key");
  const key = f.cps.slice(start, f.pos - 1).join("");
  if (!Object.hasOwn(f.values, key)) {
    throw new PyFormatError("KeyError", pyRepr(key), key);
  }
  f.args = toArg(f.values[key]!);
  f.argUsed = false;
}

/** A `*` width or precision: the next argument, which must be an `int`. */
function starValue(f: Formatter, limit: bigint, cType: string): bigint {
  const v = f.nextArg();
  if (v.t !== "int") throw new PyFormatError("TypeError", "* wants int");
  if (v.n > limit || v.n < -limit - 1n) {
    throw new PyFormatError(
      "OverflowError",
      `Python int too large to convert to C ${cType}`,
    );
  }
  return v.n;
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9" && ch.length === 1;
}

/** Digits of a width or precision; `spec.ch` holds the first one. */
function readNumber(f: Formatter, spec: Spec, limit: bigint, what: string) {
  let value = BigInt(spec.ch);
  while (f.advance(spec) && isDigit(spec.ch)) {
    value = value * 10n + BigInt(spec.ch);
    if (value > limit) throw new PyFormatError("ValueError", `${what} too big`);
  }
  return value;
}

/** The precision after a `.`: digits or `*`; a bare `.` means 0. */
function parsePrecision(f: Formatter, spec: Spec): void {
  spec.prec = 0;
  f.advance(spec);
  if (spec.ch === "*") {
    const prec = starValue(f, INT_MAX, "int");
    spec.prec = prec < 0n ? 0 : Number(prec);
    f.advance(spec);
  } else if (isDigit(spec.ch)) {
    spec.prec = Number(readNumber(f, spec, INT_MAX, "precision"));
  }
}

/** `unicode_format_arg_parse`: key, flags, width, precision, length modifier. */
function parseSpec(f: Formatter): Spec {
  const spec: Spec = { flags: 0, width: -1, prec: -1, ch: "" };
  if (f.cps[f.pos] === "(") lookUpKey(f, spec);
  while (f.advance(spec)) {
    const bit = FLAG_BITS.get(spec.ch);
    if (bit === undefined) break;
    spec.flags |= bit;
  }
  if (spec.ch === "*") {
    let width = starValue(f, SSIZE_MAX, "ssize_t");
    if (width < 0n) {
      spec.flags |= F_LJUST;
      width = -width;
    }
    spec.width = Number(width);
    f.advance(spec);
  } else if (isDigit(spec.ch)) {
    spec.width = Number(readNumber(f, spec, SSIZE_MAX, "width"));
  }
  if (spec.ch === ".") parsePrecision(f, spec);
  if (!f.exhausted && "hlL".includes(spec.ch)) f.advance(spec);
  if (f.exhausted) throw new PyFormatError("ValueError", "incomplete format");
  return spec;
}

/** Python fails to allocate a result this large: MemoryError, empty text. */
function checkSize(n: number): void {
  if (n > MAX_PAD) throw new PyFormatError("MemoryError", "");
}

function wrongType(ch: string, a: Arg): PyFormatError {
  const need = "oxX".includes(ch) ? "an integer" : "a real number";
  return new PyFormatError(
    "TypeError",
    `%${ch} format: ${need} is required, not ${a.t}`,
  );
}

function formatChar(a: Arg): string {
  if (a.t === "str" && Array.from(a.s).length === 1) return a.s;
  if (a.t !== "int") {
    throw new PyFormatError("TypeError", "%c requires int or char");
  }
  if (a.n < 0n || a.n > 0x10ffffn) {
    throw new PyFormatError("OverflowError", "%c arg not in range(0x110000)");
  }
  return String.fromCodePoint(Number(a.n));
}

/** `unicode_format_arg_format`: the converted text and whether it is signed. */
function convert(f: Formatter, spec: Spec): [string, boolean] {
  const a = f.nextArg();
  const ch = spec.ch;
  switch (ch) {
    case "s":
      return [argStr(a), false];
    case "r":
      return [argRepr(a), false];
    case "a":
      return [argAscii(a), false];
    case "d":
    case "i":
    case "u":
    case "o":
    case "x":
    case "X":
      if (a.t !== "int") throw wrongType(ch, a);
      checkSize(spec.prec);
      return [
        formatPyInt(a.n, ch, spec.prec, (spec.flags & F_ALT) !== 0),
        true,
      ];
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G": {
      if (a.t !== "int") {
        throw new PyFormatError(
          "TypeError",
          `must be real number, not ${a.t}`,
        );
      }
      const prec = spec.prec < 0 ? 6 : spec.prec;
      checkSize(prec);
      return [formatPyFloat(a.n, ch, prec, (spec.flags & F_ALT) !== 0), true];
    }
    case "c":
      return [formatChar(a), false];
  }
  const cp = ch.codePointAt(0)!;
  const shown = cp >= 31 && cp <= 126 ? ch : "?";
  throw new PyFormatError(
    "ValueError",
    `unsupported format character '${shown}' (0x${cp.toString(16)}) ` +
      `at index ${f.pos - 1}`,
  );
}

/** `unicode_format_arg_output`: precision cut, sign, `#` marker, padding. */
function pad(spec: Spec, text: string, numeric: boolean): string {
  const cps = Array.from(text);
  let len = cps.length;
  const flags = spec.flags;
  if (
    (spec.width === -1 || spec.width <= len) &&
    (spec.prec === -1 || spec.prec >= len) && !(flags & (F_SIGN | F_BLANK))
  ) return text;
  if ("sra".includes(spec.ch) && spec.prec >= 0 && len > spec.prec) {
    len = spec.prec;
  }
  const fill = numeric && flags & F_ZERO ? "0" : " ";
  let at = 0;
  let sign = "";
  if (numeric) {
    if (cps[0] === "-" || cps[0] === "+") {
      sign = cps[0];
      len--;
      at++;
    } else if (flags & F_SIGN) sign = "+";
    else if (flags & F_BLANK) sign = " ";
  }
  let width = Math.max(spec.width, len);
  checkSize(width);
  let out = "";
  if (sign !== "") {
    if (fill !== " ") out += sign;
    if (width > len) width--;
  }
  const marked = (flags & F_ALT) !== 0 && "xXo".includes(spec.ch);
  let marker = "";
  if (marked) {
    marker = cps.slice(at, at + 2).join("");
    at += 2;
    if (fill !== " ") out += marker;
    width = Math.max(width - 2, 0);
    len -= 2;
  }
  if (width > len && !(flags & F_LJUST)) {
    out += fill.repeat(width - len);
    width = len;
  }
  if (fill === " ") out += sign + marker;
  out += cps.slice(at, at + len).join("");
  if (width > len) out += " ".repeat(width - len);
  return out;
}

/**
 * Python's `format % values` where `values` is a `dict` (keys in insertion
 * order). Numbers are Python `int`s. Throws `PyFormatError` with Python's
 * exception type and message.
 */
export function pyFormat(format: string, values: Values): string {
  if (!format.includes("%")) return format;
  const f = new Formatter(format, values);
  let out = "";
  while (f.pos < f.cps.length) {
    const ch = f.cps[f.pos++]!;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    if (f.cps[f.pos] === "%") {
      f.pos++;
      out += "%";
      continue;
    }
    const spec = parseSpec(f);
    const [text, numeric] = convert(f, spec);
    out += pad(spec, text, numeric);
  }
  return out;
}

/**
 * supervisord's `expand(raw, values, name)`: `pyFormat` with its failures
 * reported as `ValueConversionError`s carrying supervisord's texts
 * (`sectionOption` is e.g. `program:a.command`).
 */
export function expandValue(
  raw: string,
  values: Values,
  sectionOption: string,
): string {
  try {
    return pyFormat(raw, values);
  } catch (e) {
    if (!(e instanceof PyFormatError)) throw e;
    const head = `Format string ${pyRepr(raw)} for ${pyRepr(sectionOption)}`;
    if (e.kind === "key") {
      const names = Object.keys(values).sort(pyCompare).join(", ");
      throw new ValueConversionError(
        `${head} contains names (${e.message}) which cannot be expanded. ` +
          `Available names: ${names}`,
      );
    }
    throw new ValueConversionError(`${head} is badly formatted: ${e.message}`);
  }
}
