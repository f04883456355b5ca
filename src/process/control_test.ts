import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { type ControlResult, POLL_MS, ProcessControl } from "./control.ts";
import { SpawnError } from "./exec_args.ts";
import { ProcessState } from "./states.ts";
import { Supervisor } from "./supervisor.ts";

function group(name: string, priority: number, procs: Partial<ProcessConfig>[]): ProcessGroupConfig {
  return {
    kind: "program",
    name,
    priority,
    processes: procs.map((p, i) =>
      programConfig({ name: `${name}_${i}`, command: `/bin/${name}`, autostart: false, priority: i, ...p })
    ),
  };
}

async function setup(groups: ProcessGroupConfig[]) {
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger("info");
  const missing = new Set<string>();
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => {
      if (missing.has(proc.config.command)) throw new SpawnError("NotFound", `can't find command '${proc.name}'`);
      return { path: proc.config.command, argv: [proc.config.command], env: {} };
    },
  });
  for (const g of groups) await sup.addProcessGroup(g);
  sup.run();
  await settle();
  const control = new ProcessControl(sup);
  const proc = (ns: string) => {
    const found = control.find(ns)?.process;
    if (!found) throw new Error(`no process ${ns}`);
    return found;
  };
  return { sup, runtime, logger, control, proc, missing };
}

const brief = (rs: ControlResult[]) => rs.map((r) => `${r.name}:${r.outcome.ok ? "ok" : r.outcome.reason}`);

Deno.test("ProcessControl.find() resolves names, group:name and group:* as supervisord does", async () => {
  const { control } = await setup([group("a", 1, [{}, {}]), group("solo", 2, [{ name: "solo" }])]);
  equal(control.find("a:a_1")?.process?.name, "a_1");
  equal(control.find("a:*")?.process, null);
  equal(control.find("a:")?.group.name, "a");
  equal(control.find("solo")?.process?.name, "solo");
  equal(control.find("a:nosuch"), null);
  equal(control.find("nosuch"), null);
});

Deno.test("startProcess() with wait answers once startsecs have passed, without a fault in sight", async () => {
  const { control, proc, runtime } = await setup([group("a", 1, [{ startsecs: 1 }])]);
  let outcome: unknown = null;
  const p = control.startProcess(proc("a:a_0"));
  ok(p instanceof Promise, "it has to wait for startsecs");
  p.then((o) => (outcome = o));
  runtime.clock.advance(999);
  await settle();
  equal(outcome, null);
  runtime.clock.advance(1);
  await settle();
  deepEqual(outcome, { ok: true });
});

Deno.test("startProcess() refuses: pre-check, already started, unknown state, shutting down", async () => {
  const { sup, control, proc, missing } = await setup([group("a", 1, [{ startsecs: 0 }]), group("b", 2, [{}])]);
  missing.add("/bin/b");
  deepEqual(control.startProcess(proc("b:b_0")), {
    ok: false,
    reason: "no_file",
    message: "can't find command 'b_0'",
  });
  deepEqual(control.startProcess(proc("a:a_0")), { ok: true });
  const again = control.startProcess(proc("a:a_0"));
  ok(!(again instanceof Promise) && !again.ok && again.reason === "already_started");
  sup.shutdown();
  const late = await control.startProcess(proc("b:b_0"));
  ok(!late.ok && late.reason === "shutting_down");
});

Deno.test("startProcess(): a child dying within startsecs is a spawn error, a stop overtaking it abnormal", async () => {
  const { control, proc, runtime } = await setup([group("a", 1, [{ startsecs: 5 }])]);
  const p = proc("a:a_0");
  const first = control.startProcess(p);
  await settle();
  runtime.lastChild.exit(1);
  deepEqual(await first, {
    ok: false,
    reason: "spawn_error",
    message: "Exited too quickly (process log may have details)",
  });
  control.stopProcess(p, { wait: false });
  const second = control.startProcess(p);
  control.stopProcess(p, { wait: false });
  const outcome = await second;
  ok(!outcome.ok);
  equal(outcome.reason, "abnormal_termination");
});

