import assert from "node:assert/strict";
import { decodeEnvFile, EnvFileError, parseEnvFile, readEnvFiles } from "./env_file.ts";
import { NotFoundError, RuntimeError } from "../runtime/errors.ts";

/**
 * Each case: the file's text, the variables systemd's `parse_env_file_internal`
 * (src/basic/env-file.c) yields for it, and the rule of systemd.exec(5)
 * "EnvironmentFile=" or of the scanner that decides it.
 */
const CASES: { rule: string; text: string; want: Record<string, string> }[] = [
  { rule: "KEY=VALUE assignment", text: "A=1\n", want: { A: "1" } },
  { rule: "last line needs no newline", text: "A=1", want: { A: "1" } },
  { rule: "whitespace around the key is trimmed", text: "  A  =1\n", want: { A: "1" } },
  { rule: "leading whitespace of an unquoted value is skipped", text: "A=   1\n", want: { A: "1" } },
  { rule: "trailing whitespace of an unquoted value is dropped", text: "A=1 \t \n", want: { A: "1" } },
  { rule: "inner whitespace of an unquoted value is kept", text: "A=x  y\n", want: { A: "x  y" } },
  { rule: "empty value", text: "A=\n", want: { A: "" } },
  { rule: "empty value at end of file", text: "A=", want: { A: "" } },
  { rule: "lines starting with # are comments", text: "# A=1\nB=2\n", want: { B: "2" } },
  { rule: "lines starting with ; are comments", text: "; A=1\nB=2\n", want: { B: "2" } },
  { rule: "a comment may be indented", text: "   # A=1\nB=2\n", want: { B: "2" } },
  { rule: "# in an unquoted value is no comment", text: "A=x # y\n", want: { A: "x # y" } },
  { rule: "a backslash at the end of a comment does not continue it", text: "# c \\\nA=1\n", want: { A: "1" } },
  { rule: "lines without = are ignored", text: "JUNK\nA=1\n", want: { A: "1" } },
  { rule: "the first = splits, later ones belong to the value", text: "A=b=c\n", want: { A: "b=c" } },
  { rule: "single quotes are literal", text: "A='x \\n $y \"z\"'\n", want: { A: 'x \\n $y "z"' } },
  { rule: "single quotes keep whitespace", text: "A='  x  '\n", want: { A: "  x  " } },
  { rule: "single quotes may span lines", text: "A='x\ny'\nB=2\n", want: { A: "x\ny", B: "2" } },
  { rule: 'double quotes unescape \\" and \\\\', text: 'A="a\\"b\\\\c"\n', want: { A: 'a"b\\c' } },
  { rule: "double quotes unescape \\$ and \\`", text: 'A="\\$x \\`y\\`"\n', want: { A: "$x `y`" } },
  { rule: "double quotes keep other backslashes", text: 'A="a\\nb\\tc"\n', want: { A: "a\\nb\\tc" } },
  { rule: "double quotes: backslash-newline is removed", text: 'A="a\\\nb"\n', want: { A: "ab" } },
  { rule: "double quotes may span lines", text: 'A="a\nb"\n', want: { A: "a\nb" } },
  { rule: "quoted and unquoted pieces concatenate", text: "A='a'\"b\"c\n", want: { A: "abc" } },
  { rule: "whitespace between quoted pieces is skipped", text: "A='a' 'b'\n", want: { A: "ab" } },
  { rule: "a quote inside an unquoted value is literal", text: "A=a'b'\"c\"\n", want: { A: "a'b'\"c\"" } },
  { rule: "unquoted: backslash takes the next character", text: "A=a\\'b\\\\c\n", want: { A: "a'b\\c" } },
  { rule: "unquoted: an escaped trailing space is kept", text: "A=a\\ \n", want: { A: "a " } },
  { rule: "unquoted: backslash-newline continues", text: "A=a\\\nb\n", want: { A: "ab" } },
  { rule: "continuation keeps the next line's indentation", text: "A=a\\\n  b\n", want: { A: "a  b" } },
  { rule: "no $ expansion", text: "A=1\nB=$A ${A}\n", want: { A: "1", B: "$A ${A}" } },
  { rule: "a later assignment replaces an earlier one", text: "A=1\nA=2\n", want: { A: "2" } },
  { rule: "a value may begin with a backslash", text: "A=\\#x\n", want: { A: "#x" } },
  { rule: "blank lines and whitespace-only lines are skipped", text: "\n  \n\t\nA=1\n\n", want: { A: "1" } },
  { rule: "a trailing backslash at end of file is dropped", text: "A=x\\", want: { A: "x" } },
  // The three tolerances of EXTENSIONS.md §5A (systemd would reject or mangle these).
  { rule: "tolerance: a leading `export ` is stripped", text: "export A=1\nexport\tB='2'\n", want: { A: "1", B: "2" } },
  { rule: "tolerance: a UTF-8 BOM is stripped", text: "\uFEFFA=1\n", want: { A: "1" } },
  { rule: "tolerance: CRLF line ends", text: "A=1\r\nB=x \r\nC=a\\\r\nb\r\n", want: { A: "1", B: "x", C: "ab" } },
  { rule: "a variable named export still works", text: "export=1\n", want: { export: "1" } },
];

