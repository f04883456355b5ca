import assert from "node:assert/strict";
import { runPaths } from "./bench_conf.ts";
import { BenchAbort } from "./bench_daemon.ts";
import {
  checkAllInfo,
  checkOneInfo,
  median,
  replyValue,
  rpcConf,
  rpcNamespec,
  type RpcReply,
  rpcSocket,
} from "./bench_rpc.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";
import { MAIN_RPCINTERFACE_FACTORY } from "../src/config/schema.ts";
import { encodeFault, encodeMethodResponse, type XmlRpcValue } from "../src/rpc/xmlrpc_codec.ts";

const paths = runPaths("/run/bench");

function hostWith(conf: string): ConfigHost {
  const dirs = new Set(["/", "/run", "/run/bench", "/tmp"]);
  return {
    readFile: (p) => {
      if (p !== paths.conf) throw new Error(`ENOENT: ${p}`);
      return new TextEncoder().encode(conf);
    },
    exists: (p) => p === paths.conf || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readDir: () => [],
    env: { HOME: "/root", PATH: "/usr/bin:/bin" },
    cwd: "/run/bench",
    hostname: "box",
    uid: 0,
    tempdir: "/tmp",
    passwd: () => [{ name: "root", uid: 0, gid: 0, home: "/root" }],
    groups: () => [{ name: "root", gid: 0, members: [] }],
  };
}

const reply = (xml: string, status = 200): RpcReply => ({ ms: 1, status, body: new TextEncoder().encode(xml) });
const info = (name: string, statename = "RUNNING"): XmlRpcValue => ({ name, group: "rpc", statename });

Deno.test("rpcConf() loads as a unix socket server, the main rpcinterface and n programs with startsecs=1", () => {
  const cfg = loadConfig(paths.conf, hostWith(rpcConf(paths, 50)));
  assert.equal(cfg.supervisord.minfds, 4096);
  assert.deepEqual(cfg.servers.map((s) => [s.family, s.family === "unix" ? s.file : ""]), [
    ["unix", rpcSocket(paths)],
  ]);
  assert.deepEqual(cfg.rpcinterfaces.map((r) => [r.name, r.factory]), [["supervisor", MAIN_RPCINTERFACE_FACTORY]]);
  const procs = cfg.groups.flatMap((g) => g.processes.map((p) => ({ ...p, group: g.name })));
  assert.equal(procs.length, 50);
  assert.ok(procs.every((p) => p.startsecs === 1 && p.command === "sleep infinity"));
  const mid = procs[25]!;
  assert.equal(`${mid.group}:${mid.name}`, rpcNamespec(25));
  assert.throws(() => rpcConf(paths, 0), RangeError);
});

Deno.test("median() of odd and even lists, unsorted input", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([0.4]), 0.4);
});

Deno.test("replyValue() returns the value and aborts on HTTP errors, faults and bad XML", () => {
  assert.deepEqual(replyValue("m", reply(encodeMethodResponse([1, 2]))), [1, 2]);
  assert.throws(() => replyValue("m", reply(encodeMethodResponse(1), 401)), (e) => e instanceof BenchAbort);
  assert.throws(() => replyValue("m", reply(encodeFault(10, "BAD_NAME: x"))), /fault.*BAD_NAME/);
  assert.throws(() => replyValue("m", reply("<html>")), /bad reply/);
});

Deno.test("checkAllInfo() and checkOneInfo() reject short lists, wrong names and non-RUNNING states", () => {
  const all = [info("rpc_000"), info("rpc_001")];
  checkAllInfo(all, 2);
  assert.throws(() => checkAllInfo(all, 3), /expected 3 entries, got 2/);
  assert.throws(() => checkAllInfo([info("rpc_000"), info("rpc_001", "STARTING")], 2), /1 of 2 not RUNNING/);
  checkOneInfo(info("rpc_025"), "rpc_025");
  assert.throws(() => checkOneInfo(info("rpc_024"), "rpc_025"), BenchAbort);
  assert.throws(() => checkOneInfo(info("rpc_025", "BACKOFF"), "rpc_025"), BenchAbort);
});
