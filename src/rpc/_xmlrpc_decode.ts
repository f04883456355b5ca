/**
 * XML-RPC reader: `methodCall` and `methodResponse` documents into the value
 * model of xmlrpc_value.ts. Strict: unknown elements, stray text between
 * elements, a missing `<data>` in an array and malformed scalars are errors
 * ({@linkcode XmlRpcParseError}). Namespace prefixes are ignored on element
 * names (`<ex:nil/>`, `<ex:i8>`), as Python's reader ignores them.
 *
 * Scalars are read as Python reads them: `int`/`i4`/`i8` with `int()` rules
 * (surrounding whitespace, sign, `_` between digits, and at most
 * {@linkcode MAX_INT_DIGITS} digits: Python 3.11's `int()` refuses more, so
 * supervisord answers such a request 400, and a huge decimal is not turned
 * into a bigint at quadratic cost); `double` with
 * `float()` rules (also `nan`, `inf`, `infinity`); `dateTime.iso8601` only as
 * `YYYYMMDDTHH:MM:SS` (Python's `strptime` format; fields read as UTC);
 * `base64` with properly padded standard alphabet, whitespace ignored.
 *
 * Dialects: `"client"` (default) reads like Python's `xmlrpc.client.loads`
 * (`boolean` must be `0` or `1`, `base64` gives bytes). `"supervisor"` reads
 * like supervisord's own request unmarshaller (supervisor/xmlrpc.py
 * `supervisor_xmlrpc_handler.loads`): `boolean` is true only for the exact
 * text `1` (`true` reads as false, SURFACE XMLRPC.request), and `base64`
 * gives the bytes decoded as UTF-8 text. One deliberate difference from
 * supervisord: `<i8>` reads as an integer there too (supervisord hands the
 * raw text to the method).
 *
 * Python counterpart: the stdlib xmlrpc.client (`Unmarshaller`, `loads`);
 * supervisor/xmlrpc.py (`supervisor_xmlrpc_handler.loads`).
 * @module
 */

import { type StartTag, XmlReader, XmlRpcParseError } from "./_xml_reader.ts";
import { Double, type XmlRpcStruct, type XmlRpcValue } from "./xmlrpc_value.ts";

export { XmlRpcParseError };

/** Options for the decoders. */
export interface DecodeOptions {
  /** Whose reading rules apply; see the module documentation. Default `"client"`. */
  dialect?: "client" | "supervisor";
}

/** A decoded `methodCall`. */
export interface MethodCall {
  /** The method name as sent (may be empty: `<methodName/>`). */
  methodName: string;
  /** The parameters; empty when `<params>` is absent. */
  params: XmlRpcValue[];
}

/** A decoded `methodResponse`: a value, or a fault. */
export type MethodResponse =
  | { fault: false; value: XmlRpcValue }
  | { fault: true; faultCode: number; faultString: string };

const MAX_DEPTH = 512;
const INT = /^[ \t\n\r\f\v]*([+-]?[0-9](?:_?[0-9])*)[ \t\n\r\f\v]*$/;

/**
 * The most digits an integer may have (sign and `_` not counted, leading
 * zeros counted): Python's `sys.get_int_max_str_digits()` default, which
 * supervisord's reader hits through `int()` (ValueError → HTTP 400).
 */
export const MAX_INT_DIGITS = 4300;
const FLOAT =
  /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;
const ISO8601 = /^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

class Decoder {
  readonly r: XmlReader;
  readonly supervisor: boolean;

  constructor(input: string | Uint8Array, opts: DecodeOptions) {
    let text: string;
    if (typeof input === "string") {
      text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    } else {
      try {
        text = utf8Strict.decode(input);
      } catch {
        throw new XmlRpcParseError("input is not valid UTF-8", 0, 1, 1);
      }
    }
    this.r = new XmlReader(text);
    this.supervisor = opts.dialect === "supervisor";
  }

  /** Reads the start tag of the next element, which must be `local`. */
  expect(local: string): StartTag {
    this.r.space();
    const tag = this.r.openTag();
    if (tag.local !== local) this.r.fail(`expected <${local}>, found <${tag.name}>`, tag.at);
    return tag;
  }

  /** Reads the text content of a leaf element whose start tag was just read. */
  leaf(tag: StartTag): string {
    if (tag.empty) return "";
    const text = this.r.text();
    this.r.closeTag(tag);
    return text;
  }