for (const { rule, text, want } of CASES) {
  Deno.test(`env file rule: ${rule}`, () => {
    const got = parseEnvFile(text, "/t.env");
    assert.deepEqual(Object.fromEntries(got.vars), want);
  });
}

Deno.test("the table has at least 25 cases from systemd's rules", () => {
  assert.ok(CASES.filter((c) => !c.rule.startsWith("tolerance")).length >= 25);
});

Deno.test("an invalid name is skipped with a warning naming line and name, never the value", () => {
  const got = parseEnvFile("A=1\nA-B=secret\n1X=secret\n", "/x/.env");
  assert.deepEqual(Object.fromEntries(got.vars), { A: "1" });
  assert.deepEqual(got.warnings, [
    "env_file /x/.env:2: invalid variable name 'A-B', skipped",
    "env_file /x/.env:3: invalid variable name '1X', skipped",
  ]);
});

Deno.test("an unquoted ' #' is kept verbatim with a warning", () => {
  const got = parseEnvFile("A=1\n\nB=hunter2 # the password\nC='x #y'\n", "/x/.env");
  assert.equal(got.vars.get("B"), "hunter2 # the password");
  assert.equal(got.vars.get("C"), "x #y");
  assert.deepEqual(got.warnings, [
    "env_file /x/.env:3: unquoted value contains ' #'; kept verbatim (systemd rule), quote it if it is a comment",
  ]);
});

Deno.test("an unterminated quote is an error naming the line where it opened", () => {
  assert.throws(() => parseEnvFile('A=1\n\nB="abc\nC=2\n', "/x/.env"), {
    name: "EnvFileError",
    message: "env_file /x/.env:3: unterminated double quote",
  });
  assert.throws(() => parseEnvFile("A='abc", "/x/.env"), {
    message: "env_file /x/.env:1: unterminated single quote",
  });
});

Deno.test("invalid UTF-8 fails the file, naming the line", () => {
  const bytes = new Uint8Array([...new TextEncoder().encode("A=1\nB="), 0xff, 0x0a]);
  assert.throws(() => decodeEnvFile(bytes, "/x/.env"), { message: "env_file /x/.env:2: invalid UTF-8" });
  assert.equal(decodeEnvFile(new TextEncoder().encode("A=é\n"), "/x"), "A=é\n");
});

Deno.test("files are read in order, later wins; a missing optional file is skipped", () => {
  const files: Record<string, string> = { "/a.env": "A=1\nB=1\n", "/b.env": "B=2\n" };
  const read = (p: string) => {
    const t = files[p];
    if (t === undefined) throw new NotFoundError(`open ${p}`);
    return new TextEncoder().encode(t);
  };
  const got = readEnvFiles([
    { path: "/a.env", optional: false },
    { path: "/gone.env", optional: true },
    { path: "/b.env", optional: false },
  ], read);
  assert.deepEqual(Object.fromEntries(got.vars), { A: "1", B: "2" });
  assert.throws(() => readEnvFiles([{ path: "/run/secrets/app.env", optional: false }], read), {
    message: "env_file '/run/secrets/app.env': No such file or directory",
  });
  const denied = () => {
    throw new RuntimeError("open", "EACCES");
  };
  assert.throws(() => readEnvFiles([{ path: "/x.env", optional: true }], denied), {
    message: "env_file '/x.env': Permission denied",
  });
  assert.ok(new EnvFileError("x") instanceof Error);
});
