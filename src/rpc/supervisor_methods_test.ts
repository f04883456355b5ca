import { deepStrictEqual as assertEquals, equal, throws } from "node:assert/strict";
import { bindSupervisorMethods, SUPERVISOR_METHODS } from "./supervisor_methods.ts";
import { RpcDispatcher, type RpcHandler } from "./dispatcher.ts";

// `system.methodSignature` of every published method, as supervisord 4.2.5 answered (SURFACE A.4).
const OBSERVED = `
supervisor.addProcessGroup ['boolean', 'string']
supervisor.clearAllProcessLogs ['array']
supervisor.clearLog ['boolean']
supervisor.clearProcessLog ['boolean', 'string']
supervisor.clearProcessLogs ['boolean', 'string']
supervisor.getAPIVersion ['string']
supervisor.getAllConfigInfo ['array']
supervisor.getAllProcessInfo ['array']
supervisor.getIdentification ['string']
supervisor.getPID ['int']
supervisor.getProcessInfo ['struct', 'string']
supervisor.getState ['struct']
supervisor.getSupervisorVersion ['string']
supervisor.getVersion ['string']
supervisor.readLog ['string', 'int', 'int']
supervisor.readMainLog ['string', 'int', 'int']
supervisor.readProcessLog ['string', 'string', 'int', 'int']
supervisor.readProcessStderrLog ['string', 'string', 'int', 'int']
supervisor.readProcessStdoutLog ['string', 'string', 'int', 'int']
supervisor.reloadConfig ['array']
supervisor.removeProcessGroup ['boolean', 'string']
supervisor.restart ['boolean']
supervisor.sendProcessStdin ['boolean', 'string', 'string']
supervisor.sendRemoteCommEvent ['boolean', 'string', 'string']
supervisor.shutdown ['boolean']
supervisor.signalAllProcesses ['array', 'string']
supervisor.signalProcess ['boolean', 'string', 'string']
supervisor.signalProcessGroup ['array', 'string', 'string']
supervisor.startAllProcesses ['array', 'boolean']
supervisor.startProcess ['boolean', 'string', 'boolean']
supervisor.startProcessGroup ['array', 'string', 'boolean']
supervisor.stopAllProcesses ['array', 'boolean']
supervisor.stopProcess ['boolean', 'string', 'boolean']
supervisor.stopProcessGroup ['array', 'string', 'boolean']
supervisor.tailProcessLog ['array', 'string', 'int', 'int']
supervisor.tailProcessStderrLog ['array', 'string', 'int', 'int']
supervisor.tailProcessStdoutLog ['array', 'string', 'int', 'int']
system.listMethods ['array']
system.methodHelp ['string', 'string']
system.methodSignature ['array', 'string']
system.multicall ['array', 'array']`.trim();

function allHandlers(calls: string[] = []): Record<string, RpcHandler> {
  const out: Record<string, RpcHandler> = {};
  for (const m of SUPERVISOR_METHODS) {
    if (m.aliasOf === undefined) out[m.name] = () => (calls.push(m.name), m.name);
  }
  return out;
}

Deno.test("[RPC.system.listMethods,RPC.system.methodSignature] the supervisor table gives supervisord's 41 names and signatures", async () => {
  const d = new RpcDispatcher();
  d.registerAll(bindSupervisorMethods(allHandlers()));
  const lines: string[] = [];
  for (const name of d.names()) {
    const sig = (await d.call("system.methodSignature", [name])) as string[];
    lines.push(`${name} [${sig.map((s) => `'${s}'`).join(", ")}]`);
  }
  equal(lines.join("\n"), OBSERVED);
  equal(SUPERVISOR_METHODS.length, 37);
});

Deno.test("bindSupervisorMethods() makes aliases share their target's handler and help", async () => {
  const calls: string[] = [];
  const d = new RpcDispatcher();
  d.registerAll(bindSupervisorMethods(allHandlers(calls)));
  equal(await d.call("supervisor.getVersion", []), "supervisor.getAPIVersion");
  equal(await d.call("supervisor.readProcessLog", ["x", 0, 0]), "supervisor.readProcessStdoutLog");
  equal(
    await d.call("system.methodHelp", ["supervisor.getVersion"]),
    await d.call("system.methodHelp", ["supervisor.getAPIVersion"]),
  );
  assertEquals(calls, ["supervisor.getAPIVersion", "supervisor.readProcessStdoutLog"]);
  // startProcess(name, wait=True): wait may be omitted, as in Python.
  equal(await d.call("supervisor.startProcess", ["x"]), "supervisor.startProcess");
});

Deno.test("bindSupervisorMethods() refuses unknown names, alias keys and (unless partial) missing handlers", () => {
  const h: RpcHandler = () => true;
  throws(() => bindSupervisorMethods({ "supervisor.nosuch": h }), /not a published/);
  throws(() => bindSupervisorMethods({ "supervisor.getVersion": h }), /not a published/);
  throws(() => bindSupervisorMethods({ "supervisor.getPID": h }), /no handler for "supervisor.getAPIVersion"/);
  const partial = bindSupervisorMethods({ "supervisor.getPID": h }, { partial: true });
  assertEquals(partial.map((m) => m.name), ["supervisor.getPID"]);
});
