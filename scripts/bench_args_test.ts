import assert from "node:assert/strict";
import { FULL_SIZES, parseBenchArgs, QUICK_SIZES, SCENARIOS } from "./bench_args.ts";

Deno.test("parseBenchArgs() defaults: 3 runs of every scenario at full size against deno", () => {
  const o = parseBenchArgs([]);
  assert.equal(o.runs, 3);
  assert.deepEqual(o.only, [...SCENARIOS]);
  assert.deepEqual(o.ours, ["deno", "run", "-A", "src/main_deno.ts"]);
  assert.deepEqual(o.python, ["/usr/bin/supervisord"]);
  assert.equal(o.sizes, FULL_SIZES);
  assert.equal(o.out, ".test-output/bench.md");
  assert.equal(FULL_SIZES.throughputBytes, 512 * 1024 * 1024);
  assert.equal(FULL_SIZES.idlePrograms, 500);
});

Deno.test("parseBenchArgs() --quick shrinks sizes and runs once unless --runs says otherwise", () => {
  assert.equal(parseBenchArgs(["--quick"]).runs, 1);
  assert.equal(parseBenchArgs(["--quick"]).sizes, QUICK_SIZES);
  assert.equal(parseBenchArgs(["--quick", "--runs", "4"]).runs, 4);
  assert.equal(parseBenchArgs(["--runs=5"]).runs, 5);
});

Deno.test("parseBenchArgs() --only keeps the run order and --ours is split like a shell", () => {
  const o = parseBenchArgs(["--only", "shutdown,restart", "--ours", "bun 'src/main bun.ts'"]);
  assert.deepEqual(o.only, ["restart", "shutdown"]);
  assert.deepEqual(o.ours, ["bun", "src/main bun.ts"]);
  assert.deepEqual(parseBenchArgs(["--ours=dist/supervisord"]).ours, ["dist/supervisord"]);
});

Deno.test("parseBenchArgs() rejects unknown flags, bad counts, unknown scenarios and missing values", () => {
  assert.throws(() => parseBenchArgs(["--fast"]), /unknown flag/);
  assert.throws(() => parseBenchArgs(["--runs", "0"]), /positive integer/);
  assert.throws(() => parseBenchArgs(["--runs", "1.5"]), /positive integer/);
  assert.throws(() => parseBenchArgs(["--only", "restart,nap"]), /"nap" is not one of/);
  assert.throws(() => parseBenchArgs(["--ours"]), /a value is required/);
  assert.throws(() => parseBenchArgs(["--ours", "  "]), /empty/);
});

Deno.test("quick throughput still rotates, and neither size rotates output away", () => {
  for (const s of [FULL_SIZES, QUICK_SIZES]) {
    assert.equal(s.throughputBytes % 16, 0);
    const rotations = Math.floor(s.throughputBytes / s.logMaxBytes);
    assert.ok(rotations >= 1, "the scenario exercises rotation");
    assert.ok(rotations <= s.logBackups, "every rotated file is kept");
  }
});
