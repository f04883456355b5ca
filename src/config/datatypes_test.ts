import assert from "node:assert/strict";
import {
  autoRestart,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  exitCodes,
  inetAddress,
  integer,
  listOfStrings,
  logLevel,
  octalType,
  processOrGroupName,
} from "./datatypes.ts";

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, { name: "ValueConversionError", message });
}

Deno.test("boolean() accepts the yes/no spellings in any case", () => {
  for (const s of ["yes", "TRUE", "On", "1"]) assert.equal(boolean(s), true, s);
  for (const s of ["no", "False", "OFF", "0"]) assert.equal(boolean(s), false, s);
  rejects(() => boolean(""), "not a valid boolean value: ''");
  rejects(() => boolean("t"), "not a valid boolean value: 't'");
  rejects(() => boolean(" yes"), "not a valid boolean value: ' yes'");
});

Deno.test("integer() follows Python int()", () => {
  assert.equal(integer(" 42\n"), 42);
  assert.equal(integer("-1_000"), -1000);
  assert.equal(integer("+007"), 7);
  assert.equal(integer("١٢"), 12);
  rejects(() => integer("0x1f"), "invalid literal for int() with base 10: '0x1f'");
  rejects(() => integer("1.5"), "invalid literal for int() with base 10: '1.5'");
  rejects(() => integer("1__0"), "invalid literal for int() with base 10: '1__0'");
  rejects(() => integer(""), "invalid literal for int() with base 10: ''");
});

Deno.test("integer() cuts the quoted value to 200 characters, as CPython does", () => {
  const long = "x".repeat(300);
  rejects(() => integer(long), "invalid literal for int() with base 10: '" + "x".repeat(199));
});

Deno.test("byteSize() multiplies KB, MB and GB suffixes", () => {
  assert.equal(byteSize("50MB"), 52428800);
  assert.equal(byteSize(" 5 MB"), 5242880);
  assert.equal(byteSize("1gb"), 1073741824);
  assert.equal(byteSize("2Kb"), 2048);
  assert.equal(byteSize("-1"), -1);
  rejects(() => byteSize("1.5MB"), "invalid literal for int() with base 10: '1.5'");
  rejects(() => byteSize("50M"), "invalid literal for int() with base 10: '50m'");
  rejects(() => byteSize("1B"), "invalid literal for int() with base 10: '1b'");
});

Deno.test("octalType() reads Python int(s, 8) spellings", () => {
  assert.equal(octalType("022"), 0o22);
  assert.equal(octalType("0o22"), 0o22);
  assert.equal(octalType("777"), 0o777);
  assert.equal(octalType("0"), 0);
  rejects(() => octalType("8"), "8 can not be converted to an octal type");
  rejects(() => octalType("0x1f"), "0x1f can not be converted to an octal type");
  rejects(() => octalType(""), " can not be converted to an octal type");
});

Deno.test("logLevel() returns the canonical name and rejects warning", () => {
  assert.equal(logLevel("INFO"), "info");
  assert.equal(logLevel("Blather"), "blather");
  assert.equal(logLevel("warn"), "warn");
  rejects(() => logLevel("warning"), "bad logging level name 'warning'");
  rejects(() => logLevel("WARNING"), "bad logging level name 'WARNING'");
});

Deno.test("exitCodes() reads comma-separated codes 0..255", () => {
  assert.deepEqual(exitCodes("0, 2 ,255"), [0, 2, 255]);
  assert.deepEqual(exitCodes(""), []);
  rejects(() => exitCodes("256"), "not a valid list of exit codes: '256'");
  rejects(() => exitCodes("1,,2"), "not a valid list of exit codes: '1,,2'");
  rejects(() => exitCodes("-1"), "not a valid list of exit codes: '-1'");
});

Deno.test("autoRestart() maps booleans and unexpected", () => {
  assert.equal(autoRestart("TRUE"), true);
  assert.equal(autoRestart("off"), false);
  assert.equal(autoRestart("Unexpected"), "unexpected");
  rejects(() => autoRestart("Sometimes"), "invalid 'autorestart' value 'sometimes'");
});

