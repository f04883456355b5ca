import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { ProcessState, processStateName } from "./states.ts";
import { type EngineHost, type RunOutcome, Supervisor } from "./supervisor.ts";

function group(name: string, priority: number, procs: Partial<ProcessConfig>[]): ProcessGroupConfig {
  return {
    kind: "program",
    name,
    priority,
    processes: procs.map((p, i) => programConfig({ name: `${name}_${i}`, command: `/bin/${name}`, priority, ...p })),
  };
}

async function setup(groups: ProcessGroupConfig[]) {
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  };
  const sup = new Supervisor(host);
  for (const g of groups) await sup.addProcessGroup(g);
  let outcome: RunOutcome | null = null;
  sup.run().then((o) => (outcome = o));
  await settle();
  const states = () => sup.allProcesses().map((p) => `${p.name}:${processStateName(p.state)}`);
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle();
  };
  return { sup, runtime, logger, states, advance, outcome: () => outcome };
}

Deno.test("[PROC.order.start] autostart spawns every process in one pass, groups by priority", async () => {
  const { runtime, logger } = await setup([group("b", 20, [{}]), group("a", 10, [{}, {}]), group("c", 20, [{}])]);
  deepEqual(runtime.spawns.map((c) => c.options.path), ["/bin/a", "/bin/a", "/bin/b", "/bin/c"]);
  equal(logger.lines.filter((l) => l.includes("spawned:")).length, 4);
});

Deno.test("[PROC.startsecs] the engine wakes itself when startsecs elapse, without polling", async () => {
  const { runtime, states, advance } = await setup([group("a", 1, [{ startsecs: 2 }])]);
  equal(runtime.clock.pending, 1, "one timer, for the startsecs deadline");
  await advance(1999);
  deepEqual(states(), ["a_0:STARTING"]);
  await advance(1);
  deepEqual(states(), ["a_0:RUNNING"]);
  equal(runtime.clock.pending, 0, "nothing is due: no timer at all");
});

Deno.test("[PROC.autorestart] a killed autorestart child is respawned at once", async () => {
  const { runtime, states, advance } = await setup([group("a", 1, [{ startsecs: 0, autorestart: true }])]);
  await advance(0);
  deepEqual(states(), ["a_0:RUNNING"]);
  runtime.kill(runtime.lastChild.pid, "SIGKILL");
  await settle(60);
  equal(runtime.spawns.length, 2);
});

Deno.test("[PROC.order.shutdown,SIG.exit,MLOG.sig.exit,MLOG.waitdie] SIGTERM stops one group at a time, highest priority first", async () => {
  const { sup, runtime, logger, states, outcome } = await setup([
    group("low", 1, [{ startsecs: 0 }]),
    group("high", 9, [{ startsecs: 0 }, { startsecs: 0 }]),
  ]);
  await settle();
  deepEqual(states(), ["low_0:RUNNING", "high_0:RUNNING", "high_1:RUNNING"]);
  const [low, high0, high1] = runtime.spawns;
  sup.handleSignal("SIGTERM");
  await settle();
  equal(logger.lines.at(-2), "WARN received SIGTERM indicating exit request");
  equal(logger.lines.at(-1), "INFO waiting for low_0, high_0, high_1 to die");
  deepEqual(runtime.kills.map((k) => k.pid), [high1!.pid, high0!.pid], "only the last group is signalled");
  high0!.terminate("SIGTERM");
  high1!.terminate("SIGTERM");
  await settle(80);
  deepEqual(runtime.kills.map((k) => k.pid), [high1!.pid, high0!.pid, low!.pid]);
  equal(outcome(), null);
  low!.terminate("SIGTERM");
  await settle(80);
  equal(outcome(), "shutdown");
  ok(logger.lines.includes("WARN stopped: low_0 (terminated by SIGTERM)"));
});

Deno.test("[PROC.order.shutdown] BACKOFF processes go to FATAL at shutdown", async () => {
  const { sup, runtime, states, outcome } = await setup([group("a", 1, [{}])]);
  runtime.lastChild.exit(1);
  await settle(60);
  deepEqual(states(), ["a_0:BACKOFF"]);
  sup.shutdown();
  await settle(60);
  deepEqual(states(), ["a_0:FATAL"]);
  equal(outcome(), "shutdown");
});

