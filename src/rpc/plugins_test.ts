import assert from "node:assert/strict";
import type { RpcInterfaceConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { RecordingLogger } from "../test_support.ts";
import { RpcDispatcher } from "./dispatcher.ts";
import { Faults, RpcError } from "./faults.ts";
import { APPLICATION_ERROR, loadPlugin, PluginLoadError, type PluginMethods } from "./plugins.ts";
import { decodeMethodResponse, encodeMethodCall } from "./xmlrpc_codec.ts";

const PATH = "/etc/supervisor/plugins/demo.ts";

function section(extras: Record<string, string> = {}, exportName = "create"): RpcInterfaceConfig {
  return { name: "demo", factory: `plugins/demo.ts:${exportName}`, extras, module: { path: PATH, exportName } };
}

function setup(exports: Record<string, unknown> | (() => Record<string, unknown>)) {
  const rt = new FakeRuntime();
  rt.modules.set(PATH, exports);
  const logger = new RecordingLogger();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const load = (config = section()) => loadPlugin(config, { runtime: rt, logger, context: { tag: "ctx" }, modules });
  return { rt, logger, load, modules };
}

async function loadError(load: () => Promise<unknown>): Promise<PluginLoadError> {
  try {
    await load();
  } catch (e) {
    if (e instanceof PluginLoadError) return e;
    throw e;
  }
  throw new Error("expected a PluginLoadError");
}

const GREET: PluginMethods = {
  greet: {
    signature: ["string", "string", "int"],
    optional: 1,
    help: "Greet.",
    handler: ([name, times]) => `hello ${String(name)}`.repeat(typeof times === "number" ? times : 1),
  },
};

Deno.test("loadPlugin() imports the module afresh, calls the export with the context and options, and names methods", async () => {
  const seen: unknown[] = [];
  const { rt, load } = setup({
    create: (ctx: unknown, options: unknown) => {
      seen.push(ctx, options);
      return GREET;
    },
  });
  const defs = await load(section({ greeting: "hi" }));
  assert.deepEqual(seen, [{ tag: "ctx" }, { greeting: "hi" }]);
  assert.deepEqual(rt.imports, [{ path: PATH, fresh: true }]);
  assert.deepEqual(defs.map(({ name, signature, optional, help }) => ({ name, signature, optional, help })), [
    { name: "demo.greet", signature: ["string", "string", "int"], optional: 1, help: "Greet." },
  ]);
  assert.equal(await defs[0]!.handler(["bob", 2]), "hello bobhello bob");
});

Deno.test("loadPlugin() evaluates a module once per run, even for two sections", async () => {
  let evaluations = 0;
  const { load } = setup(() => {
    evaluations++;
    return { create: () => GREET, other: () => ({}) };
  });
  await load();
  await load(section({}, "other"));
  assert.equal(evaluations, 1);
});

Deno.test("loadPlugin() failures say why: missing module, missing export, not a function, factory error, bad result", async () => {
  const cases: Array<[Record<string, unknown> | null, string, string]> = [
    [null, "create", `Cannot find module '${PATH}'`],
    [{ other: () => GREET }, "create", `${PATH} has no export 'create'`],
    [{ create: 42 }, "create", `export 'create' of ${PATH} is not a function`],
    [
      {
        create: () => {
          throw new Error("interval is required");
        },
      },
      "create",
      "interval is required",
    ],
    [
      {
        create: () => {
          throw new TypeError("x is undefined");
        },
      },
      "create",
      "TypeError: x is undefined",
    ],
    [{ create: () => Promise.reject("plain") }, "create", "plain"],
    [{ create: () => null }, "create", "create() returned null, not an object of methods"],
    [{ create: () => [] }, "create", "create() returned object, not an object of methods"],
  ];
  for (const [exports, exportName, reason] of cases) {
    const { rt, load } = setup({});
    if (exports === null) rt.modules.clear();
    else rt.modules.set(PATH, exports);
    const e = await loadError(() => load(section({}, exportName)));
    assert.equal(e.message, reason);
  }
});

Deno.test("loadPlugin() logs a module's own error with its stack, a missing file by its message", async () => {
  const { load } = setup({
    create: () => {
      throw new Error("boom");
    },
  });
  const thrown = await loadError(load);
  assert.match(thrown.logText, /^Error: boom\n\s+at /);
  const missing = setup({});
  missing.rt.modules.clear();
  assert.equal((await loadError(missing.load)).logText, `Cannot find module '${PATH}'`);
});

Deno.test("loadPlugin() rejects methods it could not serve", async () => {
  const ok = { signature: ["int"], help: "", handler: () => 1 };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ "a.b": ok }, "method 'a.b': name must be letters, digits and _, starting with a letter"],
    [{ _hidden: ok }, "method '_hidden': name must be letters, digits and _, starting with a letter"],
    [{ f: () => 1 }, "method 'f': must be an object with signature, help and handler"],
    [{ f: { ...ok, signature: [] } }, "method 'f': signature must be an array of type names, the return type first"],
    [{ f: { ...ok, help: undefined } }, "method 'f': help must be a string"],
    [{ f: { ...ok, handler: "x" } }, "method 'f': handler must be a function"],
    [
      { f: { ...ok, optional: 1 } },
      "method 'f': optional must be a whole number no larger than the number of parameters",
    ],
    [{ f: null }, "method 'f': must be an object with signature, help and handler"],
  ];
  for (const [methods, reason] of cases) {
    const { load } = setup({ create: () => methods });
    assert.equal((await loadError(load)).message, reason);
  }
});

