import { deepEqual, equal, ok } from "node:assert/strict";
import type { DependencyCondition, ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import type { FakeChild } from "../runtime/fake_child.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { ProcessControl } from "./control.ts";
import { dependencyView, installDependencies } from "./dependencies.ts";
import { ProcessState, processStateName } from "../states.ts";
import { type EngineHost, Supervisor } from "./supervisor.ts";

type Deps = Array<string | [string, DependencyCondition]>;

function prog(name: string, deps: Deps = [], extra: Partial<ProcessConfig> = {}): ProcessGroupConfig {
  const depends_on = deps.map((d) => (typeof d === "string" ? { target: d, condition: "running" as const } : {
    target: d[0],
    condition: d[1],
  }));
  const config = programConfig({
    name,
    command: `/bin/${name}`,
    startsecs: 1,
    depends_on,
    depends_section: depends_on.length > 0 ? `program:${name}` : null,
    ...extra,
  });
  return { kind: "program", name, priority: config.priority, processes: [config] };
}

async function setup(groups: ProcessGroupConfig[], killExits = false) {
  const runtime = new FakeRuntime();
  runtime.killExits = killExits;
  const logger = new RecordingLogger("info");
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  };
  const sup = new Supervisor(host);
  const deps = installDependencies(sup);
  for (const g of groups) await sup.addProcessGroup(g);
  sup.run();
  await settle();
  const proc = (name: string) => sup.groups.get(name)!.processes.get(name)!;
  const state = (name: string) => processStateName(proc(name).state);
  const spawned = () => runtime.spawns.map((c) => c.options.path.slice(5));
  const child = (name: string): FakeChild => runtime.spawns.findLast((c) => c.options.path === `/bin/${name}`)!;
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(40);
  };
  const describe = (name: string) => sup.describe(proc(name), "base");
  return { sup, deps, runtime, logger, proc, state, spawned, child, advance, describe };
}

Deno.test("[EXT.deps.running] a dependent waits in STOPPED until its dependency is RUNNING (past startsecs)", async () => {
  const t = await setup([prog("web", ["db"]), prog("db", [], { startsecs: 2 })]);
  deepEqual(t.spawned(), ["db"]);
  equal(t.state("web"), "STOPPED");
  equal(t.describe("web"), "waiting for db (running)");
  deepEqual(dependencyView(t.sup, t.proc("web")), {
    depends_on: [{ target: "db", condition: "running" }],
    waiting_on: ["db (running)"],
    dependency_failed: null,
  });
  await t.advance(1999);
  deepEqual(t.spawned(), ["db"]);
  await t.advance(1);
  deepEqual(t.spawned(), ["db", "web"]);
  equal(t.state("web"), "STARTING");
  equal(t.describe("web"), "base");
});

Deno.test("[EXT.deps.started] started is met at STARTING, so both spawn in one pass, dependency first", async () => {
  const t = await setup([prog("a", [["b", "started"]], { priority: 1 }), prog("b", [], { priority: 999 })]);
  deepEqual(t.spawned(), ["b", "a"]);
});

Deno.test("[EXT.deps.completed,EXT.deps.succeeded] completed waits for any exit; succeeded for an expected code", async () => {
  const t = await setup([
    prog("done", [["job", "completed"]]),
    prog("ok", [["job", "succeeded"]]),
    prog("job", [], { startsecs: 0, autorestart: false }),
  ]);
  deepEqual(t.spawned(), ["job"]);
  t.child("job").exit(3);
  await settle(40);
  deepEqual(t.spawned(), ["job", "done"]);
  equal(t.state("ok"), "STOPPED");
  equal(t.describe("ok"), "dependency job failed (EXITED)");
  equal(t.sup.startGate(t.proc("ok")), "dependency job failed (EXITED)");
});

Deno.test("[EXT.deps.succeeded] succeeded is met by an exit code in the target's exitcodes", async () => {
  const t = await setup([prog("web", [["migrate", "succeeded"]]), prog("migrate", [], { startsecs: 0 })]);
  t.child("migrate").exit(0);
  await settle(40);
  deepEqual(t.spawned(), ["migrate", "web"]);
});

