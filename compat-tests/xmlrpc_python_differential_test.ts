/**
 * Differential test of the XML-RPC codec against Python's `xmlrpc.client`
 * (the module supervisord and supervisorctl use): values we encode are read
 * by Python's `loads`, and values Python's `dumps` writes are read by us,
 * over a hand-picked corpus and a seeded random one. Values travel to and
 * from Python in a tagged JSON form (`{"int": "5"}`, `{"dict": [[k, v]]}`).
 *
 * Expected differences, asserted as such: strings we send have the
 * characters XML 1.0 forbids replaced by U+FFFD (SURFACE XMLRPC.badtext
 * decision), and integers beyond 32 bits travel as `<i8>` (XMLRPC.int32).
 *
 * Python counterpart: the stdlib xmlrpc.client (`dumps`, `loads`).
 * @module
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { hasPython, runPython } from "./_python.ts";
import {
  decodeMethodCall,
  decodeMethodResponse,
  Double,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  type XmlRpcValue,
} from "../src/rpc/xmlrpc_codec.ts";
import { formatIso8601 } from "../src/rpc/xmlrpc_codec.ts";
import { pyFloatRepr } from "../src/rpc/xmlrpc_value.ts";

type Tagged =
  | { int: string }
  | { bool: boolean }
  | { str: string }
  | { float: string }
  | { bytes: string }
  | { dt: string }
  | { list: Tagged[] }
  | { dict: [string, Tagged][] }
  | { nil: null };

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function tag(v: XmlRpcValue): Tagged {
  if (v === null) return { nil: null };
  if (typeof v === "boolean") return { bool: v };
  if (typeof v === "bigint") return { int: v.toString() };
  if (typeof v === "number") {
    return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? { int: BigInt(v).toString() } : { float: pyFloatRepr(v) };
  }
  if (typeof v === "string") return { str: v };
  if (v instanceof Double) return { float: pyFloatRepr(v.value) };
  if (v instanceof Uint8Array) return { bytes: b64(v) };
  if (v instanceof Date) return { dt: formatIso8601(v) };
  if (Array.isArray(v)) return { list: v.map(tag) };
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return { dict: entries.map(([k, x]) => [k, tag(x)]) };
}

/** XML 1.0 `Char`, defined here independently of the codec. */
function xmlChar(cp: number): boolean {
  return cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    cp >= 0x10000;
}

/** What a string becomes on our wire: every non-XML character replaced by U+FFFD. */
function wireString(s: string): string {
  let out = "";
  for (const ch of s) {
    out += xmlChar(ch.codePointAt(0) ?? 0) && !(ch.length === 1 && /[\ud800-\udfff]/.test(ch)) ? ch : "\ufffd";
  }
  return out;
}

function wireTag(t: Tagged): Tagged {
  if ("str" in t) return { str: wireString(t.str) };
  if ("list" in t) return { list: t.list.map(wireTag) };
  if ("dict" in t) return { dict: t.dict.map(([k, x]) => [wireString(k), wireTag(x)]) };
  return t;
}

const PY_PRELUDE = `
import base64, datetime, xmlrpc.client as X
def tag(v):
    if v is None: return {'nil': None}
    if isinstance(v, bool): return {'bool': v}
    if isinstance(v, int): return {'int': str(v)}
    if isinstance(v, float): return {'float': repr(v)}
    if isinstance(v, str): return {'str': v}
    if isinstance(v, bytes): return {'bytes': base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime):
        return {'dt': '%04d%02d%02dT%02d:%02d:%02d' % (v.year, v.month, v.day, v.hour, v.minute, v.second)}
    if isinstance(v, list): return {'list': [tag(x) for x in v]}
    if isinstance(v, dict): return {'dict': [[k, tag(x)] for k, x in v.items()]}
    raise TypeError(type(v))
def untag(t):
    (k, v), = t.items()
    if k == 'int': return int(v)
    if k == 'float': return float(v)
    if k == 'bytes': return base64.b64decode(v)
    if k == 'dt': return datetime.datetime.strptime(v, '%Y%m%dT%H:%M:%S')
    if k == 'list': return [untag(x) for x in v]
    if k == 'dict': return {key: untag(x) for key, x in v}
    return v
def attempt(fn):
    try: return {'ok': fn()}
    except Exception as e: return {'err': type(e).__name__}
`;