  /** Reads a `<value>` element (start tag already read). */
  value(tag: StartTag, depth: number): XmlRpcValue {
    if (tag.empty) return "";
    const before = this.r.text();
    if (this.r.atEndTag()) {
      this.r.closeTag(tag);
      return before; // <value>text</value> is a string
    }
    if (!/^[ \t\n]*$/.test(before)) this.r.fail("text mixed with an element in <value>", tag.at);
    const inner = this.r.openTag();
    const v = this.typed(inner, depth);
    this.r.space();
    this.r.closeTag(tag);
    return v;
  }

  typed(tag: StartTag, depth: number): XmlRpcValue {
    switch (tag.local) {
      case "int":
      case "i4":
      case "i8":
        return this.integer(tag);
      case "string":
        return this.leaf(tag);
      case "boolean":
        return this.boolean(tag);
      case "double":
        return this.double(tag);
      case "dateTime.iso8601":
        return this.dateTime(tag);
      case "base64":
        return this.base64(tag);
      case "nil":
        if (this.leaf(tag) !== "") this.r.fail("<nil/> must be empty", tag.at);
        return null;
      case "array":
        return this.array(tag, depth + 1);
      case "struct":
        return this.struct(tag, depth + 1);
      default:
        return this.r.fail(`unknown element <${tag.name}> in <value>`, tag.at);
    }
  }

  integer(tag: StartTag): number | bigint {
    const m = INT.exec(this.leaf(tag));
    if (m === null) return this.r.fail(`malformed integer in <${tag.name}>`, tag.at);
    const digits = (m[1] ?? "").replaceAll("_", "");
    if (digits.length < 16) return Number(digits);
    const count = digits.length - (digits[0] === "+" || digits[0] === "-" ? 1 : 0);
    if (count > MAX_INT_DIGITS) {
      return this.r.fail(`integer in <${tag.name}> has ${count} digits, more than ${MAX_INT_DIGITS}`, tag.at);
    }
    const big = BigInt(digits);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  boolean(tag: StartTag): boolean {
    const text = this.leaf(tag);
    if (this.supervisor) return text === "1"; // supervisord: anything else is false (QUIRK, replicated)
    if (text === "1") return true;
    if (text === "0") return false;
    return this.r.fail("bad boolean value", tag.at);
  }

  double(tag: StartTag): Double {
    const text = this.leaf(tag).trim();
    const special = FLOAT_SPECIAL.exec(text);
    if (special !== null) {
      const neg = special[1] === "-";
      return new Double((special[2] ?? "").toLowerCase() === "nan" ? NaN : neg ? -Infinity : Infinity);
    }
    if (!FLOAT.test(text)) return this.r.fail("malformed double", tag.at);
    return new Double(Number(text.replaceAll("_", "")));
  }

  dateTime(tag: StartTag): Date {
    const m = ISO8601.exec(this.leaf(tag));
    if (m === null) return this.r.fail("dateTime.iso8601 is not YYYYMMDDTHH:MM:SS", tag.at);
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, 0);
    const ok = y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
      date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
    if (!ok) return this.r.fail("dateTime.iso8601 is not a valid date and time", tag.at);
    return date;
  }

  base64(tag: StartTag): Uint8Array | string {
    const text = this.leaf(tag).replace(/[ \t\n\r]+/g, "");
    if (!BASE64.test(text)) return this.r.fail("malformed base64", tag.at);
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (!this.supervisor) return bytes;
    try {
      return utf8Strict.decode(bytes);
    } catch {
      return this.r.fail("base64 data is not UTF-8 text", tag.at);
    }
  }

  array(tag: StartTag, depth: number): XmlRpcValue[] {
    if (depth > MAX_DEPTH) this.r.fail(`nested deeper than ${MAX_DEPTH} levels`, tag.at);
    if (tag.empty) this.r.fail("<array> without <data>", tag.at);
    const data = this.expect("data");
    const items: XmlRpcValue[] = [];
    if (!data.empty) {
      for (this.r.space(); !this.r.atEndTag(); this.r.space()) {
        const v = this.r.openTag();
        if (v.local !== "value") this.r.fail(`expected <value>, found <${v.name}>`, v.at);
        items.push(this.value(v, depth));
      }
      this.r.closeTag(data);
    }
    this.r.space();
    this.r.closeTag(tag);
    return items;
  }

