import assert from "node:assert/strict";
import { buildChildEnv, type ChildEnvInput, childServerUrl } from "./child_env.ts";

function input(over: Partial<ChildEnvInput> = {}): ChildEnvInput {
  return {
    env: { PATH: "/usr/bin:/bin", HOME: "/root", USER: "root" },
    processName: "web_0",
    groupName: "web",
    programServerUrl: null,
    defaultServerUrl: "unix:///tmp/x/s.sock",
    environment: {},
    ...over,
  };
}

Deno.test("[ENV.child] supervisord's environment plus the four SUPERVISOR_* variables, in Python's order", () => {
  const env = buildChildEnv(input());
  assert.deepEqual(Object.entries(env), [
    ["PATH", "/usr/bin:/bin"],
    ["HOME", "/root"],
    ["USER", "root"],
    ["SUPERVISOR_ENABLED", "1"],
    ["SUPERVISOR_SERVER_URL", "unix:///tmp/x/s.sock"],
    ["SUPERVISOR_PROCESS_NAME", "web_0"],
    ["SUPERVISOR_GROUP_NAME", "web"],
  ]);
});

Deno.test("[ENV.child] environment= overlays last and can override SUPERVISOR_* (A.8)", () => {
  const env = buildChildEnv(input({
    environment: { SUPERVISOR_PROCESS_NAME: "override", HOME: "/srv", NEW: "x" },
  }));
  assert.deepEqual(Object.entries(env), [
    ["PATH", "/usr/bin:/bin"],
    ["HOME", "/srv"],
    ["USER", "root"],
    ["SUPERVISOR_ENABLED", "1"],
    ["SUPERVISOR_SERVER_URL", "unix:///tmp/x/s.sock"],
    ["SUPERVISOR_PROCESS_NAME", "override"],
    ["SUPERVISOR_GROUP_NAME", "web"],
    ["NEW", "x"],
  ]);
});

Deno.test("[ENV.child] a SUPERVISOR_* variable inherited from supervisord keeps its position but is replaced", () => {
  const env = buildChildEnv(input({ env: { SUPERVISOR_ENABLED: "0", SUPERVISOR_GROUP_NAME: "outer", A: "1" } }));
  assert.deepEqual(Object.keys(env), [
    "SUPERVISOR_ENABLED",
    "SUPERVISOR_GROUP_NAME",
    "A",
    "SUPERVISOR_SERVER_URL",
    "SUPERVISOR_PROCESS_NAME",
  ]);
  assert.equal(env.SUPERVISOR_ENABLED, "1");
  assert.equal(env.SUPERVISOR_GROUP_NAME, "web");
});

Deno.test("[ENV.child,SPAWN.user] nothing else is added: no HOME/USER/LOGNAME/SHELL adjustments", () => {
  const env = buildChildEnv(input({ env: {} }));
  assert.deepEqual(Object.keys(env).sort(), [
    "SUPERVISOR_ENABLED",
    "SUPERVISOR_GROUP_NAME",
    "SUPERVISOR_PROCESS_NAME",
    "SUPERVISOR_SERVER_URL",
  ]);
});

Deno.test("[ENV.serverurl,CFG.httpserver.none] the program's serverurl wins; null falls back; empty or none means unset", () => {
  assert.equal(childServerUrl("http://127.0.0.1:9001", "unix:///s"), "http://127.0.0.1:9001");
  assert.equal(childServerUrl(null, "unix:///s"), "unix:///s");
  assert.equal(childServerUrl("", "unix:///s"), null);
  assert.equal(childServerUrl(null, null), null);
  assert.equal(childServerUrl(null, ""), null);
  const env = buildChildEnv(input({ defaultServerUrl: null }));
  assert.equal("SUPERVISOR_SERVER_URL" in env, false);
  assert.equal(buildChildEnv(input({ programServerUrl: "" })).SUPERVISOR_SERVER_URL, undefined);
});

Deno.test("buildChildEnv() does not modify its input and handles a __proto__ key as a plain variable", () => {
  const base = { A: "1" };
  const environment = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
  const env = buildChildEnv(input({ env: base, environment }));
  assert.deepEqual(base, { A: "1" });
  assert.equal(Object.getPrototypeOf(env), Object.prototype);
  assert.equal(Object.entries(env).at(-1)?.join("="), "__proto__=x");
});
