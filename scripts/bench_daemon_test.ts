import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { BenchAbort, Daemon, explainOutput, logKind, LogWatcher } from "./bench_daemon.ts";
import { isAlive } from "./bench_proc.ts";

// Daemon launches with Deno.Command: those tests run under Deno only.
const noDeno = typeof (globalThis as { Deno?: { Command?: unknown } }).Deno?.Command !== "function";

Deno.test("logKind() classifies supervisord's lifecycle lines and nothing else", () => {
  const at = "2026-11-25 04:04:33,899";
  assert.equal(logKind(`${at} INFO spawned: 'gp1' with pid 10035`), "spawned");
  assert.equal(logKind(`${at} INFO success: zero entered RUNNING state, process has stayed up`), "success");
  assert.equal(logKind(`${at} WARN exited: fatal (exit status 1; not expected)`), "exited");
  assert.equal(logKind(`${at} WARN stopped: run (terminated by SIGTERM)`), "stopped");
  assert.equal(logKind(`${at} INFO gave up: fatal entered FATAL state, too many start retries too quickly`), "gave up");
  assert.equal(logKind(`${at} INFO waiting for x to die`), null);
  assert.equal(logKind(`success: x`), null);
});

Deno.test("LogWatcher counts complete lines only, across polls", () => {
  const dir = mkdtempSync(`${tmpdir()}/svbench-test-`);
  try {
    const log = `${dir}/main.log`;
    const w = new LogWatcher(log);
    w.poll(); // missing file reads as empty
    assert.equal(w.counts.success, 0);
    writeFileSync(log, "2026-01-01 00:00:00,000 INFO success: a entered\n2026-01-01 00:00:00,001 INFO succ");
    w.poll();
    assert.equal(w.counts.success, 1);
    appendFileSync(log, "ess: b entered\n2026-01-01 00:00:00,002 WARN stopped: a (terminated by SIGTERM)\n");
    w.poll();
    assert.equal(w.counts.success, 2);
    assert.equal(w.counts.stopped, 1);
    assert.equal(w.summary(), "success 2, stopped 1");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

Deno.test("explainOutput() prefers a runtime's error line over its backtrace", () => {
  const deno = '\x1b[1m\x1b[31merror\x1b[0m: Module not found "file:///x.ts".\n    at file:///y.ts:1:2\n\n' +
    "Stack backtrace:\n   0: <unknown>\n";
  assert.equal(explainOutput(deno), 'error: Module not found "file:///x.ts".');
  assert.equal(explainOutput("loaded\nsupervision is not available\n\n"), "supervision is not available");
  assert.equal(explainOutput(""), "");
});

/** A stand-in daemon: `sh -c SCRIPT fake -c <conf> -n`; $2 is the config path. */
function fakeDaemon(dir: string, script: string): Daemon {
  writeFileSync(`${dir}/supervisord.conf`, "");
  return new Daemon("ours", ["sh", "-c", script, "fake"], `${dir}/supervisord.conf`, `${dir}/supervisord.log`, dir);
}

Deno.test({
  name: "Daemon reports an early exit as `exited: status N: <error line>`, with the run dir as $RUN",
  ignore: noDeno,
  async fn() {
    const dir = mkdtempSync(`${tmpdir()}/svbench-test-`);
    try {
      const d = fakeDaemon(dir, 'echo "loading $2" >&2; echo "error: cannot read ${2%/*}/x" >&2; exit 3');
      await assert.rejects(
        d.waitForLines("success", 1, 10_000),
        (e: unknown) => e instanceof BenchAbort && e.message === "exited: status 3: error: cannot read $RUN/x",
      );
      assert.deepEqual(await d.close(), []);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Daemon.close() finds and kills a child that escaped the daemon's process group",
  ignore: noDeno,
  async fn() {
    const dir = mkdtempSync(`${tmpdir()}/svbench-test-`);
    try {
      const script = 'log="${2%/*}/supervisord.log"; setsid sleep 60 & ' +
        'echo "2026-01-01 00:00:00,000 INFO success: a entered RUNNING state" >> "$log"; ' +
        "trap 'exit 0' TERM; while :; do sleep 0.02; done";
      const d = fakeDaemon(dir, script);
      await d.waitForLines("success", 1, 10_000);
      const t0 = d.terminate();
      assert.ok((await d.waitExit(10_000)) >= t0);
      const survivors = await d.close();
      assert.equal(survivors.length, 1, "the setsid sleep outlived the daemon");
      assert.equal(isAlive(survivors[0]!), false, "close() killed it");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Daemon.waitFor() gives up with a timeout reason that counts what was seen",
  ignore: noDeno,
  async fn() {
    const dir = mkdtempSync(`${tmpdir()}/svbench-test-`);
    try {
      const d = fakeDaemon(
        dir,
        'echo "2026-01-01 00:00:00,000 INFO spawned: \'a\' with pid 1" >> "${2%/*}/supervisord.log"; exec sleep 60',
      );
      await assert.rejects(
        d.waitForLines("success", 1, 300),
        /^BenchAbort: timeout: 1 "success:" lines not seen after 0.3 s \(spawned 1\)$/,
      );
      assert.deepEqual(await d.close(), []);
      assert.ok(d.exited);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
});
