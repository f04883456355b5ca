import { deepStrictEqual as assertEquals, equal, match, ok, rejects, throws } from "node:assert/strict";
import { RpcDispatcher, type RpcLogger, type RpcReply } from "./dispatcher.ts";
import { Faults, RpcError } from "./faults.ts";
import { decodeMethodResponse, encodeMethodCall, type MethodResponse, type XmlRpcValue } from "./xmlrpc_codec.ts";

function setup() {
  const lines: string[] = [];
  const logger: RpcLogger = {
    error: (m) => void lines.push(`ERRO ${m}`),
    critical: (m) => void lines.push(`CRIT ${m}`),
    trace: (m) => void lines.push(`TRAC ${m}`),
  };
  const d = new RpcDispatcher({ logger });
  const order: string[] = [];
  d.registerAll([
    { name: "supervisor.getPID", signature: ["int"], help: "pid", handler: () => 10032 },
    {
      name: "supervisor.startProcess",
      signature: ["boolean", "string", "boolean"],
      optional: 1,
      help: "start",
      handler: async ([name, wait]) => {
        order.push(`start ${String(name)}`);
        await Promise.resolve();
        order.push(`end ${String(name)}`);
        if (name === "nosuch") throw new RpcError(Faults.BAD_NAME, "nosuch");
        return wait !== false;
      },
    },
    { name: "supervisor.boom", signature: ["int"], help: "", handler: () => JSON.parse("{") },
    { name: "supervisor.none", signature: ["int"], help: "", handler: () => null },
    { name: "supervisor.echo", signature: ["array", "string", "string"], help: "", handler: (p) => [...p] },
  ]);
  return { d, lines, order };
}

async function rpc(d: RpcDispatcher, name: string, params: XmlRpcValue[] = []): Promise<MethodResponse> {
  const reply = await d.handle(encodeMethodCall(name, params, { allowNone: true }));
  equal(reply.status, 200);
  return decodeMethodResponse(reply.body ?? "");
}

const fault = (faultCode: number, faultString: string) => ({ fault: true, faultCode, faultString });
const value = (v: XmlRpcValue) => ({ fault: false, value: v });

Deno.test("[XMLRPC.dispatch] names must be namespace.method, not _private, and registered: else UNKNOWN_METHOD", async () => {
  const { d } = setup();
  assertEquals(await rpc(d, "supervisor.getPID"), value(10032));
  for (const name of ["supervisor.nosuch", "supervisor.x.y", "supervisor._update", "getPID", "nosuch.getPID", ""]) {
    if (name === "") continue; // an empty name never reaches dispatch (400, below)
    assertEquals(await rpc(d, name), fault(1, "UNKNOWN_METHOD"), name);
  }
});

Deno.test("[XMLRPC.dispatch] a wrong parameter count is INCORRECT_PARAMETERS; optional trailing parameters may be omitted", async () => {
  const { d } = setup();
  assertEquals(await rpc(d, "supervisor.getPID", [1]), fault(2, "INCORRECT_PARAMETERS"));
  assertEquals(await rpc(d, "supervisor.startProcess"), fault(2, "INCORRECT_PARAMETERS"));
  assertEquals(await rpc(d, "supervisor.startProcess", ["a", true, 3]), fault(2, "INCORRECT_PARAMETERS"));
  assertEquals(await rpc(d, "supervisor.startProcess", ["a"]), value(true));
  assertEquals(await rpc(d, "supervisor.startProcess", ["a", false]), value(false));
  assertEquals(await rpc(d, "supervisor.startProcess", ["nosuch"]), fault(10, "BAD_NAME: nosuch"));
});

