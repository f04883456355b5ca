import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { remoteCommunicationEvent } from "../events/events.ts";
import { createProcessOutput } from "../logging/child_output.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import type { FakeChild } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { ProcessState } from "./states.ts";
import { Supervisor } from "./supervisor.ts";

/** One envelope as the listener received it. */
interface Received {
  /** Wall-clock ms when it was written to the listener's stdin. */
  at: number;
  type: string;
  payload: string;
}

const TURNS = 60;

function listenerGroup(events: string[]): ProcessGroupConfig {
  return {
    kind: "eventlistener",
    name: "ev",
    priority: -1,
    processes: [programConfig({ name: "ev", command: "/bin/ev", priority: -1, startsecs: 0 })],
    buffer_size: 50,
    events,
    result_handler: "supervisor.dispatchers:default_handler",
  };
}

function programGroup(name: string, overrides: Partial<ProcessConfig>): ProcessGroupConfig {
  const config = programConfig({ name, command: `/bin/${name}`, startsecs: 0, ...overrides });
  return { kind: "program", name, priority: 999, processes: [config] };
}

/**
 * A daemon with one listener `ev` on `events`; the listener says READY when
 * spawned and, while `auto` is on, answers every event at once
 * (`RESULT 2\nOK` then `READY\n`, the way `childutils.listener` does).
 */
async function setup(events: string[], extra: ProcessGroupConfig[] = []) {
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: (pc, listener) =>
      createProcessOutput(runtime, logger, pc, {
        childlogdir: "/tmp",
        identifier: "supervisor",
        strip_ansi: false,
        listener,
      }),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  const received: Received[] = [];
  const listener = { auto: true };
  const answer = (child: FakeChild) => child.writeStdout("RESULT 2\nOKREADY\n");
  await sup.addProcessGroup(listenerGroup(events));
  for (const g of extra) await sup.addProcessGroup(g);
  sup.run();
  await settle(TURNS);
  const child = runtime.spawns.find((c) => c.options.path === "/bin/ev")!;
  child.onStdin = (data) => {
    const text = new TextDecoder().decode(data);
    const header = text.slice(0, text.indexOf("\n"));
    received.push({
      at: runtime.clock.now(),
      type: /eventname:(\S+)/.exec(header)![1]!,
      payload: text.slice(header.length + 1),
    });
    if (listener.auto) answer(child);
  };
  child.writeStdout("READY\n");
  await settle(TURNS);
  const pool = sup.groups.get("ev")!.pool!;
  /** Moves the clock timer by timer (each pass runs at its due time) until `ms` have passed. */
  const run = async (ms: number) => {
    const end = runtime.clock.monotonic() + ms;
    for (;;) {
      const next = runtime.clock.nextDueIn;
      if (next === null || runtime.clock.monotonic() + next > end) break;
      runtime.clock.advance(next);
      await settle(TURNS);
    }
    runtime.clock.advance(end - runtime.clock.monotonic());
    await settle(TURNS);
  };
  return { sup, runtime, received, listener, pool, answer: () => answer(child), run };
}

Deno.test("[EVT.tick,EVT.dispatch] every TICK_5 and TICK_60 reaches a listener that answers at once in the pass that raised it", async () => {
  const { received, run, pool } = await setup(["TICK_5", "TICK_60"]);
  await run(125_500);
  const ticks = received.filter((r) => r.type.startsWith("TICK_"));
  // The clock starts on an hour boundary: TICK_5 at 5 s … 125 s, TICK_60 at 60 s and 120 s.
  const expected = Array.from({ length: 25 }, (_, i) => (i + 1) % 12 === 0 ? ["TICK_5", "TICK_60"] : ["TICK_5"]);
  deepEqual(ticks.map((r) => r.type), expected.flat());
  for (const r of ticks) {
    const when = Number(/^when:(\d+)$/.exec(r.payload)![1]) * 1000;
    // The pass that notices a period boundary runs 1 ms after it; a tick left
    // in the buffer would wait for the next boundary (5 s).
    ok(r.at - when >= 0 && r.at - when <= 1, `${r.type} ${r.payload} received ${r.at - when} ms after its time`);
  }
  equal(pool.buffered.length, 0);
});

