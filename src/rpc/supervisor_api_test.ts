import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { MAIN_LOG, programGroup, settle, type TestDaemon, testDaemon } from "./_api_testing.ts";
import type { ApiContext } from "./api_context.ts";
import { Faults, RpcError } from "./faults.ts";
import { logHandlers } from "./log_api.ts";
import { POLL_MS, SupervisorApi } from "./supervisor_api.ts";
import { Double, type XmlRpcValue } from "./xmlrpc_value.ts";

/** Control and log handlers, so the shutdown guard can be seen on both. */
const handlers = (ctx: ApiContext) => ({ ...new SupervisorApi(ctx).handlers(), ...logHandlers(ctx) });

/** `grp` with gp1 (priority 10) and gp2 (priority 20), and a lone `solo`. */
function daemon(): Promise<TestDaemon> {
  return testDaemon([
    programGroup("grp", [{ name: "gp1", priority: 10 }, { name: "gp2", priority: 20 }], 100),
    programGroup("solo"),
  ], handlers);
}

async function fault(p: Promise<unknown>, text: string): Promise<void> {
  await rejects(p, (e: unknown) => {
    ok(e instanceof RpcError, `expected a fault, got ${String(e)}`);
    equal(e.message, text);
    return true;
  });
}

/** A Python exception (not a fault): what the dispatcher turns into HTTP 500 or multicall FAILED. */
async function pyError(p: Promise<unknown>, name: string, message: string): Promise<void> {
  await rejects(p, (e: unknown) => {
    ok(e instanceof Error && !(e instanceof RpcError), `expected a Python exception, got ${String(e)}`);
    equal(e.name, name);
    equal(e.message, message);
    return true;
  });
}

const names = (results: unknown) => (results as Array<{ name: string }>).map((r) => r.name);

Deno.test("[RPC.struct.result,RPC.supervisor.stopProcessGroup] processes that stop within one poll are listed in priority order", async () => {
  const d = await daemon();
  const gp1 = d.start("grp", "gp1");
  const gp2 = d.start("grp", "gp2");
  const result = d.call("supervisor.stopProcessGroup", "grp");
  await settle();
  gp2.terminate("SIGTERM");
  gp1.terminate("SIGTERM");
  await settle();
  d.rt.clock.advance(POLL_MS);
  deepEqual(names(await result), ["gp1", "gp2"]);
});

Deno.test("[RPC.struct.result,RPC.supervisor.stopProcessGroup] a process that stops in a later poll is listed after", async () => {
  const d = await daemon();
  const gp1 = d.start("grp", "gp1");
  const gp2 = d.start("grp", "gp2");
  let done: unknown = null;
  const result = d.call("supervisor.stopProcessGroup", "grp").then((r) => done = r);
  await settle();
  gp2.terminate("SIGTERM");
  await settle();
  d.rt.clock.advance(POLL_MS);
  await settle();
  equal(done, null, "answered before every process stopped");
  gp1.terminate("SIGTERM");
  await settle();
  d.rt.clock.advance(POLL_MS);
  await result;
  deepEqual(names(done), ["gp2", "gp1"]);
});

Deno.test("[FAULT.shutdown,RPC.supervisor.shutdown] after shutdown every method answers SHUTDOWN_STATE at once", async () => {
  const d = await daemon();
  equal(await d.call("supervisor.shutdown"), true);
  await fault(d.call("supervisor.getState"), "SHUTDOWN_STATE");
  await fault(d.call("supervisor.getAPIVersion"), "SHUTDOWN_STATE");
  await fault(d.call("supervisor.readLog", 0, 0), "SHUTDOWN_STATE");
  await fault(d.call("supervisor.shutdown"), "SHUTDOWN_STATE");
  await fault(d.call("supervisor.restart"), "SHUTDOWN_STATE");
});

Deno.test("[FAULT.shutdown,RPC.supervisor.restart] after restart every method answers SHUTDOWN_STATE at once", async () => {
  const d = await daemon();
  equal(await d.call("supervisor.restart"), true);
  await fault(d.call("supervisor.getPID"), "SHUTDOWN_STATE");
});

