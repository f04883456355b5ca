import assert from "node:assert/strict";
import { decodeConfigText, IniError, IniParser } from "./ini.ts";

function parse(text: string, filename = "test.conf"): IniParser {
  const parser = new IniParser();
  parser.read(text, filename);
  return parser;
}

function errorOf(fn: () => void): IniError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IniError) return e;
    throw e;
  }
  assert.fail("expected an IniError");
}

Deno.test("IniParser.read() lower-cases and strips keys, strips values", () => {
  const p = parse("[program:x]\n  COMMAND =  /bin/cat  \nAutoStart:true\n");
  assert.deepEqual(p.ownItems("program:x"), [
    ["command", "/bin/cat"],
    ["autostart", "true"],
  ]);
  assert.equal(p.get("program:x", "Command"), "/bin/cat");
});

Deno.test("IniParser.read() splits at the first = or :", () => {
  const p = parse("[s]\na:b=c\nd=e:f\nurl = http://h:9001\nx = = y\n");
  assert.deepEqual(p.ownItems("s"), [
    ["a", "b=c"],
    ["d", "e:f"],
    ["url", "http://h:9001"],
    ["x", "= y"],
  ]);
});

Deno.test("IniParser.read() takes inline comments only after whitespace", () => {
  const p = parse("[s]\na=b;c\nd=e ;f\ng=h#i\nj=k\t#l\nm=n\u00a0;o\n");
  assert.deepEqual(p.ownItems("s"), [
    ["a", "b;c"],
    ["d", "e"],
    ["g", "h#i"],
    ["j", "k"],
    ["m", "n"],
  ]);
});

Deno.test("IniParser.read() searches ; and # comments round by round", () => {
  // The first ';' qualifies in round one, before the second '#' is looked at.
  assert.equal(parse("[s]\nk=a#b #c ;d\n").get("s", "k"), "a#b #c");
});

Deno.test("IniParser.read() skips full-line comments, even indented", () => {
  const p = parse("# top\n[s]\n  ; c\n\t# c\nk=v\n;k=w\n");
  assert.deepEqual(p.ownItems("s"), [["k", "v"]]);
});

Deno.test("IniParser.read() joins deeper-indented lines to the value", () => {
  const p = parse("[s]\nk=one\n  two ; c\n  ; c\n\tthree\nj=x\n");
  assert.equal(p.get("s", "k"), "one\ntwo\nthree");
  assert.equal(p.get("s", "j"), "x");
});

Deno.test("IniParser.read() keeps inner blank lines, drops trailing ones", () => {
  const p = parse("[s]\nk=one\n\n  two\n  \n;c\n\n[t]\n");
  assert.equal(p.get("s", "k"), "one\n\ntwo");
});

Deno.test("IniParser.read() needs strictly deeper indentation to continue", () => {
  const p = parse("[s]\n\tk=1\n y=2\n  z\n");
  // One tab and one space are both one column: ' y=2' is a new option.
  assert.deepEqual(p.ownItems("s"), [["k", "1"], ["y", "2\nz"]]);
});

Deno.test("IniParser.read() never continues a value across a header", () => {
  const p = parse("[a]\nk=1\n  [b]\n[c]\n  j=2\n");
  assert.equal(p.get("a", "k"), "1\n[b]");
  assert.deepEqual(p.sections(), ["a", "c"]);
  assert.equal(p.get("c", "j"), "2");
});

Deno.test("IniParser.read() takes a greedy, unstripped section name", () => {
  const p = parse("[a]b] text\nk=1\n[ x ] ; c\n[Program:y]\n[program:y]\n");
  assert.deepEqual(p.sections(), ["a]b", " x ", "Program:y", "program:y"]);
});

Deno.test("IniParser.read() merges repeated sections, last key wins", () => {
  const p = parse("[a]\nx=1\ny=2\n[b]\n[a]\nw=3\nX=4\n");
  assert.deepEqual(p.sections(), ["a", "b"]);
  assert.deepEqual(p.ownItems("a"), [["x", "4"], ["y", "2"], ["w", "3"]]);
});

Deno.test("IniParser.read() treats [DEFAULT] as fallback for every section", () => {
  const p = parse("[DEFAULT]\nd=1\nb=2\n[s]\nb=own\nk=v\n[default]\n");
  assert.deepEqual(p.sections(), ["s", "default"]);
  assert.equal(p.hasSection("DEFAULT"), false);
  assert.equal(p.get("s", "d"), "1");
  assert.equal(p.get("s", "b"), "own");
  assert.equal(p.get("DEFAULT", "b"), "2");
  assert.equal(p.has("default", "d"), true);
  assert.deepEqual(p.options("s"), ["b", "k", "d"]);
  assert.deepEqual(p.items("s"), [["d", "1"], ["b", "own"], ["k", "v"]]);
  assert.deepEqual([...p.defaults()], [["d", "1"], ["b", "2"]]);
});

Deno.test("IniParser.read() keeps %% and %(here)s literally", () => {
  assert.equal(
    parse("[s]\nk=100%% %(here)s\n").get("s", "k"),
    "100%% %(here)s",
  );
});

Deno.test("IniParser.read() translates CRLF and lone CR line endings", () => {
  const p = parse("[s]\r\nk=one\r  two\r\nj=v");
  assert.equal(p.get("s", "k"), "one\ntwo");
  assert.equal(p.get("s", "j"), "v");
});

