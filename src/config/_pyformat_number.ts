/**
 * Number rendering for Python's `%` operator: the integer conversions
 * (`d i u o x X`) and the float conversions (`e E f F g G`) of an integral
 * value, before width and sign padding are applied.
 *
 * Python counterpart: CPython 3.11 `_PyUnicode_FormatLong`
 * (Objects/unicodeobject.c) and `PyOS_double_to_string`
 * (Python/pystrtod.c), which rounds the exact decimal value half to even.
 * @module
 */

/**
 * `_PyUnicode_FormatLong`: digits in the conversion's base, zero-filled to
 * `prec` digits, with a `0o`/`0x`/`0X` marker after the sign when `alt`.
 */
export function formatPyInt(
  n: bigint,
  type: string,
  prec: number,
  alt: boolean,
): string {
  const base = type === "o" ? 8 : type === "x" || type === "X" ? 16 : 10;
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString(base);
  if (prec > digits.length) digits = "0".repeat(prec - digits.length) + digits;
  const marker = alt && base !== 10 ? (base === 8 ? "0o" : "0x") : "";
  const text = (negative ? "-" : "") + marker + digits;
  return type === "X" ? text.toUpperCase() : text;
}

interface Rounded {
  /** Exactly `count` significant digits. */
  digits: string;
  /** Decimal exponent of the first digit. */
  exp: number;
}

/** Rounds the decimal digits of a non-negative integer, half to even. */
function roundSignificant(all: string, count: number): Rounded {
  if (all === "0") return { digits: "0".repeat(count), exp: 0 };
  let exp = all.length - 1;
  if (all.length <= count) {
    return { digits: all + "0".repeat(count - all.length), exp };
  }
  let kept = all.slice(0, count);
  const first = all.charAt(count);
  const rest = all.slice(count + 1);
  const lastOdd = Number(kept.charAt(count - 1)) % 2 === 1;
  const up = first > "5" ||
    (first === "5" && (/[1-9]/.test(rest) || lastOdd));
  if (up) {
    kept = (BigInt(kept) + 1n).toString();
    if (kept.length > count) {
      kept = kept.slice(0, count);
      exp++;
    }
  }
  return { digits: kept, exp };
}

function exponentSuffix(exp: number): string {
  const abs = Math.abs(exp);
  return "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + String(abs);
}

function formatE(all: string, prec: number, alt: boolean): string {
  const { digits, exp } = roundSignificant(all, prec + 1);
  const point = prec > 0 || alt ? "." : "";
  return digits.charAt(0) + point + digits.slice(1) + exponentSuffix(exp);
}

function formatG(all: string, prec: number, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const rounded = roundSignificant(all, p);
  const exp = rounded.exp;
  // Without `#`, trailing zeros go (at least one digit stays).
  const digits = alt ? rounded.digits : rounded.digits.replace(/(?<=.)0+$/, "");
  if (exp >= p) {
    const point = digits.length > 1 || alt ? "." : "";
    return digits.charAt(0) + point + digits.slice(1) + exponentSuffix(exp);
  }
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fraction = digits.slice(exp + 1);
  return whole + (fraction !== "" || alt ? "." : "") + fraction;
}

/**
 * `PyOS_double_to_string(x, type, prec, alt)` for an integral `x` (every
 * value `pyFormat` sees is a Python `int`, converted to `float` exactly).
 */
export function formatPyFloat(
  n: bigint,
  type: string,
  prec: number,
  alt: boolean,
): string {
  const negative = n < 0n;
  const all = (negative ? -n : n).toString();
  const lower = type.toLowerCase();
  let body: string;
  if (lower === "f") {
    body = all + (prec > 0 ? "." + "0".repeat(prec) : alt ? "." : "");
  } else if (lower === "e") body = formatE(all, prec, alt);
  else body = formatG(all, prec, alt);
  if (type !== lower) body = body.toUpperCase();
  return (negative ? "-" : "") + body;
}
