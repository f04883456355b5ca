import { deepStrictEqual as assertEquals, equal, ok, throws } from "node:assert/strict";
import {
  decodeMethodCall,
  decodeMethodResponse,
  Double,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  encodeMethodResponseBytes,
  encodeValue,
  escapeXmlText,
  MAX_INT_DIGITS,
  XmlRpcEncodeError,
  XmlRpcParseError,
  type XmlRpcValue,
} from "./xmlrpc_codec.ts";

const call = (params: string, name = "m.n") =>
  `<?xml version='1.0'?>\n<methodCall>\n<methodName>${name}</methodName>\n<params>\n${params}</params>\n</methodCall>\n`;
const param = (value: string) => `<param>\n<value>${value}</value>\n</param>\n`;
const one = (value: string, dialect: "client" | "supervisor" = "client") =>
  decodeMethodCall(call(param(value)), { dialect }).params[0];
const rejects = (xml: string, pattern: RegExp) =>
  throws(() => decodeMethodCall(xml), (e: unknown) => e instanceof XmlRpcParseError && pattern.test(e.message));

Deno.test("[XMLRPC.response,XMLRPC.fault] encoders write Python's dumps layout byte for byte", () => {
  // Both samples were produced by /usr/bin/python3 xmlrpc.client.dumps and appear in SURFACE A.4.
  equal(
    encodeFault(10, "BAD_NAME: nosuch"),
    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n" +
      "<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n" +
      "<value><string>BAD_NAME: nosuch</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
  );
  equal(encodeFault(10, "BAD_NAME: nosuch").length, 272); // Content-Length observed in A.4
  equal(
    encodeMethodCall("supervisor.getVersion", []),
    "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getVersion</methodName>\n<params>\n</params>\n" +
      "</methodCall>\n",
  );
  equal(
    encodeMethodResponse({ a: [1, true, "s", 1.5, [], {}, ""] }),
    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>a</name>\n" +
      "<value><array><data>\n<value><int>1</int></value>\n<value><boolean>1</boolean></value>\n" +
      "<value><string>s</string></value>\n<value><double>1.5</double></value>\n" +
      "<value><array><data>\n</data></array></value>\n<value><struct>\n</struct></value>\n" +
      "<value><string></string></value>\n</data></array></value>\n</member>\n</struct></value>\n</param>\n</params>\n" +
      "</methodResponse>\n",
  );
});

Deno.test("[XMLRPC.escape,XMLRPC.badtext] strings escape &, <, > only; CR is a reference; forbidden characters become U+FFFD", () => {
  equal(escapeXmlText(`a&b<c>d"e'f`), `a&amp;b&lt;c&gt;d"e'f`);
  equal(escapeXmlText("\t\n"), "\t\n");
  equal(escapeXmlText("x\ry"), "x&#13;y");
  equal(escapeXmlText("\x1b[31mred\x00"), "\ufffd[31mred\ufffd");
  equal(escapeXmlText("\ud800 lone, pair \ud83d\ude00 kept, \ufffe"), "\ufffd lone, pair \ud83d\ude00 kept, \ufffd");
  equal(escapeXmlText("héllo ✓"), "héllo ✓"); // non-ASCII stays raw
  equal(one(encodeValue("line1\r\nline2\r").slice(7, -9)), "line1\r\nline2\r");
});

Deno.test("[XMLRPC.int32] integers: <int> within 32 bits, <i8> beyond; a bigint beyond 64 bits is refused", () => {
  equal(encodeValue(2147483647), "<value><int>2147483647</int></value>\n");
  equal(encodeValue(-2147483648), "<value><int>-2147483648</int></value>\n");
  equal(encodeValue(2147483648), "<value><i8>2147483648</i8></value>\n");
  equal(encodeValue(2n ** 63n - 1n), "<value><i8>9223372036854775807</i8></value>\n");
  equal(encodeValue(-0), "<value><int>0</int></value>\n");
  throws(() => encodeValue(2n ** 63n), XmlRpcEncodeError);
  equal(encodeValue(1e300), "<value><double>1e+300</double></value>\n"); // no int can hold it
  equal(encodeValue(2 ** 62), "<value><i8>4611686018427387904</i8></value>\n");
});

Deno.test("encodeValue() writes doubles as Python's repr, bytes as encodebytes lines, dates as YYYYMMDDTHH:MM:SS", () => {
  equal(encodeValue(new Double(1)), "<value><double>1.0</double></value>\n");
  equal(encodeValue(NaN), "<value><double>nan</double></value>\n");
  equal(encodeValue(new Double(1e16)), "<value><double>1e+16</double></value>\n");
  equal(encodeValue(new Uint8Array([104, 105])), "<value><base64>\naGk=\n</base64></value>\n");
  const long = encodeValue(new Uint8Array(100).fill(97));
  equal(long.split("\n")[1]?.length, 76);
  equal(
    encodeValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))),
    "<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>\n",
  );
  equal(
    encodeValue(new Map([["b", 1], ["10", 2]])).indexOf("<name>b</name>") <
      encodeValue(new Map([["b", 1], ["10", 2]])).indexOf("<name>10</name>"),
    true,
  );
});

