/**
 * Differential test of the RPC layer against the reference supervisord:
 * the same raw HTTP requests go to /usr/bin/supervisord (unix socket, Basic
 * auth with a `{SHA}` password) and to our front (dispatcher plus HTTP
 * handler, served by this runtime's adapter, same credentials), and the
 * answers must match: status, Content-Type, Content-Length, WWW-Authenticate
 * and the body, byte for byte. Covered: `system.*` introspection and
 * multicall, dispatch faults, parameter-count faults, supervisord's own
 * value reading (bare strings, base64 as text, nil), malformed bodies,
 * method and length checks, unknown paths, and every auth outcome.
 * `supervisor.*` methods are stubs here except `getAPIVersion` ("3.0");
 * the corpus only calls what does not depend on process state.
 *
 * Python counterpart: supervisor/xmlrpc.py, supervisor/http.py,
 * supervisor/medusa/ (the reference itself is the oracle).
 * @module
 */

import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { fixedEnv, haveReference, REFERENCE, tempDir } from "./_harness.ts";
import { createDenoRuntime } from "../src/runtime/deno.ts";
import { createBunRuntime } from "../src/runtime/bun.ts";
import { RpcDispatcher, type RpcHandler } from "../src/rpc/dispatcher.ts";
import { Faults, RpcError } from "../src/rpc/faults.ts";
import { bindSupervisorMethods, SUPERVISOR_METHODS } from "../src/rpc/supervisor_methods.ts";
import { encodeMethodCall, type XmlRpcValue } from "../src/rpc/xmlrpc_codec.ts";
import { createHttpHandler } from "../src/http/server.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const SHA_OF_TEST = "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"; // sha1("test")
const AUTH = `Authorization: Basic ${btoa("bob:test")}\r\n`;

const post = (body: string, path = "/RPC2", auth = AUTH) =>
  `POST ${path} HTTP/1.0\r\nHost: localhost\r\n${auth}Content-Length: ${
    new TextEncoder().encode(body).length
  }\r\n\r\n${body}`;
const rpc = (name: string, params: XmlRpcValue[] = []) => post(encodeMethodCall(name, params, { allowNone: true }));
const rawCall = (name: string, paramsXml: string) =>
  post(
    `<?xml version='1.0'?>\n<methodCall>\n<methodName>${name}</methodName>\n<params>\n${paramsXml}</params>\n</methodCall>\n`,
  );
const param = (v: string) => `<param>\n<value>${v}</value>\n</param>\n`;

