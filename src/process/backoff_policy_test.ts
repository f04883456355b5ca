import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { ProcessState, processStateName } from "../states.ts";
import { describeBackoff, installBackoffDescriptions } from "./backoff_describe.ts";
import { BackoffPolicy, restartPolicyFor } from "./backoff_policy.ts";
import { ProcessControl } from "./control.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { Supervisor } from "./supervisor.ts";

/** One program `worker` on an engine over the fake runtime and its manual clock. */
async function engine(config: Partial<ProcessConfig>) {
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  installBackoffDescriptions(sup);
  const processes = [programConfig({ name: "worker", command: "/bin/worker", ...config })];
  await sup.addProcessGroup({ kind: "program", name: "worker", priority: 1, processes });
  void sup.run();
  await settle(40);
  const proc = sup.allProcesses()[0]!;
  const state = () => processStateName(proc.state);
  /** Ends the running child with `code` and lets the engine see it. */
  const crash = async (code = 1) => {
    runtime.lastChild.exit(code);
    await settle(60);
  };
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(60);
  };
  /** Asserts the next spawn comes exactly `ms` after now: not 1 ms sooner. */
  const expectGap = async (ms: number, what: string) => {
    const spawns = runtime.spawns.length;
    await advance(ms - 1);
    equal(runtime.spawns.length, spawns, `${what}: not before ${ms} ms`);
    await advance(1);
    equal(runtime.spawns.length, spawns + 1, `${what}: at ${ms} ms`);
  };
  const description = (base = "") => describeBackoff(proc, base, runtime.clock.monotonic());
  return { sup, runtime, logger, proc, state, crash, advance, expectGap, description };
}

Deno.test("backoff=python (default): 1, 2, 3 s after failed starts, then FATAL; no extra log line", async () => {
  const t = await engine({ startretries: 3 });
  for (const gap of [1000, 2000, 3000]) {
    await t.crash();
    equal(t.state(), "BACKOFF");
    await t.expectGap(gap, `python gap ${gap}`);
  }
  await t.crash();
  equal(t.state(), "FATAL");
  ok(!t.logger.lines.some((l) => l.includes("waiting ")), "the main log stays supervisord's");
  equal((t.proc.policy as BackoffPolicy).extended, false, "supervisord's own schedule, and nothing more");
});

Deno.test("backoff=exponential, delay 1s, max 8s: gaps 1, 2, 4, 8, 8 s; FATAL after startretries", async () => {
  const t = await engine({ backoff: "exponential", backoff_delay: 1, backoff_max: 8, startretries: 5 });
  for (const gap of [1000, 2000, 4000, 8000, 8000]) {
    await t.crash();
    await t.expectGap(gap, `exponential gap ${gap}`);
  }
  await t.crash();
  equal(t.state(), "FATAL");
  deepEqual(
    t.logger.lines.filter((l) => l.includes("waiting ")).slice(3),
    [
      "INFO waiting 8.0s before restarting 'worker' (attempt 4)",
      "INFO waiting 8.0s before restarting 'worker' (attempt 5)",
    ],
  );
});

Deno.test("backoff=fixed and a factor of 1.5: the schedules are exact", async () => {
  const fixed = await engine({ backoff: "fixed", backoff_delay: 2.5 });
  for (let i = 0; i < 3; i++) {
    await fixed.crash();
    await fixed.expectGap(2500, "fixed");
  }
  const pm2 = await engine({ backoff: "exponential", backoff_delay: 0.1, backoff_factor: 1.5, startretries: 10 });
  for (const gap of [100, 150, 225, 338]) {
    await pm2.crash();
    await pm2.expectGap(gap, `×1.5 gap ${gap}`);
  }
});

Deno.test("retry_forever: still BACKOFF after 20 failed starts, at the cap", async () => {
  const t = await engine({
    backoff: "exponential",
    backoff_delay: 1,
    backoff_max: 8,
    startretries: 3,
    retry_forever: true,
  });
  for (let i = 0; i < 20; i++) {
    await t.crash();
    equal(t.state(), "BACKOFF", `failure ${i + 1}`);
    await t.advance(Math.min(2 ** i, 8) * 1000);
  }
  equal(t.runtime.spawns.length, 21);
  await t.crash();
  equal(
    t.description("Exited too quickly (process log may have details)"),
    "Exited too quickly (process log may have details); retry 21 in 8.0s",
  );
});