Deno.test("listOfStrings() splits on commas and strips items", () => {
  assert.deepEqual(listOfStrings(" a , b ,c"), ["a", "b", "c"]);
  assert.deepEqual(listOfStrings("a,,"), ["a", "", ""]);
  assert.deepEqual(listOfStrings(""), []);
});

Deno.test("dictOfKeyValuePairs() parses the SURFACE examples", () => {
  assert.deepEqual(dictOfKeyValuePairs("A=1,B=2"), { A: "1", B: "2" });
  assert.deepEqual(dictOfKeyValuePairs(`A="a b",B='c,d'`), { A: "a b", B: "c,d" });
  assert.deepEqual(dictOfKeyValuePairs("A=/x/y:z,B=a.b+c-d(e)"), { A: "/x/y:z", B: "a.b+c-d(e)" });
  assert.deepEqual(dictOfKeyValuePairs("A=1;B=2"), { A: "1", B: "2" });
  assert.deepEqual(dictOfKeyValuePairs("A=x y"), { A: "x" });
  assert.deepEqual(dictOfKeyValuePairs("A=$HOME"), { A: "$" });
  assert.deepEqual(dictOfKeyValuePairs("A==1"), { A: "=" });
  assert.deepEqual(dictOfKeyValuePairs(`A=""`), { A: "" });
  assert.deepEqual(dictOfKeyValuePairs(""), {});
});

Deno.test("dictOfKeyValuePairs() keeps key order and treats __proto__ as a key", () => {
  const d = dictOfKeyValuePairs("Z=1,a=2,__proto__=3,Z=4");
  assert.deepEqual(Object.keys(d), ["Z", "a", "__proto__"]);
  assert.equal(d["Z"], "4");
  assert.equal(Object.getPrototypeOf(d), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(d, "__proto__")?.value, "3");
});

Deno.test("dictOfKeyValuePairs() rejects incomplete pairs", () => {
  for (const s of ["A=1 B=2", "A=", "A=1,,B=2", "A"]) {
    rejects(() => dictOfKeyValuePairs(s), `Unexpected end of key/value pairs in value '${s}'`);
  }
  rejects(() => dictOfKeyValuePairs(`A="x`), "No closing quotation");
});

Deno.test("processOrGroupName() strips and rejects space, colon and slash", () => {
  assert.equal(processOrGroupName("  web\t"), "web");
  assert.equal(processOrGroupName(""), "");
  rejects(() => processOrGroupName("a b"), "Invalid name: 'a b' because of character: ' '");
  rejects(() => processOrGroupName(" a:b "), "Invalid name: ' a:b ' because of character: ':'");
  rejects(() => processOrGroupName("a/b"), "Invalid name: 'a/b' because of character: '/'");
});

Deno.test("inetAddress() splits host and port at the last colon", () => {
  assert.deepEqual(inetAddress("127.0.0.1:9001"), { host: "127.0.0.1", port: 9001 });
  assert.deepEqual(inetAddress("LocalHost:80"), { host: "localhost", port: 80 });
  assert.deepEqual(inetAddress("*:9001"), { host: "", port: 9001 });
  assert.deepEqual(inetAddress(":9001"), { host: "", port: 9001 });
  assert.deepEqual(inetAddress("9001"), { host: "", port: 9001 });
  assert.deepEqual(inetAddress("[::1]:9001"), { host: "[::1]", port: 9001 });
});

Deno.test("inetAddress() reports bad ports with Python's messages", () => {
  rejects(() => inetAddress("host:"), "no port number specified in ''");
  rejects(() => inetAddress("host:0"), "0 is below lower bound (1)");
  rejects(() => inetAddress("host:65536"), "65536 is above upper bound (65535)");
  rejects(() => inetAddress("host:abc"), "invalid literal for int() with base 10: 'abc'");
  rejects(() => inetAddress("65536"), "not a valid port number: '65536' ");
  rejects(() => inetAddress("abc"), "not a valid port number: 'abc' ");
});
