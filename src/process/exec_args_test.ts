import assert from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { DEFAULT_SEARCH_PATH, resolveExecArgs, searchPath, SpawnError } from "./exec_args.ts";

/** A fake host with a few programs, as user 1000 in /home/u. */
function host(): FakeRuntime {
  const rt = new FakeRuntime({ uid: 1000, gid: 1000, cwd: "/home/u" });
  rt.fs.seedFile("/bin/echo", "", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/usr/bin/echo", "", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/usr/bin/cat", "", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/opt/a/tool", "", { mode: 0o644, uid: 0, gid: 0 });
  rt.fs.seedFile("/opt/b/tool", "", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/opt/secret", "", { mode: 0o700, uid: 0, gid: 0 });
  rt.fs.seedDir("/opt/adir");
  rt.fs.seedFile("/home/u/bin/run", "", { mode: 0o755 });
  rt.fs.seedFile("/home/u/local", "", { mode: 0o755 });
  return rt;
}

/** The SpawnError a call throws, as `[kind, message]`. */
function failure(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpawnError) return [e.kind, e.message];
    throw e;
  }
  assert.fail("expected a SpawnError");
}

const PATH = ["/bin", "/usr/bin"];

Deno.test("[SPAWN.split,SPAWN.argv] argv is the shlex split of command, argv[0] as written", () => {
  const rt = host();
  const got = resolveExecArgs(`echo 'a b' "c \\"d\\"" e\\ f`, PATH, rt.fs);
  assert.deepEqual(got, { filename: "/bin/echo", argv: ["echo", "a b", 'c "d"', "e f"] });
  const abs = resolveExecArgs("/usr/bin/cat -n  x", PATH, rt.fs);
  assert.deepEqual(abs, { filename: "/usr/bin/cat", argv: ["/usr/bin/cat", "-n", "x"] });
});

Deno.test("[SPAWN.split,PROC.spawnerr] parse errors and empty commands", () => {
  const rt = host();
  assert.deepEqual(failure(() => resolveExecArgs("/bin/sh -c 'echo x", PATH, rt.fs)), [
    "BadCommand",
    `can't parse command "/bin/sh -c 'echo x": No closing quotation`,
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("echo x\\", PATH, rt.fs)), [
    "BadCommand",
    "can't parse command 'echo x\\\\': No escaped character",
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("", PATH, rt.fs)), ["BadCommand", "command is empty"]);
  assert.deepEqual(failure(() => resolveExecArgs("  \t ", PATH, rt.fs)), ["BadCommand", "command is empty"]);
});

Deno.test("[SPAWN.lookup] the first directory where the name exists wins, even when not executable", () => {
  const rt = host();
  assert.equal(resolveExecArgs("echo", ["/usr/bin", "/bin"], rt.fs).filename, "/usr/bin/echo");
  assert.equal(resolveExecArgs("tool", ["/opt/b", "/opt/a"], rt.fs).filename, "/opt/b/tool");
  assert.deepEqual(failure(() => resolveExecArgs("tool", ["/nowhere", "/opt/a", "/opt/b"], rt.fs)), [
    "NotExecutable",
    "command at '/opt/a/tool' is not executable",
  ]);
});

Deno.test("[SPAWN.lookup,PROC.spawnerr] not found, directory, no x bit, no permission", () => {
  const rt = host();
  assert.deepEqual(failure(() => resolveExecArgs("nope -x", PATH, rt.fs)), [
    "NotFound",
    "can't find command 'nope'",
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("/opt/nope", PATH, rt.fs)), [
    "NotFound",
    "can't find command '/opt/nope'",
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("adir", ["/opt"], rt.fs)), [
    "NotExecutable",
    "command at '/opt/adir' is a directory",
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("/opt/a/tool", PATH, rt.fs)), [
    "NotExecutable",
    "command at '/opt/a/tool' is not executable",
  ]);
  assert.deepEqual(failure(() => resolveExecArgs("/opt/secret", PATH, rt.fs)), [
    "NoPermission",
    "no permission to run command '/opt/secret'",
  ]);
});

Deno.test("[SPAWN.lookup] root may run any file with an x bit; repr quoting follows Python", () => {
  const rt = host();
  rt.uidValue = rt.euidValue = 0;
  assert.equal(resolveExecArgs("/opt/secret", PATH, rt.fs).filename, "/opt/secret");
  assert.deepEqual(failure(() => resolveExecArgs("it\\'s", PATH, rt.fs)), ["NotFound", `can't find command "it's"`]);
});

Deno.test("[SPAWN.lookup] relative paths are checked against supervisord's cwd and kept relative", () => {
  const rt = host();
  assert.deepEqual(resolveExecArgs("bin/run --x", PATH, rt.fs), { filename: "bin/run", argv: ["bin/run", "--x"] });
  assert.equal(resolveExecArgs("./local", PATH, rt.fs).filename, "./local");
  // An empty PATH entry searches the current directory, as os.path.join("", name) does.
  assert.equal(resolveExecArgs("local", ["", "/bin"], rt.fs).filename, "local");
  assert.equal(resolveExecArgs("local", ["/bin", "."], rt.fs).filename, "./local");
});

Deno.test("[SPAWN.lookup] a stat error in one directory moves on to the next", () => {
  const rt = host();
  rt.fs.failWith("/bin/echo", "EACCES");
  assert.equal(resolveExecArgs("echo", PATH, rt.fs).filename, "/usr/bin/echo");
  rt.fs.failWith("/opt/b/tool", "ELOOP");
  assert.deepEqual(failure(() => resolveExecArgs("/opt/b/tool", PATH, rt.fs)), [
    "NotFound",
    "can't find command '/opt/b/tool'",
  ]);
});

Deno.test("[SPAWN.lookup] search path: program PATH, else supervisord PATH if non-empty, else the default", () => {
  assert.deepEqual(searchPath({ PATH: "/p1:/p2" }, { PATH: "/s" }), ["/p1", "/p2"]);
  assert.deepEqual(searchPath({ PATH: "" }, { PATH: "/s" }), [""]);
  assert.deepEqual(searchPath({ OTHER: "x" }, { PATH: "/s1::/s2" }), ["/s1", "", "/s2"]);
  assert.deepEqual(searchPath(null, { PATH: "/s" }), ["/s"]);
  assert.deepEqual(searchPath({}, { PATH: "" }), ["/bin", "/usr/bin", "/usr/local/bin"]);
  assert.deepEqual(searchPath({}, {}), [...DEFAULT_SEARCH_PATH]);
});

Deno.test("SpawnError carries its kind and message", () => {
  const e = new SpawnError("NotFound", "can't find command 'x'");
  assert.ok(e instanceof Error);
  assert.equal(e.name, "SpawnError");
  assert.equal(e.kind, "NotFound");
  assert.equal(e.message, "can't find command 'x'");
});
