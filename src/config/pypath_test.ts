import assert from "node:assert/strict";
import { abspath, basename, dirname, join, normpath, split } from "./pypath.ts";

Deno.test("normpath() matches posixpath.normpath", () => {
  const cases: [string, string][] = [
    ["", "."],
    ["/", "/"],
    ["//", "//"],
    ["///", "/"],
    ["//a/b", "//a/b"],
    ["a/./b/../c", "a/c"],
    ["../../a", "../../a"],
    ["/../a", "/a"],
    ["a/..", "."],
    ["a//b/", "a/b"],
  ];
  for (const [input, want] of cases) assert.equal(normpath(input), want, input);
});

Deno.test("join() restarts at an absolute component", () => {
  assert.equal(join("/etc", "supervisor", "x.conf"), "/etc/supervisor/x.conf");
  assert.equal(join("/etc/", "x"), "/etc/x");
  assert.equal(join("/etc", "/abs/x"), "/abs/x");
  assert.equal(join("", "x"), "x");
});

Deno.test("split(), dirname() and basename() match posixpath", () => {
  assert.deepEqual(split("/a/b/c"), ["/a/b", "c"]);
  assert.deepEqual(split("//x"), ["//", "x"]);
  assert.deepEqual(split("a//b"), ["a", "b"]);
  assert.equal(dirname("x.conf"), "");
  assert.equal(dirname("/x.conf"), "/");
  assert.equal(basename("/a/b/"), "");
});

Deno.test("abspath() resolves against the given cwd", () => {
  assert.equal(abspath("supervisord.log", "/tmp/w"), "/tmp/w/supervisord.log");
  assert.equal(abspath("../x", "/tmp/w"), "/tmp/x");
  assert.equal(abspath("/a/./b", "/tmp"), "/a/b");
});