Deno.test("[EXT.deps.wait] a dependent keeps waiting through its dependency's BACKOFF; FATAL fails it", async () => {
  const t = await setup([prog("web", ["db"]), prog("db", [], { startsecs: 5, startretries: 1 })]);
  t.child("db").exit(1);
  await settle(40);
  equal(t.state("db"), "BACKOFF");
  equal(t.describe("web"), "waiting for db (running)");
  await t.advance(1000);
  t.child("db").exit(1);
  await settle(40);
  equal(t.state("db"), "FATAL");
  equal(t.describe("web"), "dependency db failed (FATAL)");
  deepEqual(t.spawned(), ["db", "db"]);
});

Deno.test("[EXT.deps.timeout] depends_timeout fails the wait; nothing starts even when the dependency is met later", async () => {
  const t = await setup([prog("web", ["db"], { depends_timeout: 3 }), prog("db", [], { startsecs: 10 })]);
  equal(t.runtime.clock.pending, 1, "one timer: the earliest of the timeout and db's startsecs");
  await t.advance(3000);
  equal(t.describe("web"), "dependency db failed (timeout)");
  ok(t.logger.lines.some((l) => l.includes("dependency db of 'web' failed: not met within depends_timeout (3s)")));
  await t.advance(7000);
  equal(t.state("db"), "RUNNING");
  deepEqual(t.spawned(), ["db"]);
});

Deno.test("[EXT.deps.group] a group target needs all its processes; a namespec target one", async () => {
  const pool: ProcessGroupConfig = {
    kind: "program",
    name: "pool",
    priority: 999,
    processes: [
      programConfig({ name: "p0", command: "/bin/p0", startsecs: 0 }),
      programConfig({ name: "p1", command: "/bin/p1", startsecs: 3 }),
    ],
  };
  const t = await setup([prog("all", ["pool"]), prog("one", ["pool:p0"]), pool]);
  deepEqual(t.spawned(), ["p0", "p1", "one"]);
  await t.advance(3000);
  deepEqual(t.spawned(), ["p0", "p1", "one", "all"]);
});

Deno.test("[EXT.deps.order] among ready processes the start order is supervisord's priority order", async () => {
  const t = await setup([
    prog("z", ["db"], { priority: 1 }),
    prog("a", ["db"], { priority: 50 }),
    prog("db", [], { priority: 999, startsecs: 0 }),
  ]);
  await settle(40);
  deepEqual(t.spawned(), ["db", "z", "a"]);
});

Deno.test("[EXT.deps.manual] a manual start is an immediate override, logged", async () => {
  const t = await setup([prog("web", ["db"]), prog("db", [], { autostart: false })]);
  deepEqual(t.spawned(), []);
  const outcome = new ProcessControl(t.sup).startProcess(t.proc("web"), { wait: false });
  deepEqual(outcome, { ok: true });
  deepEqual(t.spawned(), ["web"]);
  ok(t.logger.lines.includes("INFO starting 'web' although dependency 'db' is not running"));
});

Deno.test("[EXT.deps.startall] start all starts dependencies first, then each dependent once it may", async () => {
  const t = await setup([
    prog("web", ["db"], { autostart: false }),
    prog("db", [], { autostart: false, startsecs: 1 }),
  ]);
  const done = new ProcessControl(t.sup).startAll({ wait: true });
  await settle(40);
  deepEqual(t.spawned(), ["db"]);
  for (let i = 0; i < 60; i++) await t.advance(50);
  const results = await done;
  deepEqual(t.spawned(), ["db", "web"]);
  deepEqual(results.map((r) => [r.name, r.outcome.ok]), [["db", true], ["web", true]]);
  ok(!t.logger.lines.some((l) => l.includes("although")), "start all is not an override");
});