Deno.test("IniParser.read() keeps a BOM, so the header is not found", () => {
  const e = errorOf(() => parse("\ufeff[s]\n", "supervisord.conf"));
  assert.equal(e.kind, "MissingSectionHeaderError");
  assert.equal(
    e.message,
    "File contains no section headers.\nfile: 'supervisord.conf', line: 1\n'\\ufeff[s]\\n'",
  );
});

Deno.test("IniParser.read() rejects an option before any section", () => {
  const e = errorOf(() => parse("; c\n\ngarbage\n[s]\n", "a.conf"));
  assert.equal(
    e.message,
    "File contains no section headers.\nfile: 'a.conf', line: 3\n'garbage\\n'",
  );
  assert.equal(e.line, 3);
  assert.equal(e.file, "a.conf");
});

Deno.test("IniParser.read() collects bad lines into one ParsingError", () => {
  const text = "[s]\ngarbage\n=v\n" + "k=v\n".repeat(7) + "[]";
  const e = errorOf(() => parse(text, "etc/supervisord.conf"));
  assert.equal(e.kind, "ParsingError");
  assert.equal(
    e.message,
    "Source contains parsing errors: 'etc/supervisord.conf'" +
      "\n\t[line  2]: 'garbage\\n'\n\t[line  3]: '=v\\n'\n\t[line 11]: '[]'",
  );
  assert.deepEqual(e.badLines.map((b) => b.line), [2, 3, 11]);
  assert.ok(e instanceof SyntaxError);
});

Deno.test("IniParser.read() lets a line after a bad line continue the value", () => {
  const e = errorOf(() => parse("[s]\nk=1\ngarbage\n  absorbed\n", "f"));
  assert.deepEqual(e.badLines.map((b) => b.line), [3]);
});

Deno.test("IniParser.read() strips Python whitespace, not JavaScript's", () => {
  const p = parse("[s]\nk=\x1cv\x85\nj=\ufeffw\n");
  assert.equal(p.get("s", "k"), "v");
  assert.equal(p.get("s", "j"), "\ufeffw");
});

Deno.test("IniParser.read() lower-cases keys like Python str.lower()", () => {
  const p = parse("[s]\nA\u03a3=1\n\u0130=2\n\ua7cb=3\n");
  assert.deepEqual(p.options("s"), ["a\u03c2", "i\u0307", "\ua7cb"]);
});

Deno.test("IniParser.sectionFile() names the file that created the section", () => {
  const p = new IniParser();
  p.read("[supervisord]\n[program:a]\n", "main.conf");
  p.read("[program:a]\nk=1\n[program:b]\n", "/etc/conf.d/b.conf");
  assert.equal(p.sectionFile("program:a"), "main.conf");
  assert.equal(p.sectionFile("program:b"), "/etc/conf.d/b.conf");
  assert.equal(p.sectionFile("DEFAULT"), undefined);
});

Deno.test("IniParser.set() lower-cases the key and needs the section", () => {
  const p = parse("[s]\n");
  p.set("s", "Key", "v");
  p.set("DEFAULT", "D", "w");
  assert.deepEqual(p.items("s"), [["d", "w"], ["key", "v"]]);
  assert.throws(() => p.set("nope", "k", "v"), /No section: 'nope'/);
});

Deno.test("decodeConfigText() keeps the BOM and reports CPython's errors", () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  assert.equal(decodeConfigText(bytes(0xef, 0xbb, 0xbf, 0x61)), "\ufeffa");
  const cases: Array<[Uint8Array, string]> = [
    [bytes(0x61, 0xff), "byte 0xff in position 1: invalid start byte"],
    [bytes(0xc0, 0x80), "byte 0xc0 in position 0: invalid start byte"],
    [
      bytes(0x61, 0xe4, 0xb8, 0x41),
      "bytes in position 1-2: invalid continuation byte",
    ],
    [
      bytes(0xed, 0xa0, 0x80),
      "byte 0xed in position 0: invalid continuation byte",
    ],
    // At end of file only the held-over bytes are decoded, from position 0.
    [bytes(0x61, 0xe4, 0xb8), "bytes in position 0-1: unexpected end of data"],
  ];
  for (const [input, detail] of cases) {
    const e = errorOf(() => decodeConfigText(input));
    assert.equal(e.kind, "UnicodeDecodeError");
    assert.equal(e.message, `'utf-8' codec can't decode ${detail}`);
  }
});

Deno.test("decodeConfigText() counts positions from Python's 8 KiB chunk", () => {
  const data = new Uint8Array(8193).fill(0x23);
  data[8191] = 0xe4; // held over into the second chunk
  data[8192] = 0x41;
  const e = errorOf(() => decodeConfigText(data));
  assert.equal(
    e.message,
    "'utf-8' codec can't decode byte 0xe4 in position 0: invalid continuation byte",
  );
});

Deno.test("IniParser.readBytes() reports a missing header in an earlier chunk first", () => {
  const enc = new TextEncoder();
  const early = new Uint8Array([
    ...enc.encode("garbage\n" + "#".repeat(9000)),
    0xff,
  ]);
  const e = errorOf(() => new IniParser().readBytes(early, "f"));
  assert.equal(e.kind, "MissingSectionHeaderError");
  const sameChunk = new Uint8Array([...enc.encode("garbage\n"), 0xff]);
  const e2 = errorOf(() => new IniParser().readBytes(sameChunk, "f"));
  assert.equal(e2.kind, "UnicodeDecodeError");
});