  struct(tag: StartTag, depth: number): XmlRpcStruct {
    if (depth > MAX_DEPTH) this.r.fail(`nested deeper than ${MAX_DEPTH} levels`, tag.at);
    const out: XmlRpcStruct = {};
    if (tag.empty) return out;
    for (this.r.space(); !this.r.atEndTag(); this.r.space()) {
      const member = this.r.openTag();
      if (member.local !== "member" || member.empty) {
        this.r.fail(`expected <member>, found <${member.name}>`, member.at);
      }
      const name = this.leaf(this.expect("name"));
      const value = this.value(this.expect("value"), depth);
      this.r.space();
      this.r.closeTag(member);
      // A member named "__proto__" is data, not a prototype change.
      if (name === "__proto__") {
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[name] = value;
      }
    }
    this.r.closeTag(tag);
    return out;
  }

  /** `<params>` (start tag read): the list of `<param><value>…</value></param>`. */
  params(tag: StartTag): XmlRpcValue[] {
    const params: XmlRpcValue[] = [];
    if (tag.empty) return params;
    for (this.r.space(); !this.r.atEndTag(); this.r.space()) {
      const param = this.r.openTag();
      if (param.local !== "param" || param.empty) this.r.fail(`expected <param>, found <${param.name}>`, param.at);
      params.push(this.value(this.expect("value"), 0));
      this.r.space();
      this.r.closeTag(param);
    }
    this.r.closeTag(tag);
    return params;
  }

  /** The root element, which must be `local` and not empty. */
  root(local: string): StartTag {
    this.r.prolog();
    const tag = this.r.openTag();
    if (tag.local !== local || tag.empty) this.r.fail(`expected <${local}> as the document element`, tag.at);
    return tag;
  }
}

/**
 * Decodes a `methodCall` document.
 *
 * @param input The request body (bytes are read as UTF-8) or its text.
 * @param opts `dialect: "supervisor"` for supervisord's own reading rules.
 * @returns The method name and parameters.
 * @throws {XmlRpcParseError} When the input is not well-formed XML or not a valid method call.
 */
export function decodeMethodCall(input: string | Uint8Array, opts: DecodeOptions = {}): MethodCall {
  const d = new Decoder(input, opts);
  const root = d.root("methodCall");
  const methodName = d.leaf(d.expect("methodName"));
  d.r.space();
  let params: XmlRpcValue[] = [];
  if (!d.r.atEndTag()) {
    params = d.params(d.expect("params"));
    d.r.space();
  }
  d.r.closeTag(root);
  d.r.end();
  return { methodName, params };
}

/**
 * Decodes a `methodResponse` document: exactly one value, or a fault whose
 * struct holds exactly an integer `faultCode` and a string `faultString`.
 *
 * @param input The response body (bytes are read as UTF-8) or its text.
 * @param opts Decoder options.
 * @returns The value, or the fault.
 * @throws {XmlRpcParseError} When the input is not well-formed XML or not a valid response.
 */
export function decodeMethodResponse(input: string | Uint8Array, opts: DecodeOptions = {}): MethodResponse {
  const d = new Decoder(input, opts);
  const root = d.root("methodResponse");
  d.r.space();
  const tag = d.r.openTag();
  let result: MethodResponse;
  if (tag.local === "params") {
    const params = d.params(tag);
    if (params.length !== 1) d.r.fail(`a response carries exactly one <param>, found ${params.length}`, tag.at);
    result = { fault: false, value: params[0] ?? null };
  } else if (tag.local === "fault" && !tag.empty) {
    const v = d.value(d.expect("value"), 0);
    const keys = v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [];
    const code = (v as XmlRpcStruct).faultCode;
    const text = (v as XmlRpcStruct).faultString;
    if (keys.length !== 2 || typeof code !== "number" || !Number.isInteger(code) || typeof text !== "string") {
      return d.r.fail("a fault is a struct of exactly an integer faultCode and a string faultString", tag.at);
    }
    d.r.space();
    d.r.closeTag(tag);
    result = { fault: true, faultCode: code, faultString: text };
  } else {
    return d.r.fail(`expected <params> or <fault>, found <${tag.name}>`, tag.at);
  }
  d.r.space();
  d.r.closeTag(root);
  d.r.end();
  return result;
}
