/**
 * Black-box tests of TypeScript rpcinterface plugins (EXTENSIONS §11) on
 * our entries (Deno, Bun, or the binary with SUPERVISOR_TS_BIN): a plugin
 * written next to the config answers over XML-RPC with its methods listed
 * and documented by `system.*`; a method that throws is a fault and the
 * daemon keeps serving; a reload imports the edited file again; a plugin
 * that cannot be made stops startup with `Could not make NAME rpc
 * interface: <reason>` and exit 2. And what Python does with such a
 * config: supervisord 4.2.5 cannot import a `.ts` factory and refuses to
 * start (exit 2).
 *
 * Python counterpart: supervisor/options.py (`get_plugins`) and
 * supervisor/http.py (`make_http_servers`).
 * @module
 */

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  fixedEnv,
  haveReference,
  normalise,
  ourCommand,
  ourEntryName,
  REFERENCE,
  ROOT,
  run,
  tempDir,
} from "./_harness.ts";
import { ForegroundDaemon } from "./_daemon.ts";
import { rpcCall } from "./_rpc.ts";
import { Double } from "../src/rpc/xmlrpc_value.ts";

const GREETER = (greeting: string) => `
interface Context { namespace: string; RpcError: new (code: number, detail?: string) => Error; Faults: Record<string, number> }
export function createGreeter(ctx: Context, options: Record<string, string>) {
  return {
    greet: {
      signature: ["string", "string"],
      help: "Greet someone.\\n\\n@param string name  who\\n@return string greeting",
      handler: ([name]: unknown[]) => \`${greeting} \${String(name)} from \${ctx.namespace} (\${options.suffix})\`,
    },
    explode: { signature: ["boolean"], help: "Throws.", handler: () => { throw new Error("kaboom"); } },
    refuse: {
      signature: ["boolean", "string"],
      help: "Faults.",
      handler: ([name]: unknown[]) => { throw new ctx.RpcError(ctx.Faults.BAD_NAME, String(name)); },
    },
  };
}
`;

function writeConf(dir: string, factory: string, extra = ""): string {
  const path = join(dir, "supervisord.conf");
  writeFileSync(
    path,
    `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true

[unix_http_server]
file=${dir}/supervisord.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[rpcinterface:greeter]
supervisor.rpcinterface_factory = ${factory}
suffix = %(ENV_HOME)s
${extra}`,
  );
  return path;
}

Deno.test(`a TypeScript plugin answers over XML-RPC; a throwing method is a fault and the daemon keeps serving (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-plugin-");
  mkdirSync(join(tmp.path, "plugins"));
  writeFileSync(join(tmp.path, "plugins/greeter.ts"), GREETER("hello"));
  const conf = writeConf(tmp.path, "plugins/greeter.ts:createGreeter");
  using d = new ForegroundDaemon("ours", ["-c", conf], { cwd: "/", env: fixedEnv() });
  await d.waitFor(/^INFO supervisord started with pid/);
  assert.deepEqual(d.lines().filter((l) => l.includes("RPC interface")), [
    "INFO RPC interface 'supervisor' initialized",
    "INFO RPC interface 'greeter' initialized",
  ]);
  const at = { path: join(tmp.path, "supervisord.sock") };
  const methods = await rpcCall(at, "system.listMethods");
  assert.ok(!methods.fault);
  assert.deepEqual((methods.value as string[]).filter((m) => m.startsWith("greeter.")), [
    "greeter.explode",
    "greeter.greet",
    "greeter.refuse",
  ]);
  assert.deepEqual(await rpcCall(at, "system.methodSignature", ["greeter.greet"]), {
    fault: false,
    value: ["string", "string"],
  });
  assert.deepEqual(await rpcCall(at, "system.methodHelp", ["greeter.greet"]), {
    fault: false,
    value: "Greet someone.\n\n@param string name  who\n@return string greeting",
  });
  assert.deepEqual(await rpcCall(at, "greeter.greet", ["bob"]), {
    fault: false,
    value: `hello bob from greeter (/root)`,
  });
  assert.deepEqual(await rpcCall(at, "greeter.explode"), { fault: true, faultCode: -32500, faultString: "kaboom" });
  assert.deepEqual(await rpcCall(at, "greeter.refuse", ["x"]), {
    fault: true,
    faultCode: 10,
    faultString: "BAD_NAME: x",
  });
  assert.deepEqual(await rpcCall(at, "greeter.greet"), {
    fault: true,
    faultCode: 2,
    faultString: "INCORRECT_PARAMETERS",
  });
  const multi = await rpcCall(at, "system.multicall", [[
    { methodName: "greeter.explode", params: [] },
    { methodName: "greeter.greet", params: ["ann"] },
  ]]);
  assert.deepEqual(multi, {
    fault: false,
    value: [{ faultCode: -32500, faultString: "kaboom" }, `hello ann from greeter (/root)`],
  });
  assert.deepEqual(await rpcCall(at, "supervisor.getState"), {
    fault: false,
    value: { statecode: 1, statename: "RUNNING" },
  });
  assert.ok(d.lines().some((l) => l.startsWith("ERRO greeter.explode() failed: Error: kaboom")), d.stdout);
});

Deno.test(`a reload imports the plugin again, edits included (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-plugin-");
  writeFileSync(join(tmp.path, "greeter.ts"), GREETER("hello"));
  const conf = writeConf(tmp.path, "greeter.ts:createGreeter");
  using d = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(/^INFO supervisord started with pid/);
  const at = { path: join(tmp.path, "supervisord.sock") };
  assert.deepEqual(await rpcCall(at, "greeter.greet", ["bob"]), {
    fault: false,
    value: `hello bob from greeter (/root)`,
  });
  writeFileSync(join(tmp.path, "greeter.ts"), GREETER("welcome"));
  d.signal("SIGHUP");
  await d.waitFor(/^INFO supervisord started with pid/, 20_000, 2);
  assert.deepEqual(await rpcCall(at, "greeter.greet", ["bob"]), {
    fault: false,
    value: `welcome bob from greeter (/root)`,
  });
});