// Longer than the capture token: in capture mode, Python holds back shorter output.
const LINE = "a line of output, longer than the capture token\n";
const CAPTURE = (text: string) => `<!--XSUPERVISOR:BEGIN-->${text}<!--XSUPERVISOR:END-->`;

/** What makes each kind of event, in an order that leaves the daemon able to make the next. */
function triggers(ctx: Awaited<ReturnType<typeof setup>>) {
  const { sup, runtime } = ctx;
  const proc = () => sup.groups.get("p")!.processes.get("p")!;
  const child = () => runtime.spawns.find((c) => c.pid === proc().pid)!;
  return [
    { types: ["REMOTE_COMMUNICATION"], fire: () => sup.notify(remoteCommunicationEvent("t", "data")) },
    {
      types: ["PROCESS_GROUP_ADDED"],
      fire: () =>
        sup.addProcessGroup(programGroup("p", {
          autostart: false,
          stdout_events_enabled: true,
          stderr_events_enabled: true,
          stdout_capture_maxbytes: 100,
          stderr_capture_maxbytes: 100,
        })),
    },
    { types: ["PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING"], fire: () => proc().spawn() },
    { types: ["PROCESS_LOG_STDOUT"], fire: () => child().writeStdout(LINE) },
    { types: ["PROCESS_LOG_STDERR"], fire: () => child().writeStderr(LINE) },
    { types: ["PROCESS_COMMUNICATION_STDOUT"], fire: () => child().writeStdout(CAPTURE("o")) },
    { types: ["PROCESS_COMMUNICATION_STDERR"], fire: () => child().writeStderr(CAPTURE("e")) },
    { types: ["TICK_5"], fire: () => ctx.run(5000 - (runtime.clock.now() % 5000) + 1) },
    {
      types: ["PROCESS_STATE_STOPPING", "PROCESS_STATE_STOPPED"],
      fire: () => {
        const c = child();
        proc().stop();
        c.terminate("SIGTERM");
      },
    },
    { types: ["PROCESS_GROUP_REMOVED"], fire: () => sup.removeProcessGroup("p") },
    { types: ["SUPERVISOR_STATE_CHANGE_STOPPING"], fire: () => sup.shutdown() },
  ];
}

Deno.test("[EVT.dispatch,EVT.types] an event of any kind raised while the listener is READY is sent at once", async () => {
  const ctx = await setup(["EVENT"], [programGroup("q", {})]);
  const { received, runtime, pool } = ctx;
  for (const { types, fire } of triggers(ctx)) {
    const before = received.length;
    const clockBefore = runtime.clock.now();
    await fire();
    await settle(TURNS);
    const raised = runtime.clock.now();
    const sent = received.slice(before).filter((r) => types.includes(r.type));
    deepEqual(sent.map((r) => r.type), types, `${types} sent`);
    for (const r of sent) {
      const at = types[0] === "TICK_5" ? raised : clockBefore;
      equal(r.at, at, `${r.type} sent when it was raised`);
    }
    if (types[0] !== "SUPERVISOR_STATE_CHANGE_STOPPING") equal(pool.buffered.length, 0, `nothing left after ${types}`);
  }
});

Deno.test("[EVT.dispatch,EVT.buffer,LSN.ready] an event buffered while the listener was BUSY is sent as soon as it is READY again", async () => {
  const ctx = await setup(["EVENT"], [programGroup("q", {})]);
  const { sup, received, runtime, listener, pool } = ctx;
  for (const { types, fire } of triggers(ctx)) {
    listener.auto = false;
    sup.notify(remoteCommunicationEvent("hold", ""));
    await settle(TURNS);
    equal(received.at(-1)!.payload, "type:hold\n", "the listener is BUSY with the held event");
    const before = received.length;
    await fire();
    await settle(TURNS);
    equal(received.length, before, `${types} waits while the listener is BUSY`);
    ok(pool.buffered.some((e) => e.type === types[0]), `${types[0]} is buffered`);
    const clock = runtime.clock.now();
    listener.auto = true;
    ctx.answer();
    await settle(TURNS);
    equal(runtime.clock.now(), clock);
    deepEqual(
      received.slice(before).filter((r) => types.includes(r.type)).map((r) => [r.type, r.at]),
      types.map((t) => [t, clock]),
    );
  }
  equal(sup.groups.get("ev")!.processes.get("ev")!.state, ProcessState.RUNNING);
});
