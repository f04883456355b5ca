/**
 * Cross-check of the XML-RPC codec against an independent implementation,
 * the npm `xmlrpc` package (1.3.2, a devDependency): our decoder reads what
 * its serializer writes (no whitespace between elements, CDATA for strings
 * holding `<`, `&` or `]]>`, `<string/>`, `<data/>`, local-time dates), and
 * its sax-based deserializer reads what our encoder writes.
 *
 * Python counterpart: none (an independent implementation is the oracle).
 * @module
 */

import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { createRequire } from "node:module";
import { PassThrough } from "node:stream";
import { Buffer } from "node:buffer";
import {
  decodeMethodCall,
  decodeMethodResponse,
  Double,
  encodeFault,
  encodeMethodResponse,
  type XmlRpcValue,
} from "../src/rpc/xmlrpc_codec.ts";

const require = createRequire(import.meta.url);
const serializer = require("xmlrpc/lib/serializer.js") as {
  serializeMethodCall(method: string, params: unknown[]): string;
  serializeMethodResponse(value: unknown): string;
  serializeFault(fault: unknown): string;
};
const Deserializer = require("xmlrpc/lib/deserializer.js") as new () => {
  deserializeMethodResponse(stream: PassThrough, cb: (err: unknown, value: unknown) => void): void;
};

const STRINGS = ["", "plain", "a<b", "x & y", "]]>", "x<&]]>y]]>", "é ✓ 😀", "tab\tnl\n", `q"uo'te`];

Deno.test("[XMLRPC.request] our decoder reads the npm xmlrpc serializer's method calls", () => {
  const local = new Date(2024, 0, 2, 3, 4, 5); // npm writes local-time fields; we read fields as UTC
  const params: unknown[] = [
    ...STRINGS,
    0,
    -17,
    2 ** 40,
    1.5,
    -0.25,
    true,
    false,
    null,
    local,
    Buffer.from([0, 1, 2, 253, 254, 255]),
    [],
    [1, [2, ["x"]]],
    {},
    { a: { b: [] }, "k<&>": "v" },
  ];
  const xml = serializer.serializeMethodCall("supervisor.startProcess", params);
  const got = decodeMethodCall(xml);
  equal(got.methodName, "supervisor.startProcess");
  const want: XmlRpcValue[] = params.map((p) => {
    if (p === local) return new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    if (p instanceof Buffer) return new Uint8Array(p);
    if (typeof p === "number" && !Number.isInteger(p)) return new Double(p);
    return p as XmlRpcValue;
  });
  assertEquals(got.params, want);
});

Deno.test("[XMLRPC.fault] our decoder reads the npm serializer's responses and faults", () => {
  for (const value of [...STRINGS, 42, [1, "a"], { statecode: 1, statename: "RUNNING" }]) {
    assertEquals(decodeMethodResponse(serializer.serializeMethodResponse(value)), { fault: false, value });
  }
  assertEquals(decodeMethodResponse(serializer.serializeFault({ faultCode: 10, faultString: "BAD_NAME: x" })), {
    fault: true,
    faultCode: 10,
    faultString: "BAD_NAME: x",
  });
});

function npmDecode(xml: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    new Deserializer().deserializeMethodResponse(stream, (err, value) => (err ? reject(err) : resolve(value)));
    stream.end(xml);
  });
}

Deno.test("[XMLRPC.response] the npm deserializer reads what our encoder writes", async () => {
  const info = {
    name: "web",
    group: "web",
    start: 1795579568,
    state: 20,
    statename: "RUNNING",
    spawnerr: "",
    description: "pid 11041, uptime 0:00:09",
  };
  for (
    const value of [...STRINGS, "cr\r\nlf", 7, -2147483648, true, false, 2.5, [], {}, [info, info], { nested: [[{}]] }]
  ) {
    assertEquals(await npmDecode(encodeMethodResponse(value)), value);
  }
  assertEquals(await npmDecode(encodeMethodResponse(new Uint8Array([104, 105]))), Buffer.from("hi"));
  const fault = await npmDecode(encodeFault(2, "INCORRECT_PARAMETERS: <&>")).catch((e) => e) as {
    faultCode?: number;
    faultString?: string;
  };
  equal(fault.faultCode, 2);
  equal(fault.faultString, "INCORRECT_PARAMETERS: <&>");
});
