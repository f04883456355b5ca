import { deepEqual, equal, ok } from "node:assert/strict";
import type { HealthCheckConfig, ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "../process/_testing.ts";
import { type Dependencies, installDependencies } from "../process/dependencies.ts";
import { processStateName, SupervisorState } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { type EngineHost, Supervisor } from "../process/supervisor.ts";
import { healthView, installHealthChecks } from "./health_checks.ts";
import type { ProbeResult } from "./probes.ts";

function check(extra: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return {
    probe: { kind: "tcp", host: "127.0.0.1", port: 5432 },
    interval: 0.2,
    timeout: 1,
    initial_delay: 0,
    start_period: 0,
    start_interval: 0.1,
    retries: 3,
    successes: 1,
    action: "restart",
    expect: [[0, 0]],
    body: null,
    tls_verify: true,
    ...extra,
  };
}

function prog(name: string, extra: Partial<ProcessConfig> = {}): ProcessGroupConfig {
  const config = programConfig({ name, command: `/bin/${name}`, startsecs: 0, ...extra });
  return { kind: "program", name, priority: config.priority, processes: [config] };
}

/** A probe runner whose answers the test sets per process; counts the probes run. */
class Probes {
  readonly answers = new Map<string, boolean>();
  readonly runs: string[] = [];
  pending = 0;
  run = (proc: Subprocess): Promise<ProbeResult> => {
    this.runs.push(proc.name);
    const ok = this.answers.get(proc.name) ?? false;
    return Promise.resolve({ ok, detail: ok ? "connected" : "connect 127.0.0.1:5432: Connection refused" });
  };
}

async function setup(groups: ProcessGroupConfig[], probes = new Probes()) {
  const runtime = new FakeRuntime();
  runtime.killExits = true;
  const logger = new RecordingLogger("info");
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  };
  const sup = new Supervisor(host);
  const exits: Array<[string, number]> = [];
  const exit = (line: string, status: number) => {
    exits.push([line, status]);
    sup.shutdown();
  };
  let deps: Dependencies | null = null;
  const onTransition = (p: Subprocess, healthy: boolean) => deps?.healthChanged(p, healthy);
  const health = installHealthChecks(sup, { run: probes.run, exit, onTransition });
  deps = installDependencies(sup, { healthy: (p) => health.healthy(p), exit });
  for (const g of groups) await sup.addProcessGroup(g);
  sup.run();
  await settle();
  const proc = (name: string) => sup.groups.get(name)!.processes.get(name)!;
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(40);
  };
  const spawned = () => runtime.spawns.map((c) => c.options.path.slice(5));
  return {
    sup,
    exits,
    runtime,
    logger,
    probes,
    proc,
    advance,
    spawned,
    state: (n: string) => processStateName(proc(n).state),
  };
}

Deno.test("[EXT.health.gate] a :healthy dependent spawns in the pass after the first passing probe", async () => {
  const t = await setup([
    prog("db", { healthcheck: check({ retries: 10 }) }),
    prog("web", { depends_on: [{ target: "db", condition: "healthy" }], depends_section: "program:web" }),
  ]);
  deepEqual(t.spawned(), ["db"]);
  deepEqual(t.probes.runs, ["db"], "the first probe runs at spawn (no initial delay)");
  await t.advance(100);
  await t.advance(100);
  deepEqual(t.probes.runs.length, 3, "start_interval 100 ms until the first success");
  equal(t.sup.describe(t.proc("web"), "x"), "waiting for db (healthy)");
  t.probes.answers.set("db", true);
  await t.advance(100);
  deepEqual(t.spawned(), ["db", "web"], "no timer between the success and the spawn");
  ok(t.logger.lines.includes("INFO health: 'db' is healthy"));
  equal(t.sup.describe(t.proc("db"), "pid 1, uptime 0:00:00"), "pid 1, uptime 0:00:00, healthy");
  equal(t.runtime.clock.pending, 1, "one timer: db's next probe, 200 ms on");
});

Deno.test("[EXT.health.restart] three failures at a 200 ms interval: unhealthy, stopped and started again", async () => {
  const probes = new Probes();
  probes.answers.set("web", true);
  const t = await setup([prog("web", { healthcheck: check({ retries: 3 }) })], probes);
  await t.advance(0);
  equal(healthView(t.sup, t.proc("web"))?.status, "healthy");
  t.probes.answers.set("web", false);
  await t.advance(200);
  await t.advance(200);
  equal(t.runtime.kills.length, 0);
  await t.advance(200);
  equal(t.runtime.kills.length, 1, "the stop signal goes out at the third failure");
  ok(t.logger.lines.includes(
    "WARN health: 'web' is unhealthy (3 consecutive failures: connect 127.0.0.1:5432: Connection refused)",
  ));
  await settle(40);
  equal(t.runtime.spawns.length, 2, "started again");
  equal(healthView(t.sup, t.proc("web"))?.status, "starting");
});