function corpus(): [string, string][] {
  const names = [...SUPERVISOR_METHODS.map((m) => m.name), "system.listMethods", "system.methodHelp"];
  return [
    ["listMethods", rpc("system.listMethods")],
    ...names.map((n): [string, string] => [`methodSignature ${n}`, rpc("system.methodSignature", [n])]),
    ["methodSignature unknown", rpc("system.methodSignature", ["supervisor._update"])],
    ["methodHelp unknown", rpc("system.methodHelp", ["nosuch"])],
    ["methodHelp int", rpc("system.methodHelp", [5])],
    ["methodHelp nil", rpc("system.methodHelp", [null])],
    ["listMethods with a parameter", rpc("system.listMethods", [1])],
    ["getAPIVersion", rpc("supervisor.getAPIVersion")],
    ["getVersion with a parameter", rpc("supervisor.getVersion", [1])],
    ["startProcess without parameters", rpc("supervisor.startProcess")],
    ["startProcess with three parameters", rpc("supervisor.startProcess", ["a", true, 1])],
    ...["supervisor.nosuch", "supervisor.x.y", "supervisor._update", "nosuch.getPID", "nodots", "system._listMethods"]
      .map((n): [string, string] => [`unknown ${n}`, rpc(n)]),
    [
      "multicall corpus",
      rpc("system.multicall", [[
        { methodName: "supervisor.getAPIVersion" },
        { methodName: "supervisor.nosuch" },
        { methodName: "system.multicall", params: [[]] },
        {},
        { methodName: 5 },
        { methodName: null },
        { methodName: "system.methodHelp", params: "x" },
        { methodName: "system.methodSignature", params: { "system.listMethods": 1 } },
        { methodName: "system.listMethods", params: [1] },
        { methodName: "" },
      ]]),
    ],
    ["multicall with an int entry", rpc("system.multicall", [[{ methodName: "supervisor.getAPIVersion" }, 5]])],
    ["multicall with a string entry", rpc("system.multicall", [["entry"]])],
    ["multicall int", rpc("system.multicall", [5])],
    ["multicall struct", rpc("system.multicall", [{ a: 1 }])],
    ["multicall empty", rpc("system.multicall", [[]])],
    ["base64 parameter is text", rawCall("system.methodSignature", param("<base64>c3lzdGVtLmxpc3RNZXRob2Rz</base64>"))],
    ["bare string parameter", rawCall("system.methodSignature", param("system.multicall"))],
    ["params omitted", post("<methodCall><methodName>system.listMethods</methodName></methodCall>")],
    ["not XML", post("hello")],
    ["unknown element", rawCall("system.methodSignature", param("<foo>system.listMethods</foo>"))],
    [
      "DOCTYPE with an entity",
      post(
        "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY e 'system.listMethods'>]><methodCall><methodName>&e;</methodName></methodCall>",
      ),
    ],
    ["empty method name", post("<methodCall><methodName/></methodCall>")],
    ["RPC2 prefix", post(encodeMethodCall("supervisor.getAPIVersion", []), "/RPC2anything")],
    ["quoted RPC2", post(encodeMethodCall("supervisor.getAPIVersion", []), "/RPC%32")],
    ["GET /RPC2", `GET /RPC2 HTTP/1.0\r\n${AUTH}\r\n`],
    ["PUT /RPC2", `PUT /RPC2 HTTP/1.0\r\n${AUTH}Content-Length: 0\r\n\r\n`],
    ["POST /RPC2 without Content-Length", `POST /RPC2 HTTP/1.0\r\n${AUTH}\r\n`],
    ["GET unknown path", `GET /nosuch HTTP/1.0\r\n${AUTH}\r\n`],
    ["POST unknown path", post("", "/nosuch")],
    ["GET unknown logtail", `GET /logtail/nosuch HTTP/1.0\r\n${AUTH}\r\n`],
    ["POST logtail", post("", "/logtail/nosuch")],
    ["no credentials", post(encodeMethodCall("system.listMethods", []), "/RPC2", "")],
    ["no credentials, unknown path", `GET /nosuch HTTP/1.0\r\n\r\n`],
    [
      "wrong password",
      post(encodeMethodCall("system.listMethods", []), "/RPC2", `Authorization: Basic ${btoa("bob:x")}\r\n`),
    ],
    ["wrong user", post("", "/RPC2", `Authorization: Basic ${btoa("alice:test")}\r\n`)],
    [
      "lower-case scheme",
      post(encodeMethodCall("supervisor.getAPIVersion", []), "/RPC2", `Authorization: basic ${btoa("bob:test")}\r\n`),
    ],
    ["Digest scheme", post("", "/RPC2", "Authorization: Digest abc\r\n")],
    ["bad base64", post("", "/RPC2", "Authorization: Basic aGk\r\n")],
    ["credentials without colon", post("", "/RPC2", `Authorization: Basic ${btoa("bob")}\r\n`)],
    [
      "trailing junk after base64 padding",
      post(encodeMethodCall("supervisor.getAPIVersion", []), "/RPC2", `Authorization: Basic ${btoa("bob:test")}!!\r\n`),
    ],
  ];
}

