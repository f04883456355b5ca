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

import { Double, isStruct, pyFloatRepr, type XmlRpcStruct, type XmlRpcValue } from "./xmlrpc_value.ts";
import { XmlWriter } from "./_xml_writer.ts";

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

const utf8 = new TextDecoder();
/** One writer for every document: encoding is synchronous, so its buffer is free again after each call. */
const writer = new XmlWriter();

/** Runs `fn` on the shared writer and returns what it wrote as text. */
function asText(fn: (w: XmlWriter) => void): string {
  writer.reset();
  fn(writer);
  return utf8.decode(writer.buffer.subarray(0, writer.length));
}

/** Runs `fn` on the shared writer and returns a copy of the bytes it wrote. */
function asBytes(fn: (w: XmlWriter) => void): Uint8Array<ArrayBuffer> {
  writer.reset();
  fn(writer);
  return writer.take();
}

/** Encoded bytes lent from a pooled buffer: valid until `release()`, after which the buffer is reused. */
export interface LentBytes {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Gives the buffer back (once; later calls do nothing). */
  release(): void;
}

/** Writers whose buffers were given back, for the next replies (at most {@linkcode MAX_SPARE_WRITERS}). */
const spareWriters: XmlWriter[] = [];
const MAX_SPARE_WRITERS = 8;

/** Runs `fn` on a pooled writer and lends what it wrote: no copy, no new buffer once the pool is warm. */
function lent(fn: (w: XmlWriter) => void): LentBytes {
  const w = spareWriters.pop() ?? new XmlWriter();
  w.reset();
  try {
    fn(w);
  } catch (e) {
    if (spareWriters.length < MAX_SPARE_WRITERS) spareWriters.push(w);
    throw e;
  }
  let out = true;
  return {
    bytes: w.view(),
    release() {
      if (!out) return;
      out = false;
      if (spareWriters.length < MAX_SPARE_WRITERS) spareWriters.push(w);
    },
  };
}

/**
 * Escapes text for element content: `&`, `<`, `>` as entities, CR as
 * `&#13;`, characters XML 1.0 forbids as U+FFFD.
 *
 * @param s Any JS string (lone surrogates included).
 * @returns Text every XML 1.0 parser accepts and reads back as `s` (modulo U+FFFD).
 */
export function escapeXmlText(s: string): string {
  return asText((w) => w.text(s));
}

function encodeInteger(w: XmlWriter, n: number | bigint): void {
  if (n >= INT32_MIN && n <= INT32_MAX) {
    w.markup("<value><int>");
    w.integer(Number(n));
    w.markup("</int></value>\n");
    return;
  }
  const big = BigInt(n);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new XmlRpcEncodeError(`Cannot marshal integer ${big}: outside the 64-bit range of <i8>`);
  }
  w.markup(`<value><i8>${big}</i8></value>\n`);
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

function encodeMember(w: XmlWriter, k: unknown, v: unknown, opts: EncodeOptions, depth: number): void {
  if (typeof k !== "string") throw new XmlRpcEncodeError("Cannot marshal struct: member names must be strings");
  w.markup("<member>\n<name>");
  w.text(k);
  w.markup("</name>\n");
  encodeAt(w, v, opts, depth + 1);
  w.markup("</member>\n");
}

/**
 * The encodings of deeply frozen values: frozen structs of scalars, and
 * frozen arrays of scalars and such structs. They cannot change, so their
 * bytes are written once and reused.
 */
const frozenValues = new WeakMap<object, Uint8Array>();

/** True for a member or item that cannot change: a scalar, or a value already in {@linkcode frozenValues}. */
function settled(item: unknown): boolean {
  return typeof item !== "object" || (item !== null && frozenValues.has(item));
}

function encodeStruct(w: XmlWriter, v: XmlRpcStruct, opts: EncodeOptions, depth: number): void {
  const frozen = Object.isFrozen(v);
  if (frozen) {
    const done = frozenValues.get(v);
    if (done !== undefined) return w.bytes(done);
  }
  const start = w.length;
  let scalars = true;
  w.markup("<value><struct>\n");
  for (const k in v) {
    const item = v[k];
    if (typeof item === "object") scalars = false;
    encodeMember(w, k, item, opts, depth);
  }
  w.markup("</struct></value>\n");
  if (frozen && scalars) frozenValues.set(v, w.copyFrom(start));
}

function encodeArray(w: XmlWriter, v: readonly unknown[], opts: EncodeOptions, depth: number): void {
  const frozen = Object.isFrozen(v);
  if (frozen) {
    const done = frozenValues.get(v);
    if (done !== undefined) return w.bytes(done);
  }
  const start = w.length;
  w.markup("<value><array><data>\n");
  for (const item of v) encodeAt(w, item, opts, depth + 1);
  w.markup("</data></array></value>\n");
  if (frozen && v.every(settled)) frozenValues.set(v, w.copyFrom(start));
}

