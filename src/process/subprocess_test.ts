import { deepEqual, equal, ok } from "node:assert/strict";
import { programConfig, settle, TestHost } from "./_testing.ts";
import type { ChildOutput } from "../logging/types.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { SpawnError } from "./exec_args.ts";
import { ProcessState, processStateName, SupervisorState } from "./states.ts";
import { Subprocess } from "./subprocess.ts";
import type { ProcessConfig } from "../config/schema.ts";
import { errorForCode } from "../runtime/errors.ts";

function setup(overrides: Partial<ProcessConfig> = {}) {
  const host = new TestHost();
  const proc = new Subprocess(programConfig(overrides), "prog", host);
  const rt = host.runtime;
  const tick = () => proc.transition(rt.clock.monotonic());
  const advance = (ms: number) => {
    rt.clock.advance(ms);
    tick();
  };
  /** The running child exits with `code` (or dies by `signal`) and is finished. */
  const exit = async (code: number | string) => {
    const child = rt.lastChild;
    if (typeof code === "number") child.exit(code);
    else child.terminate(code);
    await settle(50);
  };
  return { host, proc, rt, tick, advance, exit, log: host.logger };
}

Deno.test("[PROC.autostart,MLOG.spawned] transition() spawns a never-started autostart process", () => {
  const { proc, rt, tick, log } = setup();
  tick();
  equal(proc.state, ProcessState.STARTING);
  equal(rt.spawns.length, 1);
  equal(proc.pid, rt.lastChild.pid);
  deepEqual(log.important, [`INFO spawned: 'prog' with pid ${proc.pid}`]);
});

Deno.test("[PROC.autostart] transition() leaves autostart=false and once-started processes alone", async () => {
  const a = setup({ autostart: false });
  a.tick();
  equal(a.proc.state, ProcessState.STOPPED);
  equal(a.rt.spawns.length, 0);
  const b = setup({ startsecs: 0 });
  b.tick();
  b.tick();
  b.proc.stop();
  await b.exit("SIGTERM");
  equal(b.proc.state, ProcessState.STOPPED);
  b.tick();
  equal(b.rt.spawns.length, 1);
});

Deno.test("[PROC.autostart] nothing is spawned unless supervisord is RUNNING", () => {
  const { host, proc, tick } = setup();
  host.moodValue = SupervisorState.SHUTDOWN;
  tick();
  equal(proc.state, ProcessState.STOPPED);
  equal(proc.nextDue(0), null);
});

Deno.test("[PROC.startsecs,MLOG.success] STARTING becomes RUNNING once startsecs elapse, with the success line", () => {
  const { proc, tick, advance, log, host } = setup({ startsecs: 1 });
  tick();
  advance(999);
  equal(proc.state, ProcessState.STARTING);
  equal(proc.nextDue(999), 1000);
  advance(1);
  equal(proc.state, ProcessState.RUNNING);
  equal(
    log.important.at(-1),
    "INFO success: prog entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
  );
  deepEqual(host.changes, ["STOPPED->STARTING", "STARTING->RUNNING"]);
});

Deno.test("[PROC.startsecs] startsecs=0 still needs one more transition to reach RUNNING", () => {
  const { proc, tick } = setup({ startsecs: 0 });
  tick();
  equal(proc.state, ProcessState.STARTING);
  tick();
  equal(proc.state, ProcessState.RUNNING);
});

Deno.test("[PROC.tooquick,MLOG.exited] an exit before startsecs is BACKOFF and not expected, even with code 0", async () => {
  const { proc, tick, advance, exit, log } = setup({ startsecs: 5 });
  tick();
  advance(4000);
  await exit(0);
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.spawnerr, "Exited too quickly (process log may have details)");
  equal(proc.exitstatus, null);
  equal(log.important.at(-1), "WARN exited: prog (exit status 0; not expected)");
});

