/**
 * XML-RPC codec: writes method calls, responses and faults, and (from
 * _xmlrpc_decode.ts, re-exported here) reads them. No dependency, no
 * supervisor knowledge. The value model is documented in xmlrpc_value.ts.
 *
 * Output matches Python's `xmlrpc.client.dumps` byte for byte (layout,
 * newlines, `<int>` for integers, escaping of `&`, `<`, `>` only, raw UTF-8),
 * with these deliberate differences, all in values Python either cannot
 * send or sends as XML no client can read (SURFACE §11.1):
 * - characters XML 1.0 forbids (C0 controls other than TAB/LF/CR, U+FFFE,
 *   U+FFFF, lone surrogates) become U+FFFD (XMLRPC.badtext);
 * - CR is written `&#13;`, so it survives XML line-end normalisation
 *   (Python writes it raw and its own reader turns it into LF);
 * - integers outside 32 bits are written `<i8>` instead of failing
 *   (XMLRPC.int32); a bigint beyond 64 bits is refused, an integral number
 *   beyond 64 bits is written as the double it is;
 * - `nil` is written only with `allowNone` (supervisord's server never sends
 *   it, XMLRPC.nil), as `<value><nil/></value>` plus a newline.
 *
 * Python counterpart: the stdlib xmlrpc.client (`Marshaller`, `dumps`) as
 * supervisor/xmlrpc.py (`xmlrpc_marshal`) uses it.
 * @module
 */

import { Double, isStruct, pyFloatRepr, type XmlRpcValue } from "./xmlrpc_value.ts";

export {
  decodeMethodCall,
  decodeMethodResponse,
  type DecodeOptions,
  MAX_INT_DIGITS,
  type MethodCall,
  type MethodResponse,
  XmlRpcParseError,
} from "./_xmlrpc_decode.ts";
export { Double, type XmlRpcStruct, type XmlRpcValue } from "./xmlrpc_value.ts";

/** Deepest array/struct nesting the codec reads or writes. */
export const MAX_DEPTH = 512;

/** A value the encoder cannot write (Python raises TypeError/OverflowError there). */
export class XmlRpcEncodeError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "XmlRpcEncodeError";
  }
}

/** Options for the encoders. */
export interface EncodeOptions {
  /** Write `null` as `<nil/>`; without it `null` is an error, as in supervisord's server. */
  allowNone?: boolean;
}

const XML_DECL = "<?xml version='1.0'?>\n";
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// deno-lint-ignore no-control-regex -- these are exactly the characters XML 1.0 forbids
const NEEDS_ESCAPE = /[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/u;
// deno-lint-ignore no-control-regex -- these are exactly the characters XML 1.0 forbids
const ESCAPABLE = /[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/gu;

function escapeChar(c: string): string {
  switch (c) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "\r":
      return "&#13;";
    default:
      return "\ufffd"; // not allowed in XML 1.0: replaced (SURFACE XMLRPC.badtext decision)
  }
}

/**
 * Escapes text for element content: `&`, `<`, `>` as entities, CR as
 * `&#13;`, characters XML 1.0 forbids as U+FFFD.
 *
 * @param s Any JS string (lone surrogates included).
 * @returns Text every XML 1.0 parser accepts and reads back as `s` (modulo U+FFFD).
 */
export function escapeXmlText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPABLE, escapeChar) : s;
}

function encodeInteger(n: number | bigint): string {
  if (n >= INT32_MIN && n <= INT32_MAX) return `<value><int>${n}</int></value>\n`;
  const big = BigInt(n);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new XmlRpcEncodeError(`Cannot marshal integer ${big}: outside the 64-bit range of <i8>`);
  }
  return `<value><i8>${big}</i8></value>\n`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `YYYYMMDDTHH:MM:SS` from the date's UTC fields (Python `_iso8601_format`). */
export function formatIso8601(d: Date): string {
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) {
    throw new XmlRpcEncodeError("Cannot marshal date: invalid or outside years 1..9999");
  }
  return `${pad(year, 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** Base64 in 76-character lines, each ending in `\n` (Python `base64.encodebytes`). */
function base64Lines(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x2000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  const b64 = btoa(bin);
  let out = "";
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\n`;
  return out;
}

