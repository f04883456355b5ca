import assert from "node:assert/strict";
import { programConfig, settle } from "../process/_testing.ts";
import { Supervisor } from "../process/supervisor.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { RecordingLogger } from "../test_support.ts";
import { createPluginContext } from "./plugin_context.ts";
import { Faults, RpcError } from "./faults.ts";

async function setup() {
  const rt = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime: rt,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  await sup.addProcessGroup({
    kind: "program",
    name: "web",
    priority: 10,
    processes: [
      programConfig({ name: "web_1", command: "/bin/web", priority: 2, autostart: false }),
      programConfig({ name: "web_0", command: "/bin/web", priority: 1, autostart: false }),
    ],
  });
  await sup.addProcessGroup({
    kind: "program",
    name: "db",
    priority: 1,
    processes: [programConfig({ name: "db", command: "/bin/db", autostart: false })],
  });
  const handle = createPluginContext({ namespace: "stats", supervisor: sup, logger, runtime: rt });
  return { rt, logger, sup, handle, ctx: handle.context };
}

Deno.test("plugin context: read-only views of processes and groups, in supervisord's order", async () => {
  const { ctx, sup, rt } = await setup();
  assert.deepEqual(ctx.processes().map((p) => p.namespec), ["db", "web:web_0", "web:web_1"]);
  assert.deepEqual(ctx.groups().map((g) => [g.name, g.kind, g.priority, g.processes.map((p) => p.name)]), [
    ["db", "program", 1, ["db"]],
    ["web", "program", 10, ["web_1", "web_0"]],
  ]);
  sup.groups.get("db")!.processes.get("db")!.spawn();
  const db = ctx.process("db")!;
  assert.deepEqual({ ...db, config: undefined }, {
    name: "db",
    group: "db",
    namespec: "db",
    state: 10,
    statename: "STARTING",
    pid: rt.lastChild.pid,
    start: Math.trunc(rt.clock.now() / 1000),
    stop: 0,
    exitstatus: null,
    spawnerr: null,
    config: undefined,
  });
  assert.equal(db.config.command, "/bin/db");
  assert.equal(ctx.process("web:web_0")?.name, "web_0");
  assert.equal(ctx.process("web:*"), null);
  assert.equal(ctx.process("nosuch"), null);
  assert.equal(ctx.RpcError, RpcError);
  assert.equal(ctx.Faults, Faults);
  assert.equal(ctx.namespace, "stats");
});

Deno.test("plugin context: event and state subscriptions, ended by dispose()", async () => {
  const { ctx, sup, handle } = await setup();
  const events: string[] = [];
  const changes: string[] = [];
  ctx.onEvent(["PROCESS_STATE"], (e) => events.push(`${e.type} ${e.payload}`));
  const off = ctx.onStateChange((c) => changes.push(`${c.process.namespec} ${c.from}->${c.to}`));
  sup.groups.get("db")!.processes.get("db")!.spawn();
  assert.equal(events.length, 1);
  assert.match(events[0]!, /^PROCESS_STATE_STARTING processname:db groupname:db from_state:STOPPED tries:0$/);
  assert.deepEqual(changes, ["db STOPPED->STARTING"]);
  off();
  handle.dispose();
  assert.equal(ctx.signal.aborted, true);
  sup.groups.get("web")!.processes.get("web_0")!.spawn();
  assert.equal(events.length, 1, "no events after dispose()");
  assert.deepEqual(changes, ["db STOPPED->STARTING"]);
  assert.throws(() => ctx.onEvent(["NO_SUCH_EVENT"], () => {}), TypeError);
});

Deno.test("plugin context: a throwing subscriber is logged and does not reach the engine", async () => {
  const { ctx, sup, logger } = await setup();
  ctx.onStateChange(() => {
    throw new Error("subscriber bug");
  });
  sup.groups.get("db")!.processes.get("db")!.spawn();
  assert.equal(ctx.process("db")?.statename, "STARTING");
  assert.match(logger.lines.join("\n"), /ERRO stats: state change subscriber failed: Error: subscriber bug/);
});

Deno.test("plugin context: timers run on the runtime clock and are cancelled by dispose()", async () => {
  const { ctx, rt, handle } = await setup();
  const fired: string[] = [];
  ctx.clock.setTimeout(() => fired.push("a"), 100);
  ctx.clock.setTimeout(() => fired.push("b"), 300);
  const c = ctx.clock.setTimeout(() => fired.push("c"), 200);
  ctx.clock.clearTimeout(c);
  rt.clock.advance(150);
  assert.deepEqual(fired, ["a"]);
  handle.dispose();
  ctx.clock.setTimeout(() => fired.push("after"), 10);
  rt.clock.advance(1000);
  assert.deepEqual(fired, ["a"]);
  assert.equal(ctx.clock.now(), rt.clock.now());
  assert.equal(ctx.clock.monotonic(), rt.clock.monotonic());
});

/** Awaits `promise` while moving the manual clock on in 50 ms steps (group operations poll every 50 ms). */
async function drive<T>(rt: FakeRuntime, promise: Promise<T>): Promise<T> {
  let done = false;
  const result = promise.finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) {
    await settle();
    rt.clock.advance(50);
  }
  return await result;
}

Deno.test("plugin context: control by namespec with typed outcomes; unknown names and signals are faults", async () => {
  const { ctx, rt, sup } = await setup();
  const run = sup.run();
  rt.killExits = true;
  assert.deepEqual(await ctx.control.start("db", { wait: false }), [{
    group: "db",
    name: "db",
    outcome: { ok: true },
  }]);
  assert.deepEqual((await ctx.control.start("db")).map((r) => r.outcome), [
    { ok: false, reason: "already_started", message: "db is already started" },
  ]);
  assert.deepEqual(await ctx.control.signal("db", "HUP"), [{ group: "db", name: "db", outcome: { ok: true } }]);
  assert.deepEqual(rt.kills.at(-1), { pid: rt.lastChild.pid, signal: 1 });
  const started = await drive(rt, ctx.control.start("web:*", { wait: false }));
  assert.deepEqual(started.map((r) => `${r.group}:${r.name} ${r.outcome.ok}`), ["web:web_0 true", "web:web_1 true"]);
  const stopped = await drive(rt, ctx.control.stopAll());
  assert.deepEqual(stopped.map((r) => `${r.group}:${r.name} ${r.outcome.ok}`).sort(), [
    "db:db true",
    "web:web_0 true",
    "web:web_1 true",
  ]);
  assert.deepEqual((await ctx.control.waitUntilSettled()).map((p) => p.statename), ["STOPPED", "STOPPED", "STOPPED"]);
  await assert.rejects(ctx.control.start("nosuch"), (e) => e instanceof RpcError && e.message === "BAD_NAME: nosuch");
  await assert.rejects(
    ctx.control.signal("db", "NOPE"),
    (e) => e instanceof RpcError && e.message === "BAD_SIGNAL: NOPE",
  );
  sup.handleSignal("SIGTERM");
  assert.equal(await run, "shutdown");
});

Deno.test("plugin context: a TICK subscription made while supervisord runs gets ticks on the runtime's clock", async () => {
  const { ctx, rt, sup, handle } = await setup();
  const run = sup.run();
  await settle();
  const ticks: string[] = [];
  ctx.onEvent(["TICK_5"], (e) => ticks.push(e.type));
  await settle();
  rt.clock.advance(5001); // ticks come just past each 5 s boundary of the wall clock
  await settle();
  assert.deepEqual(ticks, ["TICK_5"]);
  handle.dispose();
  sup.handleSignal("SIGTERM");
  assert.equal(await run, "shutdown");
});