function encodeObject(w: XmlWriter, v: object, opts: EncodeOptions, depth: number): void {
  if (depth > MAX_DEPTH) throw new XmlRpcEncodeError(`Cannot marshal value: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    encodeArray(w, v, opts, depth);
  } else if (v instanceof Double) {
    w.markup(`<value><double>${pyFloatRepr(v.value)}</double></value>\n`);
  } else if (v instanceof Date) {
    w.markup(`<value><dateTime.iso8601>${formatIso8601(v)}</dateTime.iso8601></value>\n`);
  } else if (v instanceof Uint8Array) {
    w.markup(`<value><base64>\n${base64Lines(v)}</base64></value>\n`);
  } else if (v instanceof Map) {
    w.markup("<value><struct>\n");
    for (const [k, item] of v) encodeMember(w, k, item, opts, depth);
    w.markup("</struct></value>\n");
  } else if (isStruct(v)) {
    encodeStruct(w, v, opts, depth);
  } else {
    throw new XmlRpcEncodeError(`Cannot marshal ${v.constructor?.name ?? "object"} objects`);
  }
}

function encodeAt(w: XmlWriter, v: unknown, opts: EncodeOptions, depth: number): void {
  switch (typeof v) {
    case "string":
      w.markup("<value><string>");
      w.text(v);
      w.markup("</string></value>\n");
      return;
    case "number":
      // An integral number is an int, unless no 64-bit int could hold it (then it can only be a double).
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) encodeInteger(w, v);
      else w.markup(`<value><double>${pyFloatRepr(v)}</double></value>\n`);
      return;
    case "boolean":
      w.markup(v ? "<value><boolean>1</boolean></value>\n" : "<value><boolean>0</boolean></value>\n");
      return;
    case "bigint":
      return encodeInteger(w, v);
    case "object":
      if (v === null) {
        if (!opts.allowNone) throw new XmlRpcEncodeError("Cannot marshal null unless allowNone is enabled");
        w.markup("<value><nil/></value>\n");
        return;
      }
      return encodeObject(w, v, opts, depth);
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
  return asText((w) => encodeAt(w, value, opts, 0));
}

function writeResponse(w: XmlWriter, value: XmlRpcValue, opts: EncodeOptions): void {
  w.markup(`${XML_DECL}<methodResponse>\n<params>\n<param>\n`);
  encodeAt(w, value, opts, 0);
  w.markup("</param>\n</params>\n</methodResponse>\n");
}

function writeFault(w: XmlWriter, faultCode: number, faultString: string): void {
  if (!Number.isInteger(faultCode)) throw new XmlRpcEncodeError("Cannot marshal fault: faultCode must be an integer");
  w.markup(`${XML_DECL}<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n`);
  encodeInteger(w, faultCode);
  w.markup("</member>\n<member>\n<name>faultString</name>\n<value><string>");
  w.text(faultString);
  w.markup("</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n");
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
  return asText((w) => writeResponse(w, value, opts));
}

/** {@linkcode encodeMethodResponse} as UTF-8 bytes, written without intermediate strings. */
export function encodeMethodResponseBytes(value: XmlRpcValue, opts: EncodeOptions = {}): Uint8Array<ArrayBuffer> {
  return asBytes((w) => writeResponse(w, value, opts));
}

/** {@linkcode encodeMethodResponse} as UTF-8 bytes lent from a pooled buffer (see {@linkcode LentBytes}). */
export function lendMethodResponse(value: XmlRpcValue, opts: EncodeOptions = {}): LentBytes {
  return lent((w) => writeResponse(w, value, opts));
}

/** {@linkcode encodeFault} as UTF-8 bytes lent from a pooled buffer (see {@linkcode LentBytes}). */
export function lendFault(faultCode: number, faultString: string): LentBytes {
  return lent((w) => writeFault(w, faultCode, faultString));
}

/** Encodes a fault `methodResponse` (`faultCode`, then `faultString`). */
export function encodeFault(faultCode: number, faultString: string): string {
  return asText((w) => writeFault(w, faultCode, faultString));
}

/** {@linkcode encodeFault} as UTF-8 bytes. */
export function encodeFaultBytes(faultCode: number, faultString: string): Uint8Array<ArrayBuffer> {
  return asBytes((w) => writeFault(w, faultCode, faultString));
}

/** Encodes a `methodCall` (for our own client). */
export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[], opts: EncodeOptions = {}): string {
  return asText((w) => {
    w.markup(`${XML_DECL}<methodCall>\n<methodName>`);
    w.text(methodName);
    w.markup("</methodName>\n<params>\n");
    for (const p of params) {
      w.markup("<param>\n");
      encodeAt(w, p, opts, 0);
      w.markup("</param>\n");
    }
    w.markup("</params>\n</methodCall>\n");
  });
}
