import assert from "node:assert/strict";
import type { RpcInterfaceConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { RecordingLogger } from "../test_support.ts";
import { type MethodDef, RpcDispatcher } from "./dispatcher.ts";
import { makeRpcInterfaces, RpcInterfaceError } from "./rpc_interfaces.ts";

const MAIN = "supervisor.rpcinterface:make_main_rpcinterface";
const SUPERVISOR: MethodDef[] = [
  { name: "supervisor.getPID", signature: ["int"], help: "pid", handler: () => 42 },
  { name: "supervisor.getState", signature: ["struct"], help: "state", handler: () => ({ statecode: 1 }) },
];

function setup() {
  const rt = new FakeRuntime();
  const contexts: string[] = [];
  const disposed: string[] = [];
  const deps = {
    runtime: rt,
    logger: new RecordingLogger(),
    supervisorMethods: () => SUPERVISOR,
    contextFor: (namespace: string) => {
      contexts.push(namespace);
      return { context: namespace, dispose: () => void disposed.push(namespace) };
    },
  };
  return { rt, deps, contexts, disposed, dispatcher: new RpcDispatcher() };
}

const main = (name: string, extras: Record<string, string> = {}): RpcInterfaceConfig => ({
  name,
  factory: MAIN,
  extras,
  module: null,
});
const plugin = (name: string, path: string): RpcInterfaceConfig => ({
  name,
  factory: `${path}:create`,
  extras: {},
  module: { path, exportName: "create" },
});

Deno.test("[CFG.rpcinterface.main] makeRpcInterfaces() serves supervisor's methods under each section's name, and plugins", async () => {
  const { rt, deps, dispatcher, contexts, disposed } = setup();
  rt.modules.set("/p/a.ts", {
    create: (ctx: string) => ({ who: { signature: ["string"], help: "", handler: () => ctx } }),
  });
  const end = await makeRpcInterfaces([main("supervisor"), plugin("a", "/p/a.ts"), main("other")], dispatcher, deps);
  assert.deepEqual(dispatcher.names().filter((n) => !n.startsWith("system.")), [
    "a.who",
    "other.getPID",
    "other.getState",
    "supervisor.getPID",
    "supervisor.getState",
  ]);
  assert.equal(await dispatcher.call("a.who", []), "a");
  assert.equal(await dispatcher.call("other.getPID", []), 42);
  assert.deepEqual(contexts, ["a"]);
  end();
  assert.deepEqual(disposed, ["a"]);
});

Deno.test("[CFG.rpcinterface.main] supervisor's factory takes no options: an extra key fails as Python's does", async () => {
  const { deps, dispatcher } = setup();
  await assert.rejects(
    makeRpcInterfaces([main("supervisor", { retries: "1", other: "2" })], dispatcher, deps),
    (e) =>
      e instanceof RpcInterfaceError && e.message === "Could not make supervisor rpc interface" &&
      e.logText === "TypeError: make_main_rpcinterface() got an unexpected keyword argument 'retries'",
  );
});

Deno.test("makeRpcInterfaces() names the failing plugin and ends the contexts already made", async () => {
  const { rt, deps, dispatcher, disposed } = setup();
  rt.modules.set("/p/a.ts", { create: () => ({}) });
  rt.modules.set("/p/b.ts", { create: () => Promise.reject(new Error("no database")) });
  await assert.rejects(
    makeRpcInterfaces([plugin("a", "/p/a.ts"), plugin("b", "/p/b.ts")], dispatcher, deps),
    (e) => e instanceof RpcInterfaceError && e.message === "Could not make b rpc interface: no database",
  );
  assert.deepEqual(disposed, ["a", "b"]);
  rt.modules.set("/p/c.ts", { create: () => ({ listMethods: { signature: ["array"], help: "", handler: () => [] } }) });
  await assert.rejects(
    makeRpcInterfaces([plugin("system", "/p/c.ts")], new RpcDispatcher(), deps),
    (e) =>
      e instanceof RpcInterfaceError &&
      e.message ===
        'Could not make system rpc interface: Cannot register method "system.listMethods": already registered',
  );
});