Deno.test("[PROC.backoff,MLOG.gaveup] retries come 1 s, 2 s, 3 s apart; startretries+1 attempts, then FATAL", async () => {
  const { proc, rt, tick, advance, exit, log, host } = setup({ startretries: 2 });
  tick();
  await exit(1);
  equal(proc.backoff, 1);
  advance(999);
  equal(rt.spawns.length, 1, "no retry until the delay has passed");
  advance(1);
  equal(rt.spawns.length, 2);
  await exit(1);
  equal(proc.backoff, 2);
  advance(1999);
  equal(rt.spawns.length, 2);
  advance(1);
  equal(rt.spawns.length, 3);
  await exit(1);
  equal(proc.backoff, 3);
  tick();
  equal(proc.state, ProcessState.FATAL);
  equal(rt.spawns.length, 3);
  equal(proc.backoff, 0);
  equal(proc.spawnerr, "Exited too quickly (process log may have details)");
  equal(log.important.at(-1), "INFO gave up: prog entered FATAL state, too many start retries too quickly");
  deepEqual(host.changes.slice(-2), ["STARTING->BACKOFF", "BACKOFF->FATAL"]);
});

Deno.test("[PROC.backoff] retries happen even with autorestart=false", async () => {
  const { rt, tick, advance, exit } = setup({ autorestart: false });
  tick();
  await exit(0);
  advance(1001);
  equal(rt.spawns.length, 2);
});

Deno.test("[PROC.spawnerr,MLOG.spawnerr] a spawn error goes to BACKOFF at once and logs spawnerr", () => {
  const { proc, tick, log, host, rt } = setup();
  host.prepareError = new SpawnError("NotFound", "can't find command '/bin/prog'");
  tick();
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.spawnerr, "can't find command '/bin/prog'");
  equal(rt.spawns.length, 0);
  deepEqual(log.important, ["INFO spawnerr: can't find command '/bin/prog'"]);
  deepEqual(host.changes, ["STOPPED->STARTING", "STARTING->BACKOFF"]);
});

Deno.test("[PROC.spawnerr] a fork failure from the runtime becomes supervisord's spawnerr text", () => {
  const { proc, tick, rt } = setup();
  rt.spawnError = errorForCode("EAGAIN", "fork: Resource temporarily unavailable");
  tick();
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.spawnerr, "Too many processes in process table to spawn 'prog'");
});

Deno.test("[PROC.exit,PROC.autorestart,MLOG.exited] an expected exit is EXITED and not restarted under autorestart=unexpected", async () => {
  const { proc, rt, tick, advance, exit, log, host } = setup();
  tick();
  advance(1000);
  await exit(0);
  equal(proc.state, ProcessState.EXITED);
  equal(proc.exitstatus, 0);
  equal(log.important.at(-1), "INFO exited: prog (exit status 0; expected)");
  equal(host.changes.at(-1), "RUNNING->EXITED expected:1");
  equal(proc.nextDue(rt.clock.monotonic()), null);
  tick();
  equal(rt.spawns.length, 1);
});

Deno.test("[PROC.exit,PROC.autorestart,MLOG.exited] an unexpected exit is restarted under autorestart=unexpected", async () => {
  const { proc, rt, tick, advance, exit, log, host } = setup({ exitcodes: [0, 2] });
  tick();
  advance(1000);
  await exit(3);
  equal(proc.state, ProcessState.EXITED);
  equal(proc.spawnerr, "Bad exit code 3");
  equal(log.important.at(-1), "WARN exited: prog (exit status 3; not expected)");
  equal(host.changes.at(-1), "RUNNING->EXITED expected:0");
  equal(proc.nextDue(rt.clock.monotonic()), rt.clock.monotonic());
  tick();
  equal(proc.state, ProcessState.STARTING);
  equal(rt.spawns.length, 2);
});

Deno.test("[PROC.autorestart,PROC.status_text] a signal death counts as unexpected", async () => {
  const { proc, rt, tick, advance, exit, log } = setup();
  tick();
  advance(1000);
  await exit("SIGKILL");
  equal(proc.exitstatus, -1);
  equal(log.important.at(-1), "WARN exited: prog (terminated by SIGKILL; not expected)");
  tick();
  equal(rt.spawns.length, 2);
});

Deno.test("[PROC.autorestart] autorestart=true restarts an expected exit; false never restarts", async () => {
  const a = setup({ autorestart: true });
  a.tick();
  a.advance(1000);
  await a.exit(0);
  a.tick();
  equal(a.rt.spawns.length, 2);
  const b = setup({ autorestart: false });
  b.tick();
  b.advance(1000);
  await b.exit(1);
  b.tick();
  equal(b.rt.spawns.length, 1);
  equal(b.proc.state, ProcessState.EXITED);
});