Deno.test("[XMLRPC.nil] null is refused unless allowNone; other non-values are refused", () => {
  throws(() => encodeMethodResponse(null), XmlRpcEncodeError);
  equal(encodeValue(null, { allowNone: true }), "<value><nil/></value>\n");
  throws(() => encodeValue(undefined as unknown as XmlRpcValue), XmlRpcEncodeError);
  throws(() => encodeValue(new (class Foo {})() as unknown as XmlRpcValue), /Foo/);
  const cyclic: XmlRpcValue[] = [];
  cyclic.push(cyclic);
  throws(() => encodeValue(cyclic), /nested deeper/);
});

Deno.test("decode(encode(v)) is the identity over the value model", () => {
  const v: XmlRpcValue = {
    int: 7,
    big: 2n ** 62n,
    safe: 2 ** 40,
    neg: -5,
    t: true,
    f: false,
    s: "a <b> & 'c' \"d\" \r\n\t é 😀",
    empty: "",
    d: new Double(2),
    d2: new Double(-0.5),
    bytes: new Uint8Array([0, 1, 254, 255]),
    date: new Date(Date.UTC(1999, 11, 31, 23, 59, 58)),
    arr: [[], [[1]], {}],
    nil: null,
    ["__proto__"]: "member, not prototype",
  };
  const back = decodeMethodResponse(encodeMethodResponse(v, { allowNone: true }));
  assertEquals(back, { fault: false, value: v });
  assertEquals(decodeMethodResponse(encodeFault(2, "INCORRECT_PARAMETERS")), {
    fault: true,
    faultCode: 2,
    faultString: "INCORRECT_PARAMETERS",
  });
});

Deno.test("a frozen struct of scalars is encoded once; its bytes are reused, byte for byte", () => {
  let reads = 0;
  const info = Object.freeze({
    name: "a&b",
    get pid() {
      reads++;
      return 7;
    },
  });
  const once = encodeMethodResponseBytes([info, info]);
  equal(reads, 1, "the second occurrence reuses the first encoding");
  assertEquals(
    new TextDecoder().decode(once),
    encodeMethodResponse([{ name: "a&b", pid: 7 }, { name: "a&b", pid: 7 }]),
  );
  const list = Object.freeze([info, 3]) as unknown as XmlRpcValue;
  const whole = encodeMethodResponseBytes(list);
  equal(new TextDecoder().decode(encodeMethodResponseBytes(list)), new TextDecoder().decode(whole));
  equal(reads, 1, "a frozen list of frozen structs and scalars is reused whole");
  const open = { n: 1 };
  equal(encodeValue(open), encodeValue(open));
  open.n = 2;
  equal(
    encodeValue(open),
    "<value><struct>\n<member>\n<name>n</name>\n<value><int>2</int></value>\n</member>\n</struct></value>\n",
  );
  const nested = Object.freeze({ list: [1] });
  encodeValue(nested);
  nested.list.push(2);
  equal(encodeValue(nested).includes("<int>2</int>"), true, "a frozen struct holding objects is not reused");
});

Deno.test("[XMLRPC.request] decodeMethodCall() reads every scalar type as Python does", () => {
  equal(one("<int> +1_000 </int>"), 1000);
  equal(one("<i4>-3</i4>"), -3);
  equal(one("<i8>123456789012345678901</i8>"), 123456789012345678901n);
  equal(one("<ex:i8>5</ex:i8>"), 5);
  equal(one("<boolean>1</boolean>"), true);
  equal(one("<string></string>"), "");
  equal(one("<string/>"), "");
  equal(one("bare &lt;text&gt;"), "bare <text>");
  equal(one(""), "");
  assertEquals(one("<double> 1_0.5e1 </double>"), new Double(105));
  assertEquals(one("<double>-Infinity</double>"), new Double(-Infinity));
  assertEquals(
    one("<dateTime.iso8601>20240229T23:59:59</dateTime.iso8601>"),
    new Date(Date.UTC(2024, 1, 29, 23, 59, 59)),
  );
  assertEquals(one("<base64>\naGk=\n</base64>"), new Uint8Array([104, 105]));
  equal(one("<nil/>"), null);
  assertEquals(one("<array><data/></array>"), []);
  assertEquals(one("<struct/>"), {});
  assertEquals(decodeMethodCall("<methodCall><methodName>x.y</methodName></methodCall>"), {
    methodName: "x.y",
    params: [],
  });
});

Deno.test("[XMLRPC.request] an integer of more than 4,300 digits is refused, as Python 3.11's int() refuses it", () => {
  equal(MAX_INT_DIGITS, 4300);
  const max = "9".repeat(MAX_INT_DIGITS);
  equal(one(`<int>${max}</int>`), BigInt(max));
  equal(one(`<i4>-${max}</i4>`), -BigInt(max));
  equal(one(`<int>2147483648</int>`), 2147483648); // beyond 32 bits is still read, as Python reads it
  equal(one(`<int>${"1_".repeat(2150)}1</int>`), BigInt("1".repeat(2151))); // underscores are not digits
  for (const text of ["9".repeat(4301), `+${"0".repeat(4300)}1`, "9".repeat(5000)]) {
    for (const t of ["int", "i4", "i8"]) {
      rejects(call(param(`<${t}>${text}</${t}>`)), /more than 4300/);
      throws(() => decodeMethodCall(call(param(`<${t}>${text}</${t}>`)), { dialect: "supervisor" }), /more than 4300/);
    }
  }
});

