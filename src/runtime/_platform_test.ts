/**
 * Tests of the per-platform choices (_platform.ts), for each release target
 * and on the FakeRuntime standing for each of them.
 * @module
 */

import assert from "node:assert/strict";
import { numberToRlim, platformProfile, rlimToNumber, unavailableFeatures } from "./_platform.ts";
import { FakeRuntime } from "./fake.ts";

/** Release targets as `process.platform`/`arch` and as `Deno.build` spell them. */
const TARGETS = [
  { os: "linux", arch: "x64", deno: "x86_64", musl: "libc.musl-x86_64.so.1" },
  { os: "linux", arch: "arm64", deno: "aarch64", musl: "libc.musl-aarch64.so.1" },
  { os: "darwin", arch: "arm64", deno: "aarch64", musl: null },
  { os: "darwin", arch: "x64", deno: "x86_64", musl: null },
] as const;

Deno.test("[SCOPE.platform] Linux (glibc or musl, x64 or arm64): glibc's name first, then musl's for the arch, then libc.so; /proc and util-linux", () => {
  for (const t of TARGETS.filter((x) => x.os === "linux")) {
    for (const arch of [t.arch, t.deno]) {
      const p = platformProfile(t.os, arch);
      assert.equal(p.os, "linux");
      assert.deepEqual(p.libcNames, ["libc.so.6", t.musl, "libc.so"]);
      assert.equal(p.errnoSymbol, "__errno_location");
      assert.deepEqual(p.rlimitNumbers, { nproc: 6, nofile: 7 });
      assert.equal(p.procRoot, "/proc");
      assert.equal(p.selfLimits, "/proc/self/limits");
      assert.equal(p.selfCmdline, "/proc/self/cmdline");
      assert.equal(p.prlimit, "prlimit");
      assert.equal(p.setpriv, true);
      assert.equal(p.linuxSyscalls, true);
    }
  }
});

Deno.test("[SCOPE.platform] macOS (arm64 and x64): libSystem, __error, BSD resource numbers, and no /proc, prlimit or setpriv", () => {
  for (const t of TARGETS.filter((x) => x.os === "darwin")) {
    for (const arch of [t.arch, t.deno]) {
      const p = platformProfile(t.os, arch);
      assert.equal(p.os, "darwin");
      assert.deepEqual(p.libcNames, ["libSystem.B.dylib", "/usr/lib/libSystem.B.dylib"]);
      assert.equal(p.errnoSymbol, "__error");
      assert.deepEqual(p.rlimitNumbers, { nproc: 7, nofile: 8 });
      assert.equal(p.procRoot, null);
      assert.equal(p.selfLimits, null);
      assert.equal(p.selfCmdline, null);
      assert.equal(p.prlimit, null);
      assert.equal(p.setpriv, false);
      assert.equal(p.linuxSyscalls, false);
      for (const name of p.libcNames) assert.doesNotMatch(name, /\.so\b/);
    }
  }
});

Deno.test("[SCOPE.platform] any other platform opens no library and reads no /proc", () => {
  for (const [os, arch] of [["freebsd", "x64"], ["linux", "riscv64"], ["windows", "x64"]] as const) {
    const p = platformProfile(os, arch);
    assert.equal(p.os, "other");
    assert.deepEqual(p.libcNames, []);
    assert.equal(p.rlimitNumbers, null);
    assert.equal(p.procRoot, null);
    assert.equal(p.prlimit, null);
  }
});

Deno.test("RLIM_INFINITY is the platform's: all ones on Linux, 2^63-1 on macOS; both are the seam's -1", () => {
  const linux = platformProfile("linux", "x64");
  const mac = platformProfile("darwin", "arm64");
  assert.equal(rlimToNumber(linux, 0xffffffffffffffffn), -1);
  assert.equal(rlimToNumber(mac, 0x7fffffffffffffffn), -1);
  assert.equal(rlimToNumber(mac, 10240n), 10240);
  assert.equal(numberToRlim(linux, -1), 0xffffffffffffffffn);
  assert.equal(numberToRlim(mac, -1), 0x7fffffffffffffffn);
  assert.equal(numberToRlim(mac, 256), 256n);
});

Deno.test("the fake runtime on Linux with a C library has nothing to report", () => {
  for (const t of TARGETS.filter((x) => x.os === "linux")) {
    assert.equal(new FakeRuntime({ platform: { os: t.os, arch: t.arch } }).platformNotice(), null);
    assert.equal(new FakeRuntime({ platform: { os: t.os, arch: t.arch, libc: t.musl } }).platformNotice(), null);
  }
  assert.equal(new FakeRuntime().platformNotice(), null, "the default stands for linux-x64 with glibc");
});

Deno.test("the fake runtime on macOS reports one line: no orphan reaping, fcgi socket binding or setpriv", () => {
  for (const t of TARGETS.filter((x) => x.os === "darwin")) {
    const notice = new FakeRuntime({ platform: { os: t.os, arch: t.arch } }).platformNotice();
    assert.equal(
      notice,
      `platform darwin-${t.arch}: not available here: orphan reaping as PID 1; ` +
        "socket binding ahead of spawn (fcgi-program sockets); supplementary groups for user= (setpriv)",
    );
    assert.doesNotMatch(notice!, /\n/);
  }
});

Deno.test("the fake runtime on Linux without a reachable C library names the libraries it tried", () => {
  const notice = new FakeRuntime({ platform: { os: "linux", arch: "arm64", libc: null } }).platformNotice();
  assert.equal(
    notice,
    "platform linux-arm64: not available here: C library (tried libc.so.6, libc.musl-aarch64.so.1, libc.so); " +
      "orphan reaping as PID 1; syslog; socket binding ahead of spawn (fcgi-program sockets)",
  );
});

Deno.test("unavailableFeatures: without FFI on macOS the limits go too, since there is no prlimit to fall back on", () => {
  const mac = platformProfile("darwin", "x64");
  assert.ok(unavailableFeatures(mac, { libc: null }).includes("minfds/minprocs limits"));
  assert.ok(!unavailableFeatures(mac, { libc: "libSystem.B.dylib" }).includes("minfds/minprocs limits"));
  const linux = platformProfile("linux", "x64");
  assert.ok(!unavailableFeatures(linux, { libc: null }).includes("minfds/minprocs limits"), "prlimit remains");
});