Deno.test("[PROC.exitlate] an exit past startsecs while still STARTING passes through RUNNING", async () => {
  const { proc, rt, tick, exit, host, log } = setup({ startsecs: 1 });
  tick();
  rt.clock.advance(1500);
  await exit(0);
  deepEqual(host.changes, ["STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->EXITED expected:1"]);
  equal(proc.state, ProcessState.EXITED);
  ok(!log.lines.some((l) => l.includes("success:")));
});

Deno.test("[PROC.stop,PROC.stopped,MLOG.killing,MLOG.stopped] stop sends stopsignal, enters STOPPING, and the exit makes STOPPED", async () => {
  const { proc, rt, tick, advance, exit, log, host } = setup();
  tick();
  advance(1000);
  const pid = proc.pid;
  equal(proc.stop(), null);
  equal(proc.state, ProcessState.STOPPING);
  deepEqual(rt.kills, [{ pid, signal: 15 }]);
  equal(log.lines.at(-1), `DEBG killing prog (pid ${pid}) with signal SIGTERM`);
  await exit("SIGTERM");
  equal(proc.state, ProcessState.STOPPED);
  equal(proc.exitstatus, -1);
  equal(log.lines.at(-1), "WARN stopped: prog (terminated by SIGTERM)");
  equal(host.changes.at(-1), "STOPPING->STOPPED");
});

Deno.test("[PROC.stopped,MLOG.stopped] a stop that ends with an expected exit code logs at INFO", async () => {
  const { tick, advance, exit, log, proc } = setup();
  tick();
  advance(1000);
  proc.stop();
  await exit(0);
  equal(log.lines.at(-1), "INFO stopped: prog (exit status 0)");
});

Deno.test("[PROC.kill9,MLOG.killing9] a child that ignores the stop signal gets SIGKILL after stopwaitsecs, repeatedly", () => {
  const { proc, rt, tick, advance, log } = setup({ stopwaitsecs: 3, stopsignal: 2 });
  tick();
  advance(1000);
  const pid = proc.pid;
  proc.stop();
  advance(2999);
  deepEqual(rt.kills.map((k) => k.signal), [2]);
  equal(proc.nextDue(rt.clock.monotonic()), 4000);
  advance(1);
  equal(log.lines.at(-2), `WARN killing 'prog' (${pid}) with SIGKILL`);
  deepEqual(rt.kills, [{ pid, signal: 2 }, { pid, signal: 9 }]);
});

Deno.test("[PROC.stop,PROC.kill9,MLOG.killing] stopasgroup signals the group; killasgroup applies to the SIGKILL", () => {
  const { proc, rt, tick, advance, log } = setup({ stopasgroup: true, killasgroup: true, stopwaitsecs: 1 });
  tick();
  advance(1000);
  const pid = proc.pid;
  proc.stop();
  equal(log.lines.at(-1), `DEBG killing prog (pid ${pid}) process group with signal SIGTERM`);
  advance(1000);
  deepEqual(rt.kills, [{ pid: -pid, signal: 15 }, { pid: -pid, signal: 9 }]);
});

Deno.test("[PROC.stop,MLOG.backoffkill] stopping a BACKOFF process makes it STOPPED without a signal", async () => {
  const { proc, rt, tick, exit, log } = setup();
  tick();
  await exit(1);
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.stop(), null);
  equal(proc.state, ProcessState.STOPPED);
  equal(rt.kills.length, 0);
  equal(log.lines.at(-1), "DEBG Attempted to kill prog, which is in BACKOFF state.");
});

Deno.test("[PROC.stop] stopping a process without a pid returns supervisord's message", () => {
  const { proc } = setup({ autostart: false });
  equal(proc.kill(15), "attempted to kill prog with sig SIGTERM but it wasn't running");
});