Deno.test("a plugin method's failures are faults: RpcError as is, anything else -32500, and the error is logged", async () => {
  class ForeignRpcError extends Error {
    constructor(readonly code: number, message: string) {
      super(message);
      this.name = "RpcError";
    }
  }
  const { load, logger } = setup({
    create: (): PluginMethods => ({
      bad: {
        signature: ["string"],
        help: "",
        handler: () => {
          throw new RpcError(Faults.BAD_NAME, "x");
        },
      },
      foreign: {
        signature: ["string"],
        help: "",
        handler: () => {
          throw new ForeignRpcError(1234, "UNKNOWN: mine");
        },
      },
      broken: { signature: ["string"], help: "", handler: () => Promise.reject(new RangeError("out of range")) },
      nothing: { signature: ["string"], help: "", handler: () => undefined },
      fine: { signature: ["int"], help: "", handler: () => 7 },
    }),
  });
  const dispatcher = new RpcDispatcher();
  dispatcher.registerAll(await load());
  const call = async (name: string) => {
    const reply = await dispatcher.handle(encodeMethodCall(`demo.${name}`, []));
    assert.equal(reply.status, 200, name);
    return decodeMethodResponse(reply.body!);
  };
  assert.deepEqual(await call("bad"), { fault: true, faultCode: 10, faultString: "BAD_NAME: x" });
  assert.deepEqual(await call("foreign"), { fault: true, faultCode: 1234, faultString: "UNKNOWN: mine" });
  assert.deepEqual(await call("broken"), {
    fault: true,
    faultCode: APPLICATION_ERROR,
    faultString: "RangeError: out of range",
  });
  assert.deepEqual(await call("nothing"), {
    fault: true,
    faultCode: APPLICATION_ERROR,
    faultString: "demo.nothing() returned a value XML-RPC cannot carry: Cannot marshal undefined values",
  });
  assert.deepEqual(await call("fine"), { fault: false, value: 7 });
  assert.equal(logger.lines.length, 2);
  assert.match(logger.lines[0]!, /^ERRO demo\.broken\(\) failed: RangeError: out of range\n\s+at /);
  assert.equal(
    logger.lines[1],
    "ERRO demo.nothing() returned a value XML-RPC cannot carry: Cannot marshal undefined values",
  );
});