Deno.test("[EXT.health.none,EXT.health.stop] action none keeps it RUNNING and says unhealthy; stop stops it", async () => {
  const t = await setup([
    prog("a", { healthcheck: check({ action: "none", retries: 1 }) }),
    prog("b", { healthcheck: check({ action: "stop", retries: 1 }) }),
  ]);
  await t.advance(0);
  equal(t.state("a"), "RUNNING");
  equal(t.sup.describe(t.proc("a"), "pid 9"), "pid 9, unhealthy");
  equal(t.state("b"), "STOPPED");
  equal(t.sup.describe(t.proc("b"), "Dec 06 05:00 PM"), "stopped: unhealthy");
  equal(t.runtime.spawns.length, 2, "nothing restarted");
});

Deno.test("[EXT.health.stopped] probes run only while STARTING or RUNNING; none at all without a check", async () => {
  const t = await setup([prog("web", { healthcheck: check(), autorestart: false }), prog("plain")]);
  const before = t.probes.runs.length;
  t.runtime.spawns[0]!.exit(0);
  await settle(40);
  equal(t.state("web"), "EXITED");
  await t.advance(5000);
  equal(t.probes.runs.length, before);
  equal(t.runtime.clock.pending, 0, "no timer once nothing is checked");
  ok(!t.probes.runs.includes("plain"));
});

Deno.test("[EXT.health.shutdown] healthcheck_action=shutdown ends supervisord with status 1", async () => {
  const t = await setup([prog("core", { healthcheck: check({ action: "shutdown", retries: 1 }) })]);
  await t.advance(0);
  deepEqual(t.exits, [["health: 'core' is unhealthy (healthcheck_action=shutdown)", 1]]);
  equal(t.sup.mood, SupervisorState.SHUTDOWN);
});

Deno.test("[EXT.deps.essential] an essential dependent whose dependency failed shuts supervisord down with 1", async () => {
  const t = await setup([
    prog("db", { startsecs: 5, startretries: 0 }),
    prog("web", {
      essential: true,
      depends_on: [{ target: "db", condition: "running" }],
      depends_section: "program:web",
    }),
  ]);
  t.runtime.spawns[0]!.exit(1);
  await t.advance(0);
  equal(t.state("db"), "FATAL");
  deepEqual(t.exits, [["essential program 'web' cannot start: dependency db failed (FATAL)", 1]]);
});

Deno.test("[EXT.deps.failure] on_dependency_failure=restart: a dependency turning unhealthy stops the dependent until healthy again", async () => {
  const probes = new Probes();
  probes.answers.set("db", true);
  const t = await setup([
    prog("db", { healthcheck: check({ action: "none", retries: 1 }) }),
    prog("web", {
      depends_on: [{ target: "db", condition: "healthy" }],
      depends_section: "program:web",
      on_dependency_failure: "restart",
    }),
  ], probes);
  await t.advance(0);
  equal(t.state("web"), "RUNNING");
  probes.answers.set("db", false);
  await t.advance(200);
  equal(t.state("web"), "STOPPED");
  ok(t.logger.lines.includes("INFO stopping 'web': dependency 'db' failed (unhealthy)"));
  equal(t.sup.describe(t.proc("web"), "x"), "waiting for db (healthy)");
  probes.answers.set("db", true);
  await t.advance(200);
  equal(t.state("web"), "RUNNING");
  equal(t.spawned().filter((n) => n === "web").length, 2);
});

Deno.test("[EXT.health.file] a file: check's stale file is removed before the child is spawned", async () => {
  const runtime = new FakeRuntime();
  runtime.fs.seedFile("/run/app.ready", "");
  const host: EngineHost = {
    runtime,
    logger: new RecordingLogger("info"),
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => {
      equal(runtime.fs.exists("/run/app.ready"), false, "gone before the spawn");
      return { path: proc.config.command, argv: [proc.config.command], env: {} };
    },
  };
  const sup = new Supervisor(host);
  installHealthChecks(sup, { run: () => Promise.resolve({ ok: false, detail: "" }) });
  await sup.addProcessGroup(prog("app", { healthcheck: check({ probe: { kind: "file", path: "/run/app.ready" } }) }));
  sup.run();
  await settle();
  equal(runtime.spawns.length, 1);
});