Deno.test("[XMLRPC.request,HTTP.rpc2,MLOG.rpc] malformed bodies and empty method names are HTTP 400 with ERRO lines", async () => {
  const { d, lines } = setup();
  const bad: RpcReply = await d.handle("hello");
  assertEquals(bad, { status: 400, body: null });
  equal(lines.at(-1), "ERRO XML-RPC request data 'hello' is invalid: unmarshallable");
  assertEquals(await d.handle(new Uint8Array([0xff])), { status: 400, body: null });
  const huge = `<methodCall><methodName>system.methodHelp</methodName><params><param><value><int>${
    "9".repeat(5000)
  }</int></value></param></params></methodCall>`;
  assertEquals(await d.handle(huge), { status: 400, body: null }); // Python's int() refuses > 4,300 digits
  match(lines.at(-1) ?? "", /^ERRO XML-RPC request data '<methodCall>.*9{5000}.*' is invalid: unmarshallable$/s);
  const noName = "<?xml version='1.0'?><methodCall><methodName/></methodCall>";
  assertEquals(await d.handle(noName), { status: 400, body: null });
  equal(lines.at(-1), `ERRO XML-RPC request data "${noName}" is invalid: no method name`);
  const bare = await d.handle("<methodCall><methodName>system.listMethods</methodName></methodCall>");
  const full = await d.handle(encodeMethodCall("system.listMethods", []));
  equal(bare.status, 200);
  assertEquals(bare.body, full.body);
});

Deno.test("a reply body is lent from a pooled buffer: released, the next reply is written in the same memory", async () => {
  const { d } = setup();
  const first = await d.handle(encodeMethodCall("supervisor.getPID", []));
  equal(first.status, 200);
  const text = new TextDecoder().decode(first.body!);
  const memory = first.body!.buffer;
  if (first.status === 200) first.release();
  const second = await d.handle(encodeMethodCall("supervisor.getPID", []));
  equal(second.body!.buffer, memory, "the buffer given back is reused");
  equal(new TextDecoder().decode(second.body!), text);
  const held = await d.handle(encodeMethodCall("supervisor.getPID", []));
  const third = await d.handle(encodeMethodCall("supervisor.getPID", []));
  ok(held.body!.buffer !== third.body!.buffer, "a body not given back is never written over");
});

Deno.test("[XMLRPC.500,MLOG.rpc] an unexpected exception or an unmarshallable result is HTTP 500 with a CRIT line", async () => {
  const { d, lines } = setup();
  assertEquals(await d.handle(encodeMethodCall("supervisor.boom", [])), { status: 500, body: null });
  match(
    lines.at(-1) ?? "",
    /^CRIT Handling XML-RPC request with data .*supervisor\.boom.* raised an unexpected exception: SyntaxError/s,
  );
  assertEquals(await d.handle(encodeMethodCall("supervisor.none", [])), { status: 500, body: null });
  match(lines.at(-1) ?? "", /Cannot marshal null/);
});

Deno.test("[MLOG.rpc] RpcDispatcher.handle() writes supervisord's TRAC lines for calls, results and faults", async () => {
  const { d, lines } = setup();
  await rpc(d, "supervisor.getPID");
  await rpc(d, "supervisor.nosuch");
  assertEquals(lines, [
    "TRAC XML-RPC method called: supervisor.getPID()",
    "TRAC XML-RPC method supervisor.getPID() returned successfully",
    "TRAC XML-RPC method called: supervisor.nosuch()",
    "TRAC XML-RPC method supervisor.nosuch() returned fault: [1] UNKNOWN_METHOD",
  ]);
});

Deno.test("[RPC.system.listMethods,RPC.system.methodSignature,RPC.system.methodHelp] introspection comes from the method table", async () => {
  const { d } = setup();
  const names = (await rpc(d, "system.listMethods")) as { value: string[] };
  assertEquals(names.value, [
    "supervisor.boom",
    "supervisor.echo",
    "supervisor.getPID",
    "supervisor.none",
    "supervisor.startProcess",
    "system.listMethods",
    "system.methodHelp",
    "system.methodSignature",
    "system.multicall",
  ]);
  assertEquals(
    await rpc(d, "system.methodSignature", ["supervisor.startProcess"]),
    value(["boolean", "string", "boolean"]),
  );
  assertEquals(await rpc(d, "system.methodSignature", ["system.multicall"]), value(["array", "array"]));
  assertEquals(await rpc(d, "system.methodHelp", ["supervisor.getPID"]), value("pid"));
  for (const arg of ["nosuch", "supervisor._x", 5, null] as XmlRpcValue[]) {
    const sent = await d.handle(encodeMethodCall("system.methodHelp", [arg], { allowNone: true }));
    assertEquals(decodeMethodResponse(sent.body ?? ""), fault(4, "SIGNATURE_UNSUPPORTED"));
    const sig = await d.handle(encodeMethodCall("system.methodSignature", [arg], { allowNone: true }));
    assertEquals(decodeMethodResponse(sig.body ?? ""), fault(4, "SIGNATURE_UNSUPPORTED"));
  }
});