const BROKEN: Array<[string, Record<string, string>, string, string]> = [
  ["a missing module", {}, "nothere.ts:create", "Cannot find module '<TMP>/nothere.ts'"],
  ["a missing export", { "p.ts": GREETER("hi") }, "p.ts:createNothing", "<TMP>/p.ts has no export 'createNothing'"],
  [
    "an export that is not a function",
    { "p.mjs": "export const create = 1;\n" },
    "p.mjs:create",
    "export 'create' of <TMP>/p.mjs is not a function",
  ],
  [
    "a factory that throws",
    { "p.js": "export function create() { throw new Error('needs a token'); }\n" },
    "p.js:create",
    "needs a token",
  ],
  ["a module that throws", { "p.ts": "throw new Error('bad module');\n" }, "p.ts:create", "bad module"],
  [
    "a method without a signature",
    { "p.ts": "export const create = () => ({ m: { help: '', handler: () => 1 } });\n" },
    "p.ts:create",
    "method 'm': signature must be an array of type names, the return type first",
  ],
];

for (const [what, files, factory, reason] of BROKEN) {
  Deno.test(`a plugin with ${what} stops startup with the reason and exit 2 (${ourEntryName()})`, async () => {
    using tmp = tempDir("svts-plugin-");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp.path, name), text);
    const conf = writeConf(tmp.path, factory);
    const r = await run([...ourCommand(), "-c", conf], { cwd: tmp.path, env: fixedEnv(), timeoutMs: 20_000 });
    assert.deepEqual({ code: r.code, stderr: normalise(r.stderr, tmp.path) }, {
      code: 2,
      stderr: `Error: Could not make greeter rpc interface: ${reason}\nFor help, use <ARGV0> -h\n`,
    });
    assert.match(r.stdout, /^\S+ \S+ WARN /m);
  });
}

Deno.test({
  name: "supervisord 4.2.5 refuses a config with a module factory: it cannot import it (exit 2)",
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-plugin-");
    writeFileSync(join(tmp.path, "greeter.ts"), GREETER("hello"));
    const outcomes: Array<[string, string]> = [
      ["greeter.ts:createGreeter", "Error: greeter.ts:createGreeter cannot be resolved within [rpcinterface:greeter]"],
      [
        "./greeter.ts:createGreeter",
        `Error: ("EntryPoint must be in 'name=module:attrs [extras]' format", 'x=./greeter.ts:createGreeter')`,
      ],
    ];
    for (const [factory, error] of outcomes) {
      const conf = writeConf(tmp.path, factory);
      const r = await run([REFERENCE, "-c", conf], { cwd: tmp.path, env: fixedEnv(), timeoutMs: 20_000 });
      assert.deepEqual({ code: r.code, stderr: normalise(r.stderr, tmp.path) }, {
        code: 2,
        stderr: `${error}\nFor help, use <ARGV0> -h\n`,
      });
    }
  },
});

Deno.test(`the example procstats plugin reports a live child's pid and memory from /proc (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-plugin-");
  const plugin = join(ROOT, "examples/plugins/proc_stats.ts");
  const conf = writeConf(tmp.path, "unused");
  writeFileSync(
    conf,
    readFileSync(conf, "utf8").replace(
      /\[rpcinterface:greeter\][^[]*/,
      `[rpcinterface:procstats]\nsupervisor.rpcinterface_factory = ${plugin}:createProcStats\n\n` +
        `[program:sleeper]\ncommand=sleep 600\nstartsecs=0\n\n`,
    ),
  );
  using d = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv() });
  await d.waitFor(/^INFO success: sleeper entered RUNNING state/);
  const at = { path: join(tmp.path, "supervisord.sock") };
  const info = await rpcCall(at, "supervisor.getProcessInfo", ["sleeper"]);
  assert.ok(!info.fault);
  const pid = (info.value as { pid: number }).pid;
  const usage = await rpcCall(at, "procstats.getProcessUsage", ["sleeper"]);
  assert.ok(!usage.fault, JSON.stringify(usage));
  const u = usage.value as Record<string, unknown>;
  const vmRss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  assert.deepEqual([u.name, u.group, u.pid, u.statename, u.threads], ["sleeper", "sleeper", pid, "RUNNING", 1]);
  assert.ok(
    typeof u.rss_bytes === "number" && u.rss_bytes > 0 && Math.abs(u.rss_bytes - vmRss) <= vmRss / 2,
    `${u.rss_bytes}`,
  );
  const cpu = u.cpu_percent instanceof Double ? u.cpu_percent.value : NaN; // sent as <double>
  assert.ok(cpu >= 0 && cpu <= 100, `${cpu}`);
  const all = await rpcCall(at, "procstats.getAllProcessUsage");
  assert.ok(!all.fault);
  assert.deepEqual((all.value as Array<{ pid: number }>).map((x) => x.pid), [pid]);
  assert.deepEqual(await rpcCall(at, "procstats.getProcessUsage", ["nosuch"]), {
    fault: true,
    faultCode: 10,
    faultString: "BAD_NAME: nosuch",
  });
});
