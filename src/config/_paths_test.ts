import assert from "node:assert/strict";
import { existingDirectory, existingDirpath, expandUser, logfileName, type PathProbe } from "./_paths.ts";

const DIRS = new Set(["/", "/tmp", "/home/ann", "/srv/logs"]);
const probe: PathProbe = {
  home: "/home/ann",
  isDirectory: (p) => DIRS.has(p),
  userHome: (name) => (name === "bob" ? "/srv/" : undefined),
};

Deno.test("expandUser() expands ~ and ~user as os.path.expanduser", () => {
  assert.equal(expandUser("~", "/home/ann"), "/home/ann");
  assert.equal(expandUser("~/x", "/home/ann/"), "/home/ann/x");
  assert.equal(expandUser("a/~/x", "/home/ann"), "a/~/x");
  assert.equal(expandUser("~bob/logs", undefined, probe.userHome), "/srv/logs");
  assert.equal(expandUser("~eve/x", "/home/ann", probe.userHome), "~eve/x");
  assert.equal(expandUser("~bob/x", "/home/ann"), "~bob/x");
});

Deno.test("expandUser() leaves ~ alone without a home and maps an empty result to /", () => {
  assert.equal(expandUser("~/x", undefined), "~/x");
  assert.equal(expandUser("~", "/"), "/");
  assert.equal(expandUser("~", ""), "/");
  assert.equal(expandUser("~/x", ""), "/x");
});

Deno.test("existingDirectory() needs an existing directory after ~ expansion", () => {
  assert.equal(existingDirectory("/tmp", probe), "/tmp");
  assert.equal(existingDirectory("~", probe), "/home/ann");
  assert.throws(() => existingDirectory("~/nope", probe), {
    name: "ValueConversionError",
    message: "~/nope is not an existing directory",
  });
});

Deno.test("existingDirpath() checks only the directory part", () => {
  assert.equal(existingDirpath("/tmp/x.log", probe), "/tmp/x.log");
  assert.equal(existingDirpath("x.log", probe), "x.log");
  assert.equal(existingDirpath("/x.log", probe), "/x.log");
  assert.equal(existingDirpath("~/x.log", probe), "/home/ann/x.log");
  assert.equal(existingDirpath("~bob/logs/a.log", probe), "/srv/logs/a.log");
  assert.throws(() => existingDirpath("/nope/x.log", probe), {
    message: "The directory named as part of the path /nope/x.log does not exist",
  });
  assert.throws(() => existingDirpath("rel/x.log", probe), {
    message: "The directory named as part of the path rel/x.log does not exist",
  });
});

Deno.test("existingDirpath() probes the directory part as os.path.dirname gives it", () => {
  const asked: string[] = [];
  const recording: PathProbe = { home: "/h", isDirectory: (p) => (asked.push(p), true) };
  existingDirpath("//tmp//x.log", recording);
  existingDirpath("///x.log", recording);
  existingDirpath("a/b/", recording);
  assert.deepEqual(asked, ["//tmp", "///", "a/b"]);
});

Deno.test("logfileName() recognises none, off, auto and syslog in any case", () => {
  assert.deepEqual(logfileName("NONE", probe), { kind: "none" });
  assert.deepEqual(logfileName("Off", probe), { kind: "none" });
  assert.deepEqual(logfileName("AUTO", probe), { kind: "auto" });
  assert.deepEqual(logfileName("syslog", probe), { kind: "syslog" });
  assert.deepEqual(logfileName("/tmp/A.log", probe), { kind: "path", path: "/tmp/A.log" });
  assert.throws(() => logfileName("/nope/a.log", probe), {
    message: "The directory named as part of the path /nope/a.log does not exist",
  });
});