Deno.test("[RPC.system.multicall] bare results, fault structs, the A.4 corpus", async () => {
  const { d } = setup();
  const calls: XmlRpcValue = [
    { methodName: "supervisor.getPID" },
    { methodName: "supervisor.nosuch" },
    { methodName: "system.multicall", params: [[]] },
    { params: [] },
    { methodName: "supervisor.startProcess", params: ["nosuch"] },
    { methodName: "supervisor.startProcess", params: ["grp:gp1", true] },
    { methodName: "supervisor.getPID", params: [1, 2] },
  ];
  assertEquals(
    await rpc(d, "system.multicall", [calls]),
    value([
      10032,
      { faultCode: 1, faultString: "UNKNOWN_METHOD" },
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS: Recursive system.multicall forbidden" },
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS: No methodName" },
      { faultCode: 10, faultString: "BAD_NAME: nosuch" },
      true,
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS" },
    ]),
  );
});

Deno.test("[RPC.system.multicall,XMLRPC.deferred] calls run strictly in order, each awaited before the next", async () => {
  const { d, order } = setup();
  await rpc(d, "system.multicall", [[
    { methodName: "supervisor.startProcess", params: ["a"] },
    { methodName: "supervisor.startProcess", params: ["b"] },
  ]]);
  assertEquals(order, ["start a", "end a", "start b", "end b"]);
});

Deno.test("[RPC.system.multicall] odd entries are answered as Python answers them", async () => {
  const { d } = setup();
  assertEquals(
    await rpc(d, "system.multicall", [[
      { methodName: 5 },
      { methodName: null },
      { methodName: "supervisor.echo", params: "ab" },
      { methodName: "supervisor.echo", params: { x: 1, y: 2 } },
      { methodName: "supervisor.echo", params: 7 },
      { methodName: "supervisor.boom" },
      { methodName: "" },
    ]]),
    value([
      { faultCode: 30, faultString: "FAILED: <class 'AttributeError'>:'int' object has no attribute 'split'" },
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS: No methodName" },
      ["a", "b"],
      ["x", "y"],
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS" },
      { faultCode: 30, faultString: `FAILED: <class 'SyntaxError'>:${errorMessage(() => JSON.parse("{"))}` },
      { faultCode: 1, faultString: "UNKNOWN_METHOD" },
    ]),
  );
  // An entry that is not a struct fails the whole request, as in supervisord.
  for (const entry of [5, "str", [], null] as XmlRpcValue[]) {
    const reply = await d.handle(encodeMethodCall("system.multicall", [[{ methodName: "supervisor.getPID" }, entry]], {
      allowNone: true,
    }));
    assertEquals(reply, { status: 500, body: null });
  }
  for (const arg of [1, "abc", { a: 1 }] as XmlRpcValue[]) {
    assertEquals(await rpc(d, "system.multicall", [arg]), fault(2, "INCORRECT_PARAMETERS"));
  }
  assertEquals(await rpc(d, "system.multicall", [[]]), value([]));
});

function errorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

Deno.test("RpcDispatcher.register() refuses names that could never be called, duplicates and bad signatures", () => {
  const { d } = setup();
  const h = () => 1;
  throws(() => d.register({ name: "nodots", signature: ["int"], help: "", handler: h }), /namespace\.method/);
  throws(() => d.register({ name: "a.b.c", signature: ["int"], help: "", handler: h }), /namespace\.method/);
  throws(() => d.register({ name: "a._b", signature: ["int"], help: "", handler: h }), /namespace\.method/);
  throws(() => d.register({ name: "supervisor.getPID", signature: ["int"], help: "", handler: h }), /already/);
  throws(() => d.register({ name: "a.b", signature: [], help: "", handler: h }), /signature/);
  throws(() => d.register({ name: "a.b", signature: ["int"], optional: 1, help: "", handler: h }), /signature/);
  ok(d.spec("a.b") === undefined);
});

Deno.test("RpcDispatcher.call() lets a handler's own exception through", async () => {
  const { d } = setup();
  await rejects(d.call("supervisor.boom", []), SyntaxError);
  await rejects(d.call("supervisor.nosuch", []), (e) => e instanceof RpcError && e.code === 1);
});