Deno.test("[FAULT.shutdown,RPC.supervisor.signalProcessGroup] signalProcessGroup: unhashable name first, then the shutdown check, then BAD_NAME", async () => {
  const d = await daemon();
  await fault(d.call("supervisor.signalProcessGroup", "nosuch", "HUP"), "BAD_NAME: nosuch");
  await d.call("supervisor.shutdown");
  await fault(d.call("supervisor.signalProcessGroup", ["x"], "HUP"), "INCORRECT_PARAMETERS");
  await fault(d.call("supervisor.signalProcessGroup", "nosuch", "HUP"), "SHUTDOWN_STATE");
});

Deno.test("[XMLRPC.500,XMLRPC.dispatch] a process name that is not a string is Python's AttributeError", async () => {
  const d = await daemon();
  await pyError(d.call("supervisor.getProcessInfo", 5), "AttributeError", "'int' object has no attribute 'split'");
  await pyError(
    d.call("supervisor.startProcess", null),
    "AttributeError",
    "'NoneType' object has no attribute 'split'",
  );
  await pyError(d.call("supervisor.stopProcess", true), "AttributeError", "'bool' object has no attribute 'split'");
  await pyError(
    d.call("supervisor.signalProcess", ["a"], "HUP"),
    "AttributeError",
    "'list' object has no attribute 'split'",
  );
});

Deno.test("[XMLRPC.dispatch,FAULT.table] a group name: lists and structs are INCORRECT_PARAMETERS, other non-strings BAD_NAME", async () => {
  const d = await daemon();
  await fault(d.call("supervisor.startProcessGroup", ["grp"]), "INCORRECT_PARAMETERS");
  await fault(d.call("supervisor.stopProcessGroup", { a: 1 }), "INCORRECT_PARAMETERS");
  await fault(d.call("supervisor.startProcessGroup", 5), "BAD_NAME: 5");
  await fault(d.call("supervisor.stopProcessGroup", null), "BAD_NAME: None");
  await fault(d.call("supervisor.signalProcessGroup", new Double(1.5), "HUP"), "BAD_NAME: 1.5");
});

Deno.test("[RPC.supervisor.signalProcess,DT.signal] a signal parameter goes through int() first, as Python's signal_number does", async () => {
  const d = await daemon();
  d.start("solo");
  const sent = () => d.rt.kills[d.rt.kills.length - 1]?.signal;
  equal(await d.call("supervisor.signalProcess", "solo", new Double(18.7)), true);
  equal(sent(), 18);
  equal(await d.call("supervisor.signalProcess", "solo", true), true);
  equal(sent(), 1);
  equal(await d.call("supervisor.signalProcess", "solo", " cont "), true);
  equal(sent(), 18);
  await fault(d.call("supervisor.signalProcess", "solo", "BAD"), "BAD_SIGNAL: BAD");
  await fault(d.call("supervisor.signalProcess", "solo", 99), "BAD_SIGNAL: 99");
  await pyError(
    d.call("supervisor.signalProcess", "solo", null),
    "AttributeError",
    "'NoneType' object has no attribute 'strip'",
  );
  await pyError(
    d.call("supervisor.signalProcess", "solo", []),
    "AttributeError",
    "'list' object has no attribute 'strip'",
  );
});

Deno.test("[RPC.supervisor.startProcess,FAULT.table,PROC.unknown] startProcess on a process in UNKNOWN state: FAILED with Python's text", async () => {
  const d = await daemon();
  d.start("solo");
  d.rt.kill = () => {
    throw new Error("boom");
  };
  await rejects(
    d.call("supervisor.signalProcess", "solo", "HUP"),
    (e: unknown) => e instanceof RpcError && e.code === Faults.FAILED,
  );
  await fault(d.call("supervisor.startProcess", "solo"), "FAILED: solo is in an unknown process state");
});