Deno.test("[EXT.deps.shutdown] shutdown stops and reaps every dependent before its dependency gets a signal; branches in parallel", async () => {
  const t = await setup([
    prog("db", [], { startsecs: 0 }),
    prog("api", ["db"], { startsecs: 0 }),
    prog("web", ["api"], { startsecs: 0 }),
    prog("cache", [], { startsecs: 0 }),
    prog("worker", ["cache"], { startsecs: 0 }),
  ]);
  await settle(80);
  deepEqual(["db", "api", "web", "cache", "worker"].map(t.state), Array(5).fill("RUNNING"));
  const signalled = () =>
    t.runtime.kills.map((k) => t.runtime.spawns.find((c) => c.pid === k.pid)!.options.path.slice(5));
  t.sup.shutdown();
  await settle(40);
  deepEqual(signalled().sort(), ["web", "worker"]);
  t.child("worker").terminate("SIGTERM");
  await settle(40);
  deepEqual(signalled().sort(), ["cache", "web", "worker"]);
  t.child("web").terminate("SIGTERM");
  await settle(40);
  deepEqual(signalled().slice(3), ["api"]);
  t.child("api").terminate("SIGTERM");
  await settle(40);
  deepEqual(signalled().slice(4), ["db"]);
});

Deno.test("[EXT.deps.stopall] stop all stops dependents before their dependencies", async () => {
  const t = await setup([prog("db", [], { startsecs: 0 }), prog("web", ["db"], { startsecs: 0 })], true);
  await settle(80);
  equal(t.state("web"), "RUNNING");
  let results: Array<{ name: string }> | null = null;
  new ProcessControl(t.sup).stopAll({ wait: true }).then((r) => (results = r));
  for (let i = 0; i < 10 && results === null; i++) await t.advance(50);
  const order = t.runtime.kills.map((k) => t.runtime.spawns.find((c) => c.pid === k.pid)!.options.path.slice(5));
  deepEqual(order, ["web", "db"]);
  deepEqual(results!.map((r) => r.name).sort(), ["db", "web"]);
});

Deno.test("[EXT.deps.failure] on_dependency_failure=restart stops the dependent and starts it when the dependency is back", async () => {
  const t = await setup([
    prog("db", [], { startsecs: 1, autorestart: true }),
    prog("web", ["db"], { startsecs: 0, on_dependency_failure: "restart" }),
    prog("side", ["db"], { startsecs: 0 }),
  ], true);
  await t.advance(1000);
  equal(t.state("web"), "RUNNING");
  const sidePid = t.proc("side").pid;
  t.child("db").terminate("SIGKILL");
  await settle(40);
  equal(t.state("web"), "STOPPED");
  equal(t.describe("web"), "waiting for db (running)");
  ok(t.logger.lines.includes("INFO stopping 'web': dependency 'db' failed (EXITED)"));
  equal(t.proc("side").pid, sidePid, "ignore leaves the dependent alone");
  await t.advance(1000);
  equal(t.state("db"), "RUNNING");
  equal(t.state("web"), "RUNNING");
  equal(t.proc("web").laststart, t.runtime.clock.monotonic(), "started again just now");
  ok(t.logger.lines.includes("INFO starting 'web' again: its dependencies are met"));
});

Deno.test("[EXT.deps.failure] on_dependency_failure=stop starts again only with autostart", async () => {
  const t = await setup([
    prog("db", [], { startsecs: 0, autorestart: true }),
    prog("web", ["db"], { startsecs: 0, on_dependency_failure: "stop" }),
  ], true);
  await settle(40);
  await new ProcessControl(t.sup).stopProcess(t.proc("web"));
  equal(t.state("web"), "STOPPED");
  const n = t.runtime.spawns.length;
  await new ProcessControl(t.sup).startProcess(t.proc("web"));
  t.child("db").terminate("SIGKILL");
  await settle(60);
  equal(t.state("db"), "RUNNING");
  equal(t.runtime.spawns.length, n + 3, "web restarted, db restarted, web started again");
});

Deno.test("[EXT.deps.idle] without depends_on nothing is gated, described or ordered", async () => {
  const t = await setup([prog("a", [], { startsecs: 0 }), prog("b", [], { startsecs: 0 })]);
  equal(t.sup.stopsOrdered, false);
  equal(t.describe("a"), "base");
  equal(t.runtime.clock.pending, 0);
  equal(t.proc("a").state, ProcessState.RUNNING);
});