Deno.test("stopProcess() waits for the child to go and logs the wait; not running is an outcome", async () => {
  const { control, proc, runtime, logger } = await setup([group("a", 1, [{ startsecs: 0 }])]);
  const p = proc("a:a_0");
  const first = control.stopProcess(p);
  ok(!(first instanceof Promise) && !first.ok && first.reason === "not_running");
  control.startProcess(p);
  const stopped = control.stopProcess(p);
  ok(stopped instanceof Promise);
  ok(logger.lines.includes("INFO waiting for a_0 to stop"));
  runtime.lastChild.terminate("SIGTERM");
  deepEqual(await stopped, { ok: true });
  equal(p.state, ProcessState.STOPPED);
  equal(runtime.clock.pending, 0, "the wait left no timer behind");
});

Deno.test("restartProcess() stops a running process and starts it again; a stopped one is just started", async () => {
  const { control, proc, runtime } = await setup([group("a", 1, [{ startsecs: 0 }])]);
  const p = proc("a:a_0");
  deepEqual(await control.restartProcess(p), { ok: true });
  equal(runtime.spawns.length, 1);
  const again = control.restartProcess(p);
  await settle();
  runtime.lastChild.terminate("SIGTERM");
  deepEqual(await again, { ok: true });
  equal(runtime.spawns.length, 2);
  equal(p.state, ProcessState.RUNNING);
});

Deno.test("signalProcess() signals a running process; a stopped one is not_running", async () => {
  const { control, proc, runtime } = await setup([group("a", 1, [{ startsecs: 0 }])]);
  const p = proc("a:a_0");
  equal((control.signalProcess(p, 1) as { reason: string }).reason, "not_running");
  control.startProcess(p);
  deepEqual(control.signalProcess(p, 1), { ok: true });
  deepEqual(runtime.kills.map((k) => k.signal), [1]);
});

Deno.test("group and all operations go in priority order and skip processes already there", async () => {
  const { control, sup } = await setup([
    group("b", 2, [{ startsecs: 0 }]),
    group("a", 1, [{ startsecs: 0, priority: 5 }, { startsecs: 0, priority: 1 }]),
  ]);
  const a = sup.groups.get("a")!;
  deepEqual(brief(await control.startGroup(a)), ["a_1:ok", "a_0:ok"]);
  deepEqual(brief(await control.startAll()), ["b_0:ok"], "running processes are not started again");
  deepEqual(brief(await control.signalAll(10)), ["a_1:ok", "a_0:ok", "b_0:ok"]);
});

Deno.test("stopAll() lists processes that stop within one poll in priority order", async () => {
  const { control, runtime } = await setup([group("a", 1, [{ startsecs: 0 }, { startsecs: 0 }])]);
  await control.startAll();
  const [c0, c1] = runtime.spawns;
  let results: ControlResult[] | null = null;
  control.stopAll().then((r) => (results = r));
  await settle();
  c1!.terminate("SIGTERM");
  c0!.terminate("SIGTERM");
  await settle(50);
  equal(results, null, "the answer waits for the poll");
  runtime.clock.advance(POLL_MS);
  await settle(50);
  deepEqual(brief(results!), ["a_0:ok", "a_1:ok"]);
});

Deno.test("restartGroup() reports the stop phase when it failed, and starts nothing then", async () => {
  const { control, sup, runtime } = await setup([group("a", 1, [{ startsecs: 0 }])]);
  const a = sup.groups.get("a")!;
  await control.startGroup(a);
  runtime.kill = () => {
    throw new Error("EPERM");
  };
  const results = await control.restartGroup(a);
  deepEqual(brief(results), ["a_0:failed"]);
  equal(runtime.spawns.length, 1);
});

Deno.test("waitUntilSettled() resolves when a process leaves STARTING", async () => {
  const { control, proc, runtime } = await setup([group("a", 1, [{ startsecs: 2 }])]);
  const p = proc("a:a_0");
  equal(await control.waitUntilSettled(p), ProcessState.STOPPED);
  control.startProcess(p, { wait: false });
  let settled: unknown = null;
  control.waitUntilAllSettled().then(() => (settled = p.state));
  runtime.clock.advance(2000);
  await settle();
  equal(settled, ProcessState.RUNNING);
});