Deno.test("python with retry_forever: the linear schedule never gives up; backoff_max caps it", async () => {
  const t = await engine({ startretries: 1, retry_forever: true, backoff_max: 3 });
  for (const gap of [1000, 2000, 3000, 3000, 3000]) {
    await t.crash();
    await t.expectGap(gap, `python forever ${gap}`);
  }
});

Deno.test("exits from RUNNING wait too (EXITED meanwhile); a run of backoff_reset_after resets the delay", async () => {
  const t = await engine({
    backoff: "exponential",
    backoff_delay: 1,
    backoff_max: 60,
    autorestart: true,
    startsecs: 1,
    backoff_reset_after: 30,
  });
  for (const gap of [1000, 2000, 4000]) {
    await t.advance(2000); // RUNNING for 2 s
    equal(t.state(), "RUNNING");
    await t.crash();
    equal(t.state(), "EXITED", "waiting in EXITED, as Python's states go");
    equal(t.description("Jan 01 12:00 AM"), `Jan 01 12:00 AM; restarting in ${(gap / 1000).toFixed(1)}s`);
    await t.expectGap(gap, `crash loop ${gap}`);
  }
  await t.advance(30_000);
  await t.crash();
  await t.expectGap(1000, "after 30 s of uptime the delay is back to the first");
});

Deno.test("a start by hand while EXITED waits spawns at once and keeps the count; a stop cancels the wait", async () => {
  const t = await engine({ backoff: "exponential", backoff_delay: 1, autorestart: true, startsecs: 1 });
  const control = new ProcessControl(t.sup);
  await t.advance(2000);
  await t.crash();
  await t.expectGap(1000, "first");
  await t.advance(2000);
  await t.crash();
  equal(t.proc.restartPending, true);
  await control.startProcess(t.proc, { wait: false });
  await settle(20);
  equal(t.state(), "STARTING");
  await t.advance(2000);
  await t.crash();
  deepEqual(t.logger.lines.slice(-2), [
    "WARN exited: worker (exit status 1; not expected)",
    "INFO waiting 4.0s before restarting 'worker' (attempt 3)",
  ]);
  const stopped = await control.stopProcess(t.proc, { wait: false });
  equal(stopped.ok, false, "not running, as Python answers for EXITED");
  equal(t.proc.restartPending, false);
  const spawns = t.runtime.spawns.length;
  await t.advance(60_000);
  equal(t.runtime.spawns.length, spawns, "the delayed restart was cancelled");
  equal(t.proc.state, ProcessState.EXITED);
});

Deno.test("a BACKOFF description counts the retries and the time left; startProcess on BACKOFF is refused as in Python", async () => {
  const t = await engine({ backoff: "exponential", backoff_delay: 1, startretries: 5 });
  for (const gap of [1000, 2000, 4000]) {
    await t.crash();
    await t.advance(gap);
  }
  await t.crash();
  await t.advance(500);
  equal(
    t.description("Exited too quickly (process log may have details)"),
    "Exited too quickly (process log may have details); retry 4 in 7.5s",
  );
  const refused = await new ProcessControl(t.sup).startProcess(t.proc, { wait: false });
  equal(refused.ok, false);
  equal(refused.ok ? "" : refused.reason, "already_started");
});

Deno.test("jitter moves each delay by up to ± its fraction", () => {
  const logger = new RecordingLogger("info");
  const clock = new FakeRuntime().clock;
  const config = programConfig({
    name: "w",
    backoff: "fixed",
    backoff_delay: 10,
    backoff_jitter: 0.2,
    startretries: 9,
  });
  const low = new BackoffPolicy(config, { clock, logger, random: () => 0 });
  const high = new BackoffPolicy(config, { clock, logger, random: () => 0.999999 });
  const mid = new BackoffPolicy(config, { clock, logger, random: () => 0.5 });
  deepEqual([low.retryDelay(1), high.retryDelay(1), mid.retryDelay(1)], [8000, 12000, 10000]);
  equal(restartPolicyFor(programConfig(), { clock, logger }).extended, false);
});