Deno.test("[XMLRPC.request] the supervisor dialect: boolean is true only for '1'; base64 is UTF-8 text", () => {
  equal(one("<boolean>true</boolean>", "supervisor"), false);
  equal(one("<boolean>1</boolean>", "supervisor"), true);
  equal(one("<base64>aMOp</base64>", "supervisor"), "hé");
  assertEquals(one("<base64>/w==</base64>"), new Uint8Array([255]));
  throws(() => decodeMethodCall(call(param("<base64>/w==</base64>")), { dialect: "supervisor" }), /not UTF-8/);
  throws(() => one("<boolean>true</boolean>"), /bad boolean/);
});

Deno.test("decodeMethodCall() handles entities, character references, CDATA, comments and line ends", () => {
  equal(one("<string>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;&#13;</string>"), "<>&\"'A😀\r");
  equal(one("<string><![CDATA[<raw> & ]]>x</string>"), "<raw> & x");
  equal(one("<string>a<!-- c -->b<?pi x?>c</string>"), "abc");
  equal(one("<string>a\r\nb\rc</string>"), "a\nb\nc");
  equal(
    decodeMethodCall(
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi -->\n' + call("").slice(22) + "<!-- end -->",
    )
      .methodName,
    "m.n",
  );
  equal(decodeMethodCall(new TextEncoder().encode(call(param("<string>é</string>")))).params[0], "é");
});

Deno.test("decodeMethodCall() rejects DOCTYPE, entity declarations and malformed XML with a clear error", () => {
  rejects("<?xml version='1.0'?><!DOCTYPE m [<!ENTITY a 'b'>]><methodCall/>", /DOCTYPE/);
  rejects(call(param("<string>&a;</string>")), /undefined or malformed entity/);
  rejects(call(param("<string>a & b</string>")), /entity/);
  rejects(call(param("<string>&#1;</string>")), /not allowed in XML/);
  rejects(call(param("<string>\x01</string>")), /character not allowed/);
  rejects(call(param("<string>x</strin>")), /expected <\/string>/);
  rejects(call(param("<foo>1</foo>")), /unknown element <foo>/);
  rejects(call(param("<int>1.5</int>")), /malformed integer/);
  rejects(call(param("<array><value>1</value></array>")), /expected <data>/);
  rejects(call(param("<dateTime.iso8601>20240230T00:00:00</dateTime.iso8601>")), /valid date/);
  rejects(call(param("<base64>aGk</base64>")), /malformed base64/);
  rejects(call(param("<string>a</string>")) + "junk", /after the document element/);
  rejects("<methodCall><methodName>x</methodName>text<params/></methodCall>", /unexpected text/);
  rejects("<methodResponse/>", /expected <methodCall>/);
  rejects("<methodCall><methodName>x</methodName>", /unexpected end of input|missing/);
  rejects("<methodCall><!-- a -- b --><methodName>x</methodName></methodCall>", /--/);
  rejects("<methodCall a='1' a='2'><methodName>x</methodName></methodCall>", /duplicate attribute/);
  rejects(" <?xml version='1.0'?><methodCall/>", /XML declaration not at the start/);
  throws(() => decodeMethodCall(new Uint8Array([0x3c, 0xff])), /not valid UTF-8/);
  const deep = "<value><array><data>".repeat(600) + "</data></array></value>".repeat(600);
  rejects(call(`<param>\n${deep}</param>\n`), /nested deeper/);
});

Deno.test("XmlRpcParseError carries line and column", () => {
  try {
    decodeMethodCall("<methodCall>\n<methodName>x</methodName>\n<params>\n<bogus/>");
    ok(false);
  } catch (e) {
    ok(e instanceof XmlRpcParseError && e instanceof SyntaxError);
    equal(e.line, 4);
    equal(e.column, 1);
    equal(e.reason, "expected <param>, found <bogus>");
  }
});

Deno.test("decodeMethodResponse() requires one value or a well-formed fault", () => {
  const resp = (inner: string) => `<methodResponse>${inner}</methodResponse>`;
  throws(() => decodeMethodResponse(resp("<params></params>")), /exactly one <param>/);
  throws(() => decodeMethodResponse(resp("<params>" + param("1") + param("2") + "</params>")), /exactly one/);
  throws(
    () => decodeMethodResponse(resp("<fault><value><struct></struct></value></fault>")),
    /faultCode and a string faultString/,
  );
  assertEquals(decodeMethodResponse(resp("<params>" + param("<int>3</int>") + "</params>")), {
    fault: false,
    value: 3,
  });
});
