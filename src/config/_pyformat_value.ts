/**
 * The values Python's `%` operator sees when supervisord expands a config
 * value, and their `str()`, `repr()` and `ascii()`: a `str`, an `int`, or
 * (for a positional `%s`) the whole expansion `dict`.
 *
 * Python counterpart: CPython 3.11 `PyObject_Str`/`PyObject_Repr`/
 * `PyObject_ASCII` of `str`, `int` and `dict` (Objects/dictobject.c
 * `dict_repr`), as used by `PyUnicode_Format`.
 * @module
 */

import { pyRepr } from "./pyrepr.ts";

/** A value of the expansion mapping: a Python `str`, or an integral `int`. */
export type PyFormatValue = string | number;

/** The expansion mapping, in insertion order. */
export type Values = Readonly<Record<string, PyFormatValue>>;

/** A formatting argument; `t` is also its Python type name. */
export type Arg =
  | { readonly t: "str"; readonly s: string }
  | { readonly t: "int"; readonly n: bigint }
  | { readonly t: "dict"; readonly d: Values };

/** Wraps a mapping value; numbers must be integral (they are Python ints). */
export function toArg(v: PyFormatValue): Arg {
  if (typeof v === "string") return { t: "str", s: v };
  if (!Number.isInteger(v)) {
    throw new TypeError(`pyFormat() values must be integers: ${v}`);
  }
  return { t: "int", n: BigInt(v) };
}

/** Python's `repr()`; a dict renders as `{'k': 'v', 'n': 5}`. */
export function argRepr(a: Arg): string {
  if (a.t === "str") return pyRepr(a.s);
  if (a.t === "int") return a.n.toString();
  const items = Object.keys(a.d).map((k) => pyRepr(k) + ": " + argRepr(toArg(a.d[k]!)));
  return "{" + items.join(", ") + "}";
}

/** Python's `str()`: a `str` itself, anything else its repr. */
export function argStr(a: Arg): string {
  return a.t === "str" ? a.s : argRepr(a);
}

/** Python's `ascii()`: the repr with every non-ASCII code point escaped. */
export function argAscii(a: Arg): string {
  let out = "";
  for (const ch of argRepr(a)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp < 0x100) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out;
}