interface Answer {
  status: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends one request; reads the response up to its Content-Length (or until the server closes). */
function exchange(sock: string, request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => s.destroy(), 5000);
    const parse = (): Answer | null => {
      const end = buf.indexOf("\r\n\r\n");
      if (end === -1) return null;
      const [statusLine = "", ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
      const body = buf.subarray(end + 4);
      const length = Number(headers["content-length"] ?? NaN);
      if (!(body.length >= length)) return null;
      return { status: statusLine.replace(/^HTTP\/1\.[01] /, ""), headers, body: body.toString("utf8") };
    };
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (parse() !== null) s.destroy();
    });
    s.on("error", reject);
    s.on("close", () => {
      clearTimeout(timer);
      const a = parse();
      a === null ? reject(new Error(`incomplete answer to ${JSON.stringify(request.slice(0, 60))}`)) : resolve(a);
    });
    s.write(request);
  });
}

function ours(): RpcDispatcher {
  const handlers: Record<string, RpcHandler> = {};
  for (const m of SUPERVISOR_METHODS) {
    if (m.aliasOf === undefined) handlers[m.name] = () => Promise.reject(new RpcError(Faults.FAILED, "stub"));
  }
  handlers["supervisor.getAPIVersion"] = () => "3.0";
  const d = new RpcDispatcher();
  d.registerAll(bindSupervisorMethods(handlers));
  return d;
}

async function startReference(dir: string): Promise<{ sock: string; stop: () => Promise<void> }> {
  const sock = `${dir}/ref.sock`;
  writeFileSync(
    `${dir}/supervisord.conf`,
    `[supervisord]\nlogfile=${dir}/ref.log\npidfile=${dir}/ref.pid\nuser=root\n\n` +
      `[unix_http_server]\nfile=${sock}\nusername=bob\npassword=${SHA_OF_TEST}\n\n` +
      "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
  );
  const child = spawn(REFERENCE, ["-n", "-c", `${dir}/supervisord.conf`], { env: fixedEnv(), stdio: "ignore" });
  const exited = new Promise<void>((r) => child.on("close", () => r()));
  for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    sock,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Rows where we differ on purpose: the reference's answer, then ours. */
const DIFFERENCES: Record<string, [string, string]> = {
  // supervisord ignores unknown elements and expands DOCTYPE entities; we refuse both (strict reader, no entity bombs).
  "unknown element": ["200 OK", "400 Bad Request"],
  "DOCTYPE with an entity": ["200 OK", "400 Bad Request"],
};

Deno.test({
  name: "[XMLRPC.dispatch,XMLRPC.request,XMLRPC.response,XMLRPC.fault,HTTP.rpc2,HTTP.routes,HTTP.errors,AUTH.basic," +
    "AUTH.sha,AUTH.401,RPC.system.listMethods,RPC.system.methodSignature,RPC.system.multicall] our front answers " +
    "as supervisord does, request by request",
  ignore: !haveReference(),
  async fn() {
    using tmp = tempDir("svts-rpcdiff-");
    const ref = await startReference(tmp.path);
    const rt = isBun ? createBunRuntime() : createDenoRuntime();
    const mine = `${tmp.path}/ours.sock`;
    const listener = await rt.serve(
      { transport: "unix", path: mine },
      createHttpHandler({ rpc: ours(), credentials: { username: "bob", password: SHA_OF_TEST } }),
    );
    try {
      const rows = corpus();
      equal(existsSync(ref.sock), true);
      for (const [label, request] of rows) {
        const [a, b] = [await exchange(ref.sock, request), await exchange(mine, request)];
        const pick = (x: Answer) => ({
          status: x.status,
          type: x.headers["content-type"],
          length: x.headers["content-length"],
          auth: x.headers["www-authenticate"],
          body: x.body,
        });
        const diff = DIFFERENCES[label];
        if (diff === undefined) assertEquals(pick(b), pick(a), label);
        else assertEquals([a.status, b.status], diff, label);
      }
    } finally {
      await listener.close();
      await ref.stop();
    }
  },
});