Deno.test("[PROC.stop,MLOG.esrch] ESRCH while stopping is ignored and the exit is awaited", () => {
  const { proc, rt, tick, advance, log } = setup();
  tick();
  advance(1000);
  rt.lastChild.status = { code: 0, signal: null };
  equal(proc.stop(), null);
  equal(proc.state, ProcessState.STOPPING);
  ok(log.lines.at(-1)!.startsWith(`DEBG unable to signal prog (pid ${proc.pid}), it probably just exited on its own:`));
});

Deno.test("[PROC.signal,MLOG.sending] signal() sends to the pid only and changes no state", () => {
  const { proc, rt, tick, advance, log } = setup({ stopasgroup: true });
  tick();
  advance(1000);
  equal(proc.signal(10), null);
  deepEqual(rt.kills, [{ pid: proc.pid, signal: 10 }]);
  equal(proc.state, ProcessState.RUNNING);
  equal(log.lines.at(-1), `DEBG sending prog (pid ${proc.pid}) sig SIGUSR1`);
});

Deno.test("[PROC.alreadyrunning,MLOG.already] spawn() on a process with a pid warns and does nothing", () => {
  const { proc, rt, tick, log } = setup();
  tick();
  equal(proc.spawn(), null);
  equal(rt.spawns.length, 1);
  equal(log.lines.at(-1), "WARN process 'prog' already running");
});

Deno.test("Subprocess records wall-clock start and stop times for RPC", async () => {
  const { proc, rt, tick, advance, exit } = setup();
  tick();
  equal(proc.laststartWall, rt.clock.now() / 1000);
  advance(1000);
  await exit(0);
  equal(proc.laststopWall, rt.clock.now() / 1000);
});

Deno.test("[PROC.spawn.allowed] spawn starts from STOPPED, EXITED, FATAL and BACKOFF, recording the start and clearing errors", async () => {
  const { proc, rt, tick, advance, exit, host } = setup({ startretries: 0, autorestart: false });
  tick();
  equal(proc.laststart, 0, "laststart = now (monotonic 0)");
  await exit(1);
  equal(proc.state, ProcessState.BACKOFF);
  equal(proc.spawnerr, "Exited too quickly (process log may have details)");
  rt.clock.advance(5000);
  equal(proc.spawn(), rt.lastChild.pid, "from BACKOFF");
  equal(proc.spawnerr, null);
  equal(proc.laststart, 5000);
  advance(1000);
  await exit(3);
  equal(proc.state, ProcessState.EXITED);
  equal(proc.exitstatus, 3);
  ok(proc.spawn() !== null, "from EXITED");
  equal(proc.exitstatus, null);
  await exit(1);
  tick();
  equal(proc.state, ProcessState.FATAL);
  ok(proc.spawn() !== null, "from FATAL");
  advance(1000);
  proc.stop();
  await exit("SIGTERM");
  equal(proc.state, ProcessState.STOPPED);
  ok(proc.spawn() !== null, "from STOPPED");
  equal(rt.spawns.length, 5);
  deepEqual(host.changes.filter((c) => c.endsWith("->STARTING")), [
    "STOPPED->STARTING",
    "BACKOFF->STARTING",
    "EXITED->STARTING",
    "FATAL->STARTING",
    "STOPPED->STARTING",
  ]);
});

Deno.test("[PROC.spawn.allowed] the STARTING event carries the current backoff count as tries", async () => {
  const runtime = new FakeRuntime();
  const tries: number[] = [];
  const host = new TestHost(runtime);
  host.stateChanged = (proc, _from, to) => {
    if (to === ProcessState.STARTING) tries.push(proc.backoff);
  };
  const proc = new Subprocess(programConfig({ startretries: 3 }), "prog", host);
  proc.transition(0);
  runtime.lastChild.exit(1);
  await settle(50);
  runtime.clock.advance(1001);
  proc.transition(runtime.clock.monotonic());
  runtime.lastChild.exit(1);
  await settle(50);
  runtime.clock.advance(2001);
  proc.transition(runtime.clock.monotonic());
  deepEqual(tries, [0, 1, 2]);
});

