import assert from "node:assert/strict";
import { generatorArgv, generatorConf, LINE_BYTES, runPaths, sleepersConf } from "./bench_conf.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";

/** An in-memory host holding one config file at /run/bench/supervisord.conf. */
function hostWith(conf: string): ConfigHost {
  const dirs = new Set(["/", "/run", "/run/bench", "/tmp"]);
  return {
    readFile: (p) => {
      if (p !== "/run/bench/supervisord.conf") throw new Error(`ENOENT: ${p}`);
      return new TextEncoder().encode(conf);
    },
    exists: (p) => p === "/run/bench/supervisord.conf" || dirs.has(p),
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

const paths = runPaths("/run/bench");

Deno.test("generatorArgv() writes bytes/16 lines of 15 digits", () => {
  const [cmd, first, last] = generatorArgv(512 * 1024 * 1024);
  assert.equal(cmd, "seq");
  assert.equal(first!.length, LINE_BYTES - 1);
  assert.equal(last!.length, LINE_BYTES - 1);
  assert.equal(Number(last) - Number(first) + 1, 512 * 1024 * 1024 / LINE_BYTES);
  assert.throws(() => generatorArgv(100), RangeError);
  assert.throws(() => generatorArgv(0), RangeError);
});

Deno.test("sleepersConf() loads as numprocs numbered programs that are RUNNING at once", () => {
  const cfg = loadConfig(paths.conf, hostWith(sleepersConf(paths, { name: "many", numprocs: 20, minfds: 4096 })));
  assert.equal(cfg.supervisord.minfds, 4096);
  assert.equal(cfg.supervisord.nodaemon, true);
  assert.equal(cfg.supervisord.logfile, paths.mainLog);
  assert.equal(cfg.supervisord.childlogdir, "/run/bench");
  const procs = cfg.groups.flatMap((g) => g.processes);
  assert.equal(procs.length, 20);
  assert.equal(procs[0]!.name, "many_000");
  assert.equal(procs[19]!.name, "many_019");
  assert.ok(procs.every((p) => p.startsecs === 0 && p.command === "sleep infinity"));
});

Deno.test("sleepersConf() with one process keeps the program name and autorestart", () => {
  const cfg = loadConfig(paths.conf, hostWith(sleepersConf(paths, { name: "victim", numprocs: 1, autorestart: true })));
  const procs = cfg.groups.flatMap((g) => g.processes);
  assert.deepEqual(procs.map((p) => [p.name, p.autorestart]), [["victim", true]]);
});

Deno.test("generatorConf() logs stdout with the requested rotation and no stderr log", () => {
  const conf = generatorConf(paths, {
    name: "gen",
    bytes: 64 * 1024 * 1024,
    logfile: "/run/bench/gen.log",
    maxbytes: 5 * 1024 * 1024,
    backups: 20,
  });
  const [p] = loadConfig(paths.conf, hostWith(conf)).groups.flatMap((g) => g.processes);
  assert.equal(p!.command, "seq 100000000000001 100000004194304");
  assert.equal(p!.stdout_logfile, "/run/bench/gen.log");
  assert.equal(p!.stdout_logfile_maxbytes, 5 * 1024 * 1024);
  assert.equal(p!.stdout_logfile_backups, 20);
  assert.equal(p!.stderr_logfile, null);
  assert.equal(p!.autorestart, false);
});