Deno.test("[PROC.order.shutdown,MLOG.waitdie] the waiting report repeats every 3 s while processes survive", async () => {
  const { sup, logger, advance } = await setup([group("a", 1, [{ stopwaitsecs: 100 }])]);
  sup.shutdown();
  await settle();
  const waits = () => logger.lines.filter((l) => l.startsWith("INFO waiting for a_0 to die")).length;
  equal(waits(), 1);
  await advance(3000);
  equal(waits(), 1);
  await advance(1);
  equal(waits(), 2);
});

Deno.test("[SIG.hup,MLOG.sig.restart] SIGHUP stops everything and reports a restart; SIGHUP during shutdown is ignored", async () => {
  const a = await setup([group("a", 1, [{ startsecs: 0 }])]);
  a.sup.handleSignal("SIGHUP");
  await settle();
  equal(a.logger.lines.at(-2), "WARN received SIGHUP indicating restart request");
  a.runtime.lastChild.terminate("SIGTERM");
  await settle(60);
  equal(a.outcome(), "restart");
  const b = await setup([group("a", 1, [{ startsecs: 0 }])]);
  b.sup.handleSignal("SIGTERM");
  b.sup.handleSignal("SIGHUP");
  ok(b.logger.lines.includes("WARN ignored SIGHUP indicating restart request (shutdown in progress)"));
  b.runtime.lastChild.terminate("SIGTERM");
  await settle(60);
  equal(b.outcome(), "shutdown");
});

Deno.test("[SIG.usr2,MLOG.sig.usr2] SIGUSR2 logs the reopen request", async () => {
  const { sup, logger } = await setup([]);
  sup.handleSignal("SIGUSR2");
  deepEqual(logger.lines.slice(-2), [
    "INFO received SIGUSR2 indicating log reopen request",
    "INFO supervisord logreopen",
  ]);
});

Deno.test("Supervisor.removeProcessGroup() refuses a group with running processes", async () => {
  const { sup, runtime } = await setup([group("a", 1, [{ startsecs: 0 }])]);
  equal(await sup.removeProcessGroup("a"), false);
  sup.allProcesses()[0]!.stop();
  runtime.lastChild.terminate("SIGTERM");
  await settle(60);
  equal(sup.allProcesses()[0]!.state, ProcessState.STOPPED);
  equal(await sup.removeProcessGroup("a"), true);
  equal(sup.groups.size, 0);
});

Deno.test("[EVT.payload.state,EVT.payload.group,EVT.payload.supervisor] the engine emits group, supervisor and state events", async () => {
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  const seen: string[] = [];
  sup.bus.subscribe("EVENT", (e) => seen.push(`${e.type} ${e.payload}`));
  await sup.addProcessGroup(group("a", 1, [{ startsecs: 0 }]));
  sup.run();
  await settle(20);
  const pid = runtime.lastChild.pid;
  runtime.lastChild.exit(3);
  await settle(60);
  deepEqual(seen.slice(0, 5), [
    "PROCESS_GROUP_ADDED groupname:a\n",
    "SUPERVISOR_STATE_CHANGE_RUNNING ",
    "PROCESS_STATE_STARTING processname:a_0 groupname:a from_state:STOPPED tries:0",
    `PROCESS_STATE_RUNNING processname:a_0 groupname:a from_state:STARTING pid:${pid}`,
    `PROCESS_STATE_EXITED processname:a_0 groupname:a from_state:RUNNING expected:0 pid:${pid}`,
  ]);
});

Deno.test("[EVT.tick] ticks need a subscriber: no timer is armed for them otherwise", async () => {
  const { sup, runtime } = await setup([]);
  equal(runtime.clock.pending, 0);
  const ticks: string[] = [];
  sup.bus.subscribe("TICK_5", (e) => ticks.push(e.payload));
  sup.wake();
  await settle();
  equal(runtime.clock.pending, 1);
  runtime.clock.advance(5001);
  await settle();
  equal(ticks.length, 1);
  ok(ticks[0]!.startsWith("when:"));
});

Deno.test("[MLOG.statedump,MLOG.waitdie] each shutdown report is followed by one BLAT state line per unstopped process", async () => {
  const { sup, logger } = await setup([group("a", 1, [{ startsecs: 100 }]), group("b", 2, [{ stopwaitsecs: 100 }])]);
  logger.level = "blather";
  sup.shutdown();
  await settle();
  const report = logger.lines.findIndex((l) => l.startsWith("INFO waiting for"));
  deepEqual(logger.lines.slice(report, report + 3), [
    "INFO waiting for a_0, b_0 to die",
    "BLAT a_0 state: STARTING",
    "BLAT b_0 state: STOPPING",
  ]);
});

