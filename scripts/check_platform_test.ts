import assert from "node:assert/strict";
import { findLinuxOnly, isAdapter } from "./check_platform.ts";

const lines = (src: string) => findLinuxOnly(src).map((v) => v.line);

Deno.test("isAdapter() reads the Deno and Bun adapters and the entry points, not tests or shared files", () => {
  for (const p of ["src/runtime/bun_libc.ts", "src/runtime/deno_reap.ts", "src/runtime/bun.ts", "src/main_bun.ts"]) {
    assert.equal(isAdapter(p), true, p);
  }
  for (const p of ["src/runtime/_platform.ts", "src/runtime/bun_test.ts", "src/runtime/fake.ts", "src/daemon.ts"]) {
    assert.equal(isAdapter(p), false, p);
  }
});

Deno.test("findLinuxOnly() flags a libc name, a /proc path or a util-linux command in an adapter", () => {
  assert.deepEqual(lines('ffi.dlopen("libc.so.6", {});'), [1]);
  assert.deepEqual(lines("x;\nDeno.dlopen(`libc.musl-${arch}.so.1`, S);"), [2]);
  assert.deepEqual(lines('Deno.readTextFileSync("/proc/self/limits");'), [1]);
  assert.deepEqual(lines("const p = `/proc/${pid}/stat`;"), [1]);
  assert.deepEqual(lines('fs.readFileSync("/sys/fs/cgroup/cpu.max");'), [1]);
  assert.deepEqual(lines('spawnSync("prlimit", args);'), [1]);
  assert.deepEqual(lines('const tools = ["/usr/bin/setpriv"];'), [1]);
});

Deno.test("findLinuxOnly() passes names taken from the platform profile, and comments", () => {
  assert.deepEqual(lines("// opens libc.so.6 and reads /proc/self/limits"), []);
  assert.deepEqual(lines("/* prlimit --pid */ const x = 1;"), []);
  assert.deepEqual(lines("spawnSync(bunPlatform.prlimit, args);"), []);
  assert.deepEqual(lines("if (opts.groups !== undefined && denoPlatform.setpriv) setpriv ??= find();"), []);
  assert.deepEqual(lines("Deno.readTextFileSync(denoPlatform.selfLimits);"), []);
  assert.deepEqual(lines("const ratio = total / procs;"), []);
});
