import { deepEqual, equal } from "node:assert/strict";
import type { ProcessConfig } from "../config/schema.ts";
import { programConfig, settle, TestHost } from "./_testing.ts";
import { defaultRestartPolicy, type RestartPolicy } from "./restart_policy.ts";
import { ProcessState } from "./states.ts";
import { Subprocess } from "./subprocess.ts";

function setup(overrides: Partial<ProcessConfig> = {}, policy?: RestartPolicy) {
  const host = new TestHost();
  const config = programConfig(overrides);
  const proc = policy === undefined
    ? new Subprocess(config, "prog", host)
    : new Subprocess(config, "prog", host, null, policy);
  const rt = host.runtime;
  const tick = () => proc.transition(rt.clock.monotonic());
  const advance = (ms: number) => {
    rt.clock.advance(ms);
    tick();
  };
  const exit = async (code: number) => {
    rt.lastChild.exit(code);
    await settle(50);
  };
  return { host, proc, rt, tick, advance, exit };
}

Deno.test("[PROC.backoff] the default policy: n seconds before retry n, give up after startretries", () => {
  const policy = defaultRestartPolicy({ startretries: 3, autorestart: "unexpected", exitcodes: [0] });
  deepEqual([1, 2, 3, 4].map((n) => policy.retryDelay(n)), [1000, 2000, 3000, null]);
  equal(defaultRestartPolicy({ startretries: -1, autorestart: false, exitcodes: [0] }).retryDelay(1), null);
});

Deno.test("[PROC.autorestart] the default policy: at once after an exit when autorestart asks, else never", () => {
  const unexpected = defaultRestartPolicy({ startretries: 3, autorestart: "unexpected", exitcodes: [0, 2] });
  deepEqual([0, 1, 2, null].map((es) => unexpected.restartDelay(es, 0)), [null, 0, null, 0]);
  equal(defaultRestartPolicy({ startretries: 3, autorestart: true, exitcodes: [0] }).restartDelay(0, 0), 0);
  equal(defaultRestartPolicy({ startretries: 3, autorestart: false, exitcodes: [0] }).restartDelay(1, 0), null);
});

Deno.test("Subprocess follows its policy: the retry delays and the give-up are the policy's", async () => {
  const asked: number[] = [];
  const policy: RestartPolicy = {
    retryDelay: (n) => (asked.push(n), n < 3 ? 500 : null),
    restartDelay: () => null,
  };
  const { proc, rt, tick, advance, exit } = setup({ startretries: 99 }, policy);
  tick();
  await exit(1);
  equal(proc.nextDue(rt.clock.monotonic()), rt.clock.monotonic() + 500);
  advance(499);
  equal(rt.spawns.length, 1);
  advance(1);
  equal(rt.spawns.length, 2);
  await exit(1);
  advance(500);
  await exit(1);
  deepEqual(asked, [1, 2, 3]);
  tick();
  equal(proc.state, ProcessState.FATAL, "null gives up, whatever startretries says");
  equal(rt.spawns.length, 3);
});

Deno.test("Subprocess follows its policy: a restart delay after an exit from RUNNING", async () => {
  const policy: RestartPolicy = { retryDelay: () => null, restartDelay: (es) => (es === 3 ? 2000 : null) };
  const { proc, rt, tick, advance, exit } = setup({ startsecs: 0 }, policy);
  tick();
  tick();
  equal(proc.state, ProcessState.RUNNING);
  await exit(3);
  equal(proc.state, ProcessState.EXITED);
  const now = rt.clock.monotonic();
  equal(proc.nextDue(now), now + 2000);
  advance(1999);
  equal(rt.spawns.length, 1);
  advance(1);
  equal(rt.spawns.length, 2);
  tick();
  await exit(4);
  equal(proc.nextDue(rt.clock.monotonic()), null, "null: it stays EXITED");
});

Deno.test("[PROC.autorestart] by default an exit from RUNNING with autorestart=true is due at once", async () => {
  const { proc, rt, tick, exit } = setup({ startsecs: 0, autorestart: true });
  tick();
  tick();
  await exit(0);
  equal(proc.nextDue(rt.clock.monotonic()), rt.clock.monotonic());
  tick();
  equal(rt.spawns.length, 2);
});

Deno.test("the start gate holds autostart, autorestart and retries, and nothing is due while it is closed", async () => {
  const { host, proc, rt, tick, advance, exit } = setup({ startsecs: 0, autorestart: true, startretries: 5 });
  let open = false;
  host.gate = () => open;
  tick();
  equal(proc.state, ProcessState.STOPPED, "autostart is held");
  equal(proc.nextDue(rt.clock.monotonic()), null, "a closed gate is not a due time (no busy timer)");
  open = true;
  tick();
  tick();
  equal(proc.state, ProcessState.RUNNING);
  open = false;
  await exit(1);
  tick();
  equal(proc.state, ProcessState.EXITED, "autorestart is held");
  equal(proc.nextDue(rt.clock.monotonic()), null);
  open = true;
  rt.spawnError = new Error("spawn failed");
  tick();
  equal(proc.state, ProcessState.BACKOFF, "the restart's spawn failed");
  open = false;
  advance(5000);
  equal(proc.state, ProcessState.BACKOFF, "the retry is held");
  equal(proc.nextDue(rt.clock.monotonic()), null);
  open = true;
  tick();
  equal(proc.state, ProcessState.STARTING);
  equal(rt.spawns.length, 2, "autostart, then the retry (the failed spawn made no child)");
});

Deno.test("the start gate does not hold a requested start, nor giving up", async () => {
  const { host, proc, rt, tick, exit } = setup({ autostart: false, startretries: 0 });
  host.gate = () => false;
  proc.spawn();
  equal(proc.state, ProcessState.STARTING);
  await exit(1);
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.nextDue(rt.clock.monotonic()), rt.clock.monotonic(), "giving up is due at once");
  tick();
  equal(proc.state, ProcessState.FATAL);
});