Deno.test("[PROC.unknown,PROC.stop,PROC.signal] an unexpected error while signalling is CRIT with the traceback and the state becomes UNKNOWN", () => {
  for (
    const [what, act] of [["killing", (p: Subprocess) => p.stop()], [
      "sending sig",
      (p: Subprocess) => p.signal(1),
    ]] as const
  ) {
    const { proc, rt, tick, advance, log, host } = setup();
    tick();
    advance(1000);
    const pid = proc.pid;
    rt.kill = () => {
      throw new Error("EPERM: operation not permitted");
    };
    const msg = act(proc);
    ok(msg !== null && msg.startsWith(`unknown problem ${what} prog (${pid}):Error: EPERM: operation not permitted`));
    equal(log.lines.at(-1), `CRIT ${msg}`);
    equal(proc.state, ProcessState.UNKNOWN);
    equal(host.changes.at(-1), what === "killing" ? "STOPPING->UNKNOWN" : "RUNNING->UNKNOWN");
  }
});

Deno.test("[PROC.stop,PROC.signal,MLOG.notrunning] both 'wasn't running' messages are logged at DEBG", () => {
  const { proc, log } = setup({ autostart: false });
  equal(proc.kill(9), "attempted to kill prog with sig SIGKILL but it wasn't running");
  equal(proc.signal(1), "attempted to send prog sig SIGHUP but it wasn't running");
  deepEqual(log.lines, [
    "DEBG attempted to kill prog with sig SIGKILL but it wasn't running",
    "DEBG attempted to send prog sig SIGHUP but it wasn't running",
  ]);
});

Deno.test("[PROC.signal,MLOG.esrch] ESRCH while sending a signal is logged at DEBG ('just now') and ignored", () => {
  const { proc, rt, tick, advance, log } = setup();
  tick();
  advance(1000);
  rt.lastChild.status = { code: 0, signal: null };
  equal(proc.signal(10), null);
  equal(proc.state, ProcessState.RUNNING);
  ok(
    log.lines.at(-1)!.startsWith(
      `DEBG unable to signal prog (pid ${proc.pid}), it probably just now exited on its own:`,
    ),
  );
});

Deno.test("[PROC.clock] a wall-clock jump backwards changes no duration: startsecs and stopwaitsecs run on monotonic time", async () => {
  const { proc, rt, tick, advance, exit, log } = setup({ startsecs: 2, stopwaitsecs: 2 });
  tick();
  rt.clock.jumpWall(-3_600_000);
  advance(1999);
  equal(proc.state, ProcessState.STARTING);
  advance(1);
  equal(proc.state, ProcessState.RUNNING, "startsecs counted on the monotonic clock");
  rt.clock.jumpWall(-3_600_000);
  proc.stop();
  advance(1999);
  deepEqual(rt.kills.map((k) => k.signal), [15]);
  advance(1);
  deepEqual(rt.kills.map((k) => k.signal), [15, 9], "stopwaitsecs not stretched by the jump");
  await exit("SIGKILL");
  proc.spawn();
  rt.clock.jumpWall(-3_600_000);
  advance(2500);
  await exit(1);
  equal(proc.state, ProcessState.EXITED, "a run of 2.5 s is not 'too quick' after a jump");
  ok(!log.lines.some((l) => l.includes("laststart time is in the future")));
});

Deno.test("[PROC.reap] output still in the pipes when the child exits is logged before the process is finished", async () => {
  const host = new TestHost();
  const rt = host.runtime;
  const seen: string[] = [];
  const output: ChildOutput = {
    open: () => {},
    drain: async (channel, stream) => {
      for await (const chunk of stream) seen.push(`${channel}:${new TextDecoder().decode(chunk)}`);
    },
    clear: () => Promise.resolve(),
    reopen: () => Promise.resolve(),
    close: () => Promise.resolve(),
    logfile: () => "",
    onOutput: null,
    onComm: null,
  };
  host.stateChanged = (_p, from, to) => seen.push(`${processStateName(from)}->${processStateName(to)}`);
  const proc = new Subprocess(programConfig({ startsecs: 0 }), "prog", host, output);
  proc.transition(0);
  proc.transition(0);
  rt.lastChild.writeStdout("last words");
  rt.lastChild.writeStderr("last error");
  rt.lastChild.exit(0);
  await settle(50);
  deepEqual(seen, [
    "STOPPED->STARTING",
    "STARTING->RUNNING",
    "stdout:last words",
    "stderr:last error",
    "RUNNING->EXITED",
  ]);
});
