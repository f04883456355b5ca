import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildShimCommand, execWord, type ShimOptions } from "./exec_shim.ts";

/**
 * Runs the shim command synchronously and returns status and output. The
 * environment is set with `env -i` because Deno's node:child_process adds the
 * parent's environment to the one given.
 */
function run(opts: ShimOptions, cwd = "/") {
  const cmd = buildShimCommand(opts);
  const pairs = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
  const argv = ["-i", ...pairs, cmd.file, ...cmd.args];
  const r = spawnSync("/usr/bin/env", argv, { cwd, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

Deno.test("buildShimCommand() passes values as positional parameters after $0", () => {
  const cmd = buildShimCommand({
    path: "/bin/echo",
    argv: ["echo", "a b", "$HOME"],
    env: { PATH: "/bin", PWD: "/p" },
    cwd: "/tmp",
    umask: 0o22,
  });
  assert.equal(cmd.file, "/bin/sh");
  assert.equal(cmd.args[0], "-c");
  assert.deepEqual(cmd.args.slice(2), ["supervisor", "/tmp", "/tmp", "/p", "echo", "a b", "$HOME"]);
  assert.match(cmd.args[1] ?? "", /umask 0022/);
  assert.doesNotMatch(cmd.args[1] ?? "", /HOME|echo/);
});

Deno.test("buildShimCommand() goes through setpriv for supplementary groups when it is installed", () => {
  const opts = { path: "/bin/id", argv: ["id"], env: {}, uid: 1000, gid: 1001, groups: [1001, 110] };
  const cmd = buildShimCommand(opts, "/usr/bin/setpriv");
  assert.equal(cmd.file, "/usr/bin/setpriv");
  assert.deepEqual(cmd.args.slice(0, 5), ["--reuid=1000", "--regid=1001", "--groups=1001,110", "--", "/bin/sh"]);
  assert.equal(cmd.switchesUser, true);
  assert.equal(buildShimCommand({ ...opts, groups: [] }, "/usr/bin/setpriv").args[2], "--clear-groups");
  const without = buildShimCommand(opts, null);
  assert.equal(without.file, "/bin/sh");
  assert.equal(without.switchesUser, false, "the runtime switches uid and gid itself");
  const { groups: _, ...noGroups } = opts;
  assert.equal(buildShimCommand(noGroups, "/usr/bin/setpriv").switchesUser, false);
});

Deno.test("execWord() uses the bare name only when the child's PATH finds the same file", () => {
  const env = { PATH: "/usr/local/bin:/usr/bin" };
  assert.equal(execWord({ path: "/usr/bin/cat", argv: ["cat"], env }), "cat");
  assert.equal(execWord({ path: "/usr/bin/cat", argv: ["cat"], env: { PATH: "/usr/bin/" } }), "cat");
  assert.equal(execWord({ path: "/opt/cat", argv: ["cat"], env }), "/opt/cat");
  assert.equal(execWord({ path: "/usr/bin/cat", argv: ["cat"], env: {} }), "/usr/bin/cat");
  assert.equal(execWord({ path: "/usr/bin/cat", argv: ["./cat"], env }), "/usr/bin/cat");
  assert.equal(execWord({ path: "/usr/bin/cat", argv: ["/usr/bin/cat"], env }), "/usr/bin/cat");
  assert.equal(execWord({ path: "cat", argv: ["cat"], env: { PATH: ":/bin" } }), "cat");
  assert.equal(execWord({ path: "cat", argv: ["cat"], env: {} }), "./cat");
});

Deno.test("buildShimCommand() rejects a umask outside 0..0o777", () => {
  const base = { path: "/bin/true", argv: ["true"], env: {} };
  assert.throws(() => buildShimCommand({ ...base, umask: 0o1000 }), RangeError);
  assert.throws(() => buildShimCommand({ ...base, umask: -1 }), RangeError);
  assert.throws(() => buildShimCommand({ ...base, umask: 1.5 }), RangeError);
});

Deno.test("[DAEMON.rlimits] shim lowers the child's soft open-files limit and keeps the hard one", () => {
  const base = { path: "/bin/sh", argv: ["sh", "-c", "ulimit -Sn; ulimit -Hn"], env: { PATH: "/bin" } };
  const hard = spawnSync("/bin/sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim();
  const r = run({ ...base, nofileSoft: 100 });
  assert.equal(r.stdout, `100\n${hard}\n`);
  assert.equal(r.status, 0);
  assert.doesNotMatch(buildShimCommand(base).args[1] ?? "", /ulimit/, "absent: the child inherits ours");
  assert.throws(() => buildShimCommand({ ...base, nofileSoft: -1 }), RangeError);
  assert.throws(() => buildShimCommand({ ...base, nofileSoft: 1.5 }), RangeError);
});

Deno.test("shim sets argv[0] as written and passes arguments verbatim", () => {
  const args = ["a b", "'q'", '"dq"', "$HOME", "`x`", "line\nbreak", "", "-n"];
  const r = run({ path: "/bin/cat", argv: ["cat", "/proc/self/cmdline"], env: { PATH: "/bin" } });
  assert.equal(r.stdout, "cat\0/proc/self/cmdline\0");
  const e = run({ path: "/usr/bin/printf", argv: ["printf", "[%s]", ...args], env: { X: "1" } });
  assert.equal(e.stdout, args.map((a) => `[${a}]`).join(""));
});

Deno.test("[SPAWN.signals,SPAWN.umask] shim ignores SIGPIPE and SIGXFSZ and applies the umask", () => {
  const r = run({ path: "/bin/cat", argv: ["cat", "/proc/self/status"], env: { A: "1" }, umask: 0o27 });
  // Signals 1..31 only: Deno starts children with the glibc-internal
  // signals 32 and 33 ignored, which no shell can reset.
  const sigIgn = /^SigIgn:\s+([0-9a-f]+)$/m.exec(r.stdout)?.[1] ?? "0";
  assert.equal(BigInt(`0x${sigIgn}`) & 0x7fffffffn, 0x1001000n);
  assert.match(r.stdout, /^Umask:\s+0027$/m);
});

Deno.test("shim passes exactly the given environment, PWD and OLDPWD included", () => {
  const env = { A: "1", PWD: "/somewhere/else", "WITH SPACE_VALUE": "x y" };
  const r = run({ path: "/usr/bin/env", argv: ["env"], env: { ...env }, cwd: "/tmp" });
  const seen = r.stdout.trimEnd().split("\n").sort();
  assert.deepEqual(seen, ["A=1", "PWD=/somewhere/else"]);
  const bare = run({ path: "/usr/bin/env", argv: ["env"], env: { B: "2" }, cwd: "/tmp" });
  assert.equal(bare.stdout, "B=2\n");
});

Deno.test("shim changes directory, relative to the starting directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "shim-"));
  try {
    const r = run({ path: "/bin/pwd", argv: ["pwd"], env: { X: "1" }, cwd: "." }, dir);
    assert.equal(r.stdout, `${dir}\n`);
    const abs = run({ path: "/bin/pwd", argv: ["pwd"], env: { X: "1" }, cwd: "/tmp" });
    assert.equal(abs.stdout, "/tmp\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("shim prints supervisord's chdir failure and exits 127", () => {
  const dir = mkdtempSync(join(tmpdir(), "shim-"));
  try {
    writeFileSync(join(dir, "file"), "");
    const cases: Array<[string, string]> = [
      [join(dir, "missing"), "ENOENT"],
      [join(dir, "file"), "ENOTDIR"],
      ["", "ENOENT"],
    ];
    for (const [cwd, code] of cases) {
      const r = run({ path: "/bin/true", argv: ["true"], env: { X: "1" }, cwd });
      assert.equal(r.status, 127);
      assert.equal(r.stdout, "");
      assert.equal(
        r.stderr,
        `supervisor: couldn't chdir to ${cwd}: ${code}\nsupervisor: child process was not spawned\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("shim with redirectStderr merges stderr into stdout in order", () => {
  const script = "echo a; echo b >&2; echo c";
  const r = run({ path: "/bin/sh", argv: ["sh", "-c", script], env: { X: "1" }, redirectStderr: true });
  assert.equal(r.stdout, "a\nb\nc\n");
  assert.equal(r.stderr, "");
  const failed = run({ path: "/bin/true", argv: ["true"], env: { X: "1" }, cwd: "/nonexistent", redirectStderr: true });
  assert.match(failed.stdout, /^supervisor: couldn't chdir to \/nonexistent: ENOENT\n/);
});