Deno.test("[RPC.supervisor.startProcess] wait follows Python's truth value: [] and {} do not wait", async () => {
  const d = await daemon();
  const cases: Array<[string, XmlRpcValue]> = [["solo", []], ["grp:gp1", {}]];
  for (const [name, wait] of cases) {
    let answered = false;
    void d.call("supervisor.startProcess", name, wait).then(() => answered = true);
    await settle();
    ok(answered, `${name} waited`);
  }
  let waited = true;
  void d.call("supervisor.startProcess", "grp:gp2", "yes").then(() => waited = false);
  await settle();
  ok(waited, "a true wait answered before startsecs");
});

Deno.test("[PROC.order.rpcall] stopAllProcesses signals every process of every group in one go, in priority order", async () => {
  const d = await daemon();
  const gp1 = d.start("grp", "gp1");
  const gp2 = d.start("grp", "gp2");
  const solo = d.start("solo");
  const result = d.call("supervisor.stopAllProcesses");
  await settle();
  deepEqual(
    d.rt.kills.map((k) => k.pid),
    [gp1.pid, gp2.pid, solo.pid],
    "all signalled before any has exited: not group by group",
  );
  solo.terminate("SIGTERM");
  gp1.terminate("SIGTERM");
  gp2.terminate("SIGTERM");
  await settle();
  d.rt.clock.advance(POLL_MS);
  deepEqual(names(await result), ["gp1", "gp2", "solo"]);
});

Deno.test("[PROC.order.rpcall] startAllProcesses spawns every process of every group in one go", async () => {
  const d = await daemon();
  const result = d.call("supervisor.startAllProcesses", false);
  await settle();
  deepEqual(d.rt.spawns.map((c) => c.options.path), ["/bin/grp", "/bin/grp", "/bin/solo"]);
  deepEqual(names(await result), ["gp1", "gp2", "solo"]);
});

Deno.test("[MLOG.waitstop] a waiting stopProcess logs 'waiting for <name> to stop' at once, then every 2 s", async () => {
  const d = await daemon();
  const child = d.start("solo");
  d.rt.clock.advance(1000);
  const lines = () => (d.rt.fs.text(MAIN_LOG) ?? "").split("\n").filter((l) => l.includes("to stop"));
  const result = d.call("supervisor.stopProcess", "solo");
  await settle();
  equal(lines().length, 1);
  match(lines()[0]!, /^\S+ \S+ INFO waiting for solo to stop$/);
  d.rt.clock.advance(1999);
  await settle();
  equal(lines().length, 1, "not before 2 s");
  d.rt.clock.advance(2);
  await settle();
  equal(lines().length, 2, "again after 2 s");
  child.terminate("SIGTERM");
  await settle(60);
  d.rt.clock.advance(POLL_MS);
  equal(await result, true);
  d.rt.clock.advance(10_000);
  await settle();
  equal(lines().length, 2, "nothing once stopped");
});

Deno.test("[RPC.struct.processinfo] getAllProcessInfo hands out the same frozen struct while nothing in it changed", async () => {
  const d = await daemon();
  const first = await d.call("supervisor.getAllProcessInfo") as Array<Record<string, unknown>>;
  const again = await d.call("supervisor.getAllProcessInfo") as Array<Record<string, unknown>>;
  equal(first.length, 3);
  ok(first.every((info, i) => info === again[i] && Object.isFrozen(info)));
  ok(first === again && Object.isFrozen(first), "the same frozen list while nothing changed");
  d.start("solo");
  await settle();
  const started = await d.call("supervisor.getAllProcessInfo") as Array<Record<string, unknown>>;
  const solo = started.find((i) => i.name === "solo");
  ok(solo !== undefined && solo !== first.find((i) => i.name === "solo"), "a state change makes a new struct");
  equal(solo.statename, "STARTING");
  equal(started.find((i) => i.name === "gp1"), first.find((i) => i.name === "gp1"));
  d.rt.clock.advance(1000);
  const later = await d.call("supervisor.getAllProcessInfo") as Array<Record<string, unknown>>;
  ok(later.every((info, i) => info !== started[i] && info.now === (started[i]!.now as number) + 1), "a new second");
});
