import { deepEqual, equal, ok } from "node:assert/strict";
import { parseCron } from "../config/cron_expr.ts";
import type { CronConfig, ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { cronJobs, installCronJobs } from "./cron_jobs.ts";
import { processStateName } from "./states.ts";
import { type EngineHost, Supervisor } from "./supervisor.ts";

function cron(start: string, extra: Partial<CronConfig> = {}): CronConfig {
  return { start: parseCron(start), stop: null, timezone: "UTC", overlap: "skip", ...extra };
}

function prog(name: string, extra: Partial<ProcessConfig> = {}): ProcessGroupConfig {
  const config = programConfig({ name, command: `/bin/${name}`, startsecs: 0, autostart: false, ...extra });
  return { kind: "program", name, priority: config.priority, processes: [config] };
}

/** An engine on the fake runtime whose wall clock starts at `wallStart` (an ISO instant). */
async function setup(groups: ProcessGroupConfig[], wallStart = "2026-11-26T01:58:30Z") {
  const runtime = new FakeRuntime();
  runtime.killExits = true;
  runtime.clock.jumpWall(Date.parse(wallStart) - runtime.clock.now());
  const logger = new RecordingLogger("info");
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  };
  const sup = new Supervisor(host);
  const jobs = installCronJobs(sup);
  for (const g of groups) await sup.addProcessGroup(g);
  sup.run();
  await settle();
  const proc = (name: string) => sup.groups.get(name)!.processes.get(name)!;
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(40);
  };
  /** Wall-clock times (HH:MM:SS UTC) of the spawns so far. */
  const spawnTimes: string[] = [];
  const origSpawn = runtime.spawn.bind(runtime);
  runtime.spawn = (opts) => {
    spawnTimes.push(new Date(runtime.clock.now()).toISOString().slice(11, 19));
    return origSpawn(opts);
  };
  const last = () => runtime.spawns.at(-1)!;
  return {
    sup,
    jobs,
    runtime,
    logger,
    proc,
    advance,
    spawnTimes,
    last,
    state: (n: string) => processStateName(proc(n).state),
  };
}

Deno.test("[EXT.cron.run] */5 * * * * starts the job at :00 and :05, and the idle description names the next run", async () => {
  const t = await setup([prog("job", { cron: cron("*/5 * * * *") })]);
  equal(t.sup.describe(t.proc("job"), "Not started"), "next run 2026-11-26 02:00:00 UTC");
  equal(t.runtime.clock.nextDueIn, 90_000);
  await t.advance(90_000);
  deepEqual(t.spawnTimes, ["02:00:00"]);
  t.last().exit(0);
  await t.advance(1000);
  equal(t.state("job"), "EXITED");
  ok(t.sup.describe(t.proc("job"), "Nov 26 02:00 AM").endsWith(", next run 2026-11-26 02:05:00 UTC"));
  await t.advance(299_000);
  deepEqual(t.spawnTimes, ["02:00:00", "02:05:00"]);
  ok(t.logger.lines.some((l) => l.includes("cron: starting 'job' (run of 2026-11-26 02:00:00 UTC)")));
});

Deno.test("[EXT.cron.overlap] skip: a job still running at its next fire is not started twice", async () => {
  const t = await setup([prog("job", { cron: cron("*/5 * * * *") })]);
  await t.advance(90_000 + 600_000);
  deepEqual(t.spawnTimes, ["02:00:00"]);
  equal(t.state("job"), "RUNNING");
  equal(t.logger.lines.filter((l) => l.includes("cron: 'job' is still running: run of")).length, 2);
});

Deno.test("[EXT.cron.overlap] restart: the fire time stops the running job and starts it again", async () => {
  const t = await setup([prog("job", { cron: cron("*/5 * * * *", { overlap: "restart" }) })]);
  await t.advance(90_000);
  const first = t.last();
  await t.advance(300_000);
  ok(first.status !== null, "the first run was stopped");
  deepEqual(t.spawnTimes, ["02:00:00", "02:05:00"]);
  equal(t.state("job"), "RUNNING");
});

Deno.test("[EXT.cron.run] the Go 6-field */10 * * * * * fires every 10 s", async () => {
  const t = await setup([prog("job", { cron: cron("*/10 * * * * *") })], "2026-11-26T02:00:03Z");
  for (let i = 0; i < 3; i++) {
    await t.advance(10_000);
    t.last()?.exit(0);
    await t.advance(0);
  }
  deepEqual(t.spawnTimes, ["02:00:10", "02:00:20", "02:00:30"]);
});

Deno.test("[EXT.cron.stop] cron_stop stops a running job at its time; the schedule goes on", async () => {
  const t = await setup([
    prog("job", { cron: cron("0 * * * *", { stop: parseCron("30 * * * *") }) }),
  ], "2026-11-26T01:59:00Z");
  await t.advance(60_000);
  equal(t.state("job"), "RUNNING");
  await t.advance(30 * 60_000);
  equal(t.state("job"), "STOPPED");
  ok(t.logger.lines.some((l) => l.includes("cron: stopping 'job' (cron_stop)")));
  await t.advance(30 * 60_000);
  deepEqual(t.spawnTimes, ["02:00:00", "03:00:00"]);
});

Deno.test("[EXT.cron.every] @every 30s on the monotonic clock; an operator's stop keeps the schedule; disable stops it", async () => {
  const t = await setup([prog("job", { cron: cron("@every 30s") })]);
  await t.advance(30_000);
  equal(t.state("job"), "RUNNING");
  t.proc("job").stop();
  await t.advance(1000);
  equal(t.state("job"), "STOPPED");
  await t.advance(29_000);
  equal(t.runtime.spawns.length, 2);
  t.last().exit(0);
  await t.advance(0);
  ok(t.jobs.setEnabled(t.proc("job"), false));
  equal(t.sup.describe(t.proc("job"), "Not started"), "schedule disabled");
  equal(cronJobs(t.sup)!.view(t.proc("job"))!.enabled, false);
  await t.advance(120_000);
  equal(t.runtime.spawns.length, 2);
  t.jobs.setEnabled(t.proc("job"), true);
  await t.advance(30_000);
  equal(t.runtime.spawns.length, 3);
});

Deno.test("[EXT.cron.idle] without a cron program the source sets no timer", async () => {
  const t = await setup([prog("plain", { autostart: false })]);
  equal(t.runtime.clock.pending, 0);
  equal(t.sup.describe(t.proc("plain"), "Not started"), "Not started");
});

Deno.test("[EXT.cron.tz] cron_timezone: 02:00 Paris fires at 01:00 UTC in winter and is described in Paris time", async () => {
  const t = await setup(
    [prog("job", { cron: cron("0 2 * * *", { timezone: "Europe/Paris" }) })],
    "2026-11-26T00:00:00Z",
  );
  equal(t.sup.describe(t.proc("job"), "Not started"), "next run 2026-11-26 02:00:00 Europe/Paris");
  await t.advance(3_600_000);
  deepEqual(t.spawnTimes, ["01:00:00"]);
});