const STRINGS = [
  "",
  "plain",
  `<&>"' ]]> &amp;`,
  "\t\n",
  "\r\n and \r alone",
  "  padded  ",
  "é ✓ 😀 \u2028 \u0085 \x7f",
  "\x00\x01\x08\x0b\x0c\x0e\x1b[31mred\x1b[0m\x1f",
  "\ufffe\uffff",
  "lone \ud800 high, lone \udc00 low, pair \ud83d\ude00",
];

const CORPUS: XmlRpcValue[] = [
  0,
  1,
  -1,
  2147483647,
  -2147483648,
  2147483648,
  -2147483649,
  2 ** 53 + 2,
  2n ** 63n - 1n,
  -(2n ** 63n),
  true,
  false,
  ...STRINGS,
  new Double(0),
  new Double(-0),
  1.5,
  new Double(1e16),
  1e-5,
  new Double(123456789),
  NaN,
  Infinity,
  -Infinity,
  5e-324,
  1.7976931348623157e308,
  0.1 + 0.2,
  new Uint8Array(0),
  new Uint8Array([104, 105]),
  Uint8Array.from({ length: 256 }, (_, i) => i),
  new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  new Date(Date.UTC(9999, 11, 31, 23, 59, 59)),
  (() => {
    const d = new Date(0);
    d.setUTCFullYear(1, 0, 1);
    return d;
  })(),
  null,
  [],
  {},
  [[], [[]], [{}]],
  { name: "x", "<k&>": 1, "é": [true, null], "": "", ["__proto__"]: "data" },
  new Map<string, XmlRpcValue>([["b", 1], ["10", 2], ["a", [STRINGS[7] ?? ""]]]),
  STRINGS,
];

/** Seeded random values over every type, nested up to depth 4. */
function fuzzValues(count: number, seed: number, int32Only: boolean): XmlRpcValue[] {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const alphabet = [..."ab <>&;\"'\t\n\r]é✓", "😀", "\x01", "\x1b", "\ud800", "\ufffe", "&amp;", "]]>"];
  const str = () => Array.from({ length: next() % 8 }, () => alphabet[next() % alphabet.length]).join("");
  const value = (depth: number): XmlRpcValue => {
    switch (next() % (depth > 3 ? 7 : 9)) {
      case 0:
        return int32Only ? (next() | 0) : (next() % 2 ? next() * 2 ** 21 + next() : -(next() | 0));
      case 1:
        return next() % 2 === 0;
      case 2:
      case 3:
        return str();
      case 4:
        return new Double((next() - 2 ** 31) / (next() + 1));
      case 5:
        return Uint8Array.from({ length: next() % 80 }, () => next() & 0xff);
      case 6:
        return new Date(
          Date.UTC(1 + (next() % 9000), next() % 12, 1 + (next() % 28), next() % 24, next() % 60, next() % 60),
        );
      case 7:
        return Array.from({ length: next() % 4 }, () => value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: next() % 4 }, () => [`k${str()}`, value(depth + 1)]));
    }
  };
  return Array.from({ length: count }, () => value(0));
}

const ignore = !hasPython;