function encodeMembers(entries: Iterable<[unknown, unknown]>, opts: EncodeOptions, depth: number): string {
  let out = "<value><struct>\n";
  for (const [k, v] of entries) {
    if (typeof k !== "string") throw new XmlRpcEncodeError("Cannot marshal struct: member names must be strings");
    out += `<member>\n<name>${escapeXmlText(k)}</name>\n${encodeAt(v, opts, depth + 1)}</member>\n`;
  }
  return `${out}</struct></value>\n`;
}

function encodeObject(v: object, opts: EncodeOptions, depth: number): string {
  if (depth > MAX_DEPTH) throw new XmlRpcEncodeError(`Cannot marshal value: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    let out = "<value><array><data>\n";
    for (const item of v) out += encodeAt(item, opts, depth + 1);
    return `${out}</data></array></value>\n`;
  }
  if (v instanceof Double) return `<value><double>${pyFloatRepr(v.value)}</double></value>\n`;
  if (v instanceof Date) return `<value><dateTime.iso8601>${formatIso8601(v)}</dateTime.iso8601></value>\n`;
  if (v instanceof Uint8Array) return `<value><base64>\n${base64Lines(v)}</base64></value>\n`;
  if (v instanceof Map) return encodeMembers(v.entries(), opts, depth);
  if (isStruct(v)) return encodeMembers(Object.entries(v), opts, depth);
  throw new XmlRpcEncodeError(`Cannot marshal ${v.constructor?.name ?? "object"} objects`);
}

function encodeAt(v: unknown, opts: EncodeOptions, depth: number): string {
  switch (typeof v) {
    case "string":
      return `<value><string>${escapeXmlText(v)}</string></value>\n`;
    case "number":
      // An integral number is an int, unless no 64-bit int could hold it (then it can only be a double).
      return Number.isInteger(v) && Math.abs(v) < 2 ** 63
        ? encodeInteger(v)
        : `<value><double>${pyFloatRepr(v)}</double></value>\n`;
    case "boolean":
      return v ? "<value><boolean>1</boolean></value>\n" : "<value><boolean>0</boolean></value>\n";
    case "bigint":
      return encodeInteger(v);
    case "object":
      if (v === null) {
        if (opts.allowNone) return "<value><nil/></value>\n";
        throw new XmlRpcEncodeError("Cannot marshal null unless allowNone is enabled");
      }
      return encodeObject(v, opts, depth);
    default:
      throw new XmlRpcEncodeError(`Cannot marshal ${typeof v} values`);
  }
}

/**
 * Encodes one value as `<value>…</value>\n`.
 *
 * @param value The value (see the model in xmlrpc_value.ts).
 * @param opts Encoder options.
 * @returns The XML fragment.
 * @throws {XmlRpcEncodeError} For values outside the model (undefined, functions, class instances, null without allowNone, cycles).
 */
export function encodeValue(value: XmlRpcValue, opts: EncodeOptions = {}): string {
  return encodeAt(value, opts, 0);
}

/**
 * Encodes a successful `methodResponse` carrying `value`.
 *
 * @example
 * ```ts
 * encodeMethodResponse("3.0");
 * // "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>3.0</string></value>\n</param>\n</params>\n</methodResponse>\n"
 * ```
 */
export function encodeMethodResponse(value: XmlRpcValue, opts: EncodeOptions = {}): string {
  return `${XML_DECL}<methodResponse>\n<params>\n<param>\n${
    encodeAt(value, opts, 0)
  }</param>\n</params>\n</methodResponse>\n`;
}

/** Encodes a fault `methodResponse` (`faultCode`, then `faultString`). */
export function encodeFault(faultCode: number, faultString: string): string {
  if (!Number.isInteger(faultCode)) throw new XmlRpcEncodeError("Cannot marshal fault: faultCode must be an integer");
  return `${XML_DECL}<methodResponse>\n<fault>\n<value><struct>\n` +
    `<member>\n<name>faultCode</name>\n${encodeInteger(faultCode)}</member>\n` +
    `<member>\n<name>faultString</name>\n<value><string>${escapeXmlText(faultString)}</string></value>\n</member>\n` +
    `</struct></value>\n</fault>\n</methodResponse>\n`;
}

/** Encodes a `methodCall` (for our own client). */
export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[], opts: EncodeOptions = {}): string {
  let out = `${XML_DECL}<methodCall>\n<methodName>${escapeXmlText(methodName)}</methodName>\n<params>\n`;
  for (const p of params) out += `<param>\n${encodeAt(p, opts, 0)}</param>\n`;
  return `${out}</params>\n</methodCall>\n`;
}
