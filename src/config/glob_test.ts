import assert from "node:assert/strict";
import { fnmatchToRegExp, glob, type GlobProbe } from "./glob.ts";

function probeOf(tree: Record<string, string[]>): GlobProbe {
  const files = new Set<string>();
  for (const [dir, names] of Object.entries(tree)) {
    files.add(dir);
    for (const n of names) files.add(dir === "/" ? `/${n}` : `${dir}/${n}`);
  }
  return {
    readDir: (p) => tree[p] ?? null,
    exists: (p) => files.has(p),
    isDirectory: (p) => p in tree,
  };
}

const tree = {
  "/etc": ["sv", "other"],
  "/etc/sv": ["a.ini", "b.ini", ".hidden.ini", "c.conf", "conf.d"],
  "/etc/sv/conf.d": ["x.ini"],
  "/etc/other": ["y.ini"],
};

Deno.test("glob() matches * and skips hidden names", () => {
  assert.deepEqual(glob("/etc/sv/*.ini", probeOf(tree)).sort(), ["/etc/sv/a.ini", "/etc/sv/b.ini"]);
});

Deno.test("glob() matches hidden names when the pattern starts with a dot", () => {
  assert.deepEqual(glob("/etc/sv/.*.ini", probeOf(tree)), ["/etc/sv/.hidden.ini"]);
});

Deno.test("glob() expands magic in directory components, directories only", () => {
  assert.deepEqual(glob("/etc/*/*.ini", probeOf(tree)).sort(), [
    "/etc/other/y.ini",
    "/etc/sv/a.ini",
    "/etc/sv/b.ini",
  ]);
});

Deno.test("glob() returns a literal path only when it exists", () => {
  assert.deepEqual(glob("/etc/sv/c.conf", probeOf(tree)), ["/etc/sv/c.conf"]);
  assert.deepEqual(glob("/etc/sv/missing.conf", probeOf(tree)), []);
  assert.deepEqual(glob("/nodir/*.ini", probeOf(tree)), []);
});

Deno.test("fnmatchToRegExp() follows fnmatch bracket rules", () => {
  assert.ok(fnmatchToRegExp("[ab].ini").test("a.ini"));
  assert.ok(!fnmatchToRegExp("[!ab].ini").test("a.ini"));
  assert.ok(fnmatchToRegExp("[!ab].ini").test("c.ini"));
  assert.ok(fnmatchToRegExp("[]x]").test("]"));
  assert.ok(fnmatchToRegExp("a[.ini").test("a[.ini"));
  assert.ok(fnmatchToRegExp("?.ini").test("x.ini"));
  assert.ok(!fnmatchToRegExp("?.ini").test("xy.ini"));
  assert.ok(fnmatchToRegExp("a.(b)+-c/{d}").test("a.(b)+-c/{d}"));
  assert.ok(fnmatchToRegExp("[a-c]x").test("bx"));
});
