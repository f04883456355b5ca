/**
 * The JavaScript model of XML-RPC values, and how Python would print them.
 *
 * | XML-RPC                      | JavaScript                                             |
 * |------------------------------|--------------------------------------------------------|
 * | `int`, `i4`, `i8`            | `number` (an integer below 2^63); `bigint` beyond ±2^53−1 |
 * | `double`                     | {@linkcode Double} when decoded; a non-integral number |
 * |                              | (or NaN/±Infinity) also encodes as a double            |
 * | `boolean`                    | `boolean`                                              |
 * | `string`, bare `<value>`     | `string`                                               |
 * | `dateTime.iso8601`           | `Date`; the wire has no zone, its fields are UTC       |
 * | `base64`                     | `Uint8Array`                                           |
 * | `array`                      | `Array`                                                |
 * | `struct`                     | plain object (a `Map<string, …>` also encodes)         |
 * | `nil`                        | `null` (decoded always; encoded only with allowNone)   |
 *
 * An integral JS number cannot say whether it was meant as a double, so
 * doubles that must stay doubles are wrapped in {@linkcode Double}; decoded
 * doubles are always wrapped, so decode → encode is exact.
 *
 * The `py*` functions render values the way Python's `str()`/`repr()` does,
 * for fault texts that embed a client's argument (`INCORRECT_PARAMETERS: 5`)
 * and multicall's `FAILED: <class 'AttributeError'>:…` texts.
 *
 * Python counterpart: the value types of the stdlib xmlrpc.client
 * (`Binary`, `DateTime`, `dumps`/`loads` type mapping).
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";

/** An XML-RPC double whose value may be integral (`new Double(1)` encodes `<double>1.0</double>`). */
export class Double {
  /**
   * Creates the object.
   *
   * @param value The number to send as `<double>`.
   */
  constructor(readonly value: number) {}
}

/** A struct: member names to values, in wire order. */
export interface XmlRpcStruct {
  /** A member. */
  [member: string]: XmlRpcValue;
}

/** Any value the codec reads or writes (see the module table). */
export type XmlRpcValue =
  | number
  | bigint
  | boolean
  | string
  | Double
  | Date
  | Uint8Array
  | null
  | XmlRpcValue[]
  | XmlRpcStruct
  | ReadonlyMap<string, XmlRpcValue>;

/** True for a plain object (prototype Object.prototype or null): the struct shape. */
export function isStruct(v: unknown): v is XmlRpcStruct {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Python `repr(float)`: shortest round-trip digits, fixed notation for
 * decimal exponents -4 ≤ e < 16, otherwise `d.ddde+XX`.
 *
 * @param x The number.
 * @returns e.g. `"1.5"`, `"123456789.0"`, `"1e+16"`, `"1e-05"`, `"nan"`, `"-inf"`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expText); // value = d.ddd × 10^exp
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

/** Python's type name of a decoded value (`int`, `str`, `list`, `dict`, …). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (v instanceof Double) return "float";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof Date) return "datetime.datetime";
  if (Array.isArray(v)) return "list";
  return "dict";
}

/** Python `str()` of a decoded value. */
export function pyStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Date) {
    const iso = v.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  return pyReprValue(v);
}

/** Python `repr()` of a decoded value. */
export function pyReprValue(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return pyRepr(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v).toString() : pyFloatRepr(v);
  if (v instanceof Double) return pyFloatRepr(v.value);
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  if (v instanceof Date) {
    const f = [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes()];
    const s = v.getUTCSeconds();
    return `datetime.datetime(${f.join(", ")}${s === 0 ? "" : `, ${s}`})`;
  }
  if (Array.isArray(v)) return `[${v.map(pyReprValue).join(", ")}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return `{${entries.map(([k, x]) => `${pyRepr(String(k))}: ${pyReprValue(x)}`).join(", ")}}`;
}

function pyBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? '"' : "'";
  let out = "";
  for (const c of b) {
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `b${quote}${out}${quote}`;
}