Deno.test("[SIG.exit,MLOG.sig.exit] SIGINT and SIGQUIT are exit requests too", async () => {
  for (const sig of ["SIGINT", "SIGQUIT"] as const) {
    const { sup, logger, runtime, outcome } = await setup([group("a", 1, [{ startsecs: 0 }])]);
    sup.handleSignal(sig);
    await settle();
    ok(logger.lines.includes(`WARN received ${sig} indicating exit request`));
    runtime.lastChild.terminate("SIGTERM");
    await settle(60);
    equal(outcome(), "shutdown");
  }
});

Deno.test("[GEN.mainloop] nothing waits for a poll: spawns, restarts and stops happen without the clock moving", async () => {
  const { sup, runtime, states, outcome } = await setup([group("a", 1, [{ startsecs: 0, autorestart: true }])]);
  equal(runtime.spawns.length, 1, "the first autostart spawn needs no 1 s poll");
  await settle();
  deepEqual(states(), ["a_0:RUNNING"], "startsecs=0 is promoted on the next pass, not a second later");
  runtime.lastChild.exit(0);
  await settle(60);
  equal(runtime.spawns.length, 2, "an autorestart follows the exit at once");
  sup.shutdown();
  await settle();
  equal(runtime.kills.length, 1, "a stop request is acted on at once");
  runtime.lastChild.terminate("SIGTERM");
  await settle(60);
  equal(outcome(), "shutdown");
  equal(runtime.clock.monotonic(), 0, "all of it without advancing the clock");
});

Deno.test("[PROC.reap,MLOG.reaped,SIG.chld,MLOG.sig.chld] SIGCHLD reaps orphans the runtime reports, then logs the signal", async () => {
  const { sup, runtime, logger, states } = await setup([group("a", 10, [{}])]);
  logger.level = "debug";
  const before = states();
  runtime.orphans.push({ pid: 77, status: { code: 3, signal: null } }, {
    pid: 78,
    status: { code: null, signal: "SIGKILL" },
  });
  sup.handleSignal("SIGCHLD");
  deepEqual(logger.lines.slice(-3), [
    "INFO reaped unknown pid 77 (exit status 3)",
    "INFO reaped unknown pid 78 (terminated by SIGKILL)",
    "DEBG received SIGCHLD indicating a child quit",
  ]);
  deepEqual(states(), before, "managed processes are not touched");
  sup.handleSignal("SIGCHLD");
  equal(logger.lines.at(-1), "DEBG received SIGCHLD indicating a child quit");
  equal(logger.lines.filter((l) => l.includes("reaped")).length, 2);
});

Deno.test("a registered source shares the engine's one timer, and no timer is left when nothing is due", async () => {
  const { sup, runtime, advance, states } = await setup([group("a", 1, [{ startsecs: 3 }])]);
  equal(runtime.clock.pending, 1, "the startsecs deadline");
  const ran: number[] = [];
  let due: number | null = runtime.clock.monotonic() + 1000;
  const remove = sup.addSource({
    nextDue: () => due,
    run: (now) => {
      if (due !== null && now >= due) {
        ran.push(now);
        due = ran.length < 2 ? now + 1000 : null;
      }
    },
  });
  await settle();
  equal(runtime.clock.pending, 1, "one timer, for the earlier of the two due times");
  await advance(1000);
  equal(ran.length, 1);
  equal(runtime.clock.pending, 1);
  await advance(1000);
  equal(ran.length, 2);
  equal(runtime.clock.pending, 1, "only the startsecs deadline is left");
  await advance(1000);
  deepEqual(states(), ["a_0:RUNNING"]);
  equal(runtime.clock.pending, 0, "idle: no timer at all");
  due = runtime.clock.monotonic() + 500;
  sup.wake();
  await settle();
  equal(runtime.clock.pending, 1);
  remove();
  await settle();
  equal(runtime.clock.pending, 0, "a removed source's due time no longer holds a timer");
  equal(ran.length, 2);
});

Deno.test("a start gate added to the engine holds autostart until it opens and the engine is woken", async () => {
  const { sup, runtime, states } = await setup([]);
  let open = false;
  const remove = sup.addStartGate((proc) => open || proc.name !== "a_0");
  await sup.addProcessGroup(group("a", 1, [{ startsecs: 0 }, { startsecs: 0 }]));
  await settle();
  deepEqual(states(), ["a_0:STOPPED", "a_1:RUNNING"]);
  equal(runtime.clock.pending, 0, "a held start sets no timer");
  open = true;
  sup.wake();
  await settle();
  deepEqual(states(), ["a_0:RUNNING", "a_1:RUNNING"]);
  remove();
});