Deno.test({
  name:
    "[XMLRPC.response,XMLRPC.escape,XMLRPC.badtext,XMLRPC.int32] what we encode, Python's xmlrpc.client reads back equal",
  ignore,
  fn() {
    const values = [...CORPUS, ...fuzzValues(300, 0x5eed, false)];
    const docs = values.map((v) => ({
      resp: encodeMethodResponse(v, { allowNone: true }),
      call: encodeMethodCall("system.m\u00e9thod", [v, "second"], { allowNone: true }),
    }));
    const got = runPython(
      PY_PRELUDE + `
out = []
for d in INPUT:
    r = attempt(lambda: tag(X.loads(d['resp'], use_builtin_types=True)[0][0]))
    c = attempt(lambda: (lambda p: [p[1], [tag(x) for x in p[0]]])(X.loads(d['call'], use_builtin_types=True)))
    out.append([r, c])
emit(out)
`,
      docs,
    ) as [{ ok?: Tagged; err?: string }, { ok?: [string, Tagged[]]; err?: string }][];
    values.forEach((v, i) => {
      const want = wireTag(tag(v));
      assertEquals(got[i]?.[0], { ok: want }, `response #${i}: ${docs[i]?.resp}`);
      assertEquals(got[i]?.[1], { ok: ["system.m\u00e9thod", [want, { str: "second" }]] }, `call #${i}`);
    });
  },
});

Deno.test({
  name: "[XMLRPC.fault] faults we encode are Python Faults with the same code and text",
  ignore,
  fn() {
    const faults: [number, string][] = [[10, "BAD_NAME: nosuch"], [2, "INCORRECT_PARAMETERS: <b>&\x01"], [30, ""]];
    const got = runPython(
      PY_PRELUDE + `
out = []
for xml in INPUT:
    try: X.loads(xml); out.append(None)
    except X.Fault as f: out.append([f.faultCode, f.faultString])
emit(out)
`,
      faults.map(([c, s]) => encodeFault(c, s)),
    );
    assertEquals(got, faults.map(([c, s]) => [c, wireString(s)]));
  },
});

Deno.test({
  name: "[XMLRPC.request] what Python's dumps writes we read as Python's own loads does",
  ignore,
  fn() {
    // Python cannot write integers beyond 32 bits; a Map is only for our ordered encoding.
    const values = [...CORPUS, ...fuzzValues(300, 0xbeef, true)].filter((v) =>
      !(typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v) && (v | 0) !== v) || v instanceof Map)
    );
    const got = runPython(
      PY_PRELUDE + `
out = []
for t in INPUT:
    v = untag(t)
    resp = X.dumps((v,), methodresponse=True, allow_none=True)
    call = X.dumps((v, 'x'), 'a.b', allow_none=True)
    out.append({'resp': resp, 'call': call, 'own': attempt(lambda: tag(X.loads(resp, use_builtin_types=True)[0][0]))})
faults = [X.dumps(X.Fault(c, s)) for c, s in [(10, 'BAD_NAME: x'), (92, 'CANT_REREAD: <&>\\n')]]
emit({'values': out, 'faults': faults})
`,
      values.map(tag),
    ) as { values: { resp: string; call: string; own: { ok?: Tagged; err?: string } }[]; faults: string[] };
    got.values.forEach((py, i) => {
      const ours = (fn: () => Tagged) => {
        try {
          return { ok: fn() };
        } catch {
          return { err: "rejected" };
        }
      };
      const expected = py.own.ok !== undefined ? py.own : { err: "rejected" };
      const resp = ours(() => {
        const r = decodeMethodResponse(py.resp);
        if (r.fault) throw new Error("fault");
        return tag(r.value);
      });
      assertEquals(resp, expected, `#${i} ${py.resp}`);
      const call = ours(() => {
        const params = decodeMethodCall(py.call).params;
        if (params.length !== 2) throw new Error("params");
        return tag(params[0] as XmlRpcValue);
      });
      assertEquals(call, expected, `#${i} call`);
    });
    assertEquals(got.faults.map((x) => decodeMethodResponse(x)), [
      { fault: true, faultCode: 10, faultString: "BAD_NAME: x" },
      { fault: true, faultCode: 92, faultString: "CANT_REREAD: <&>\n" },
    ]);
  },
});
