/**
 * Differential test for configs that load with parse messages: the WARN and
 * `Included extra file` INFO lines /usr/bin/supervisord logs at startup equal
 * the parse warnings and infos our loader produces for the same config.
 * Each fixture is a directory with `supervisord.conf` (programs not autostarted).
 * @module
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseGroup, parsePasswd } from "../src/config/datatypes.ts";
import { type ConfigHost, loadConfig } from "../src/config/load.ts";
import { pythonStartupEnv } from "../src/cli/python_env.ts";
import { fixedEnv, haveReference, REFERENCE, ROOT, tempDir } from "./_harness.ts";

const FIXTURES = join(ROOT, "compat-tests/fixtures/cfgwarn");

/** Starts the reference in the foreground, returns its log lines up to "supervisord started", then stops it. */
function referenceStartupLog(conf: string, cwd: string, env: Record<string, string>): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn(REFERENCE, ["-n", "-c", conf], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch { /* gone */ }
    };
    const timer = setTimeout(stop, 15_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("supervisord started with pid")) stop();
    });
    child.on("error", fail);
    child.on("close", () => {
      clearTimeout(timer);
      const lines = out.split("\n");
      const end = lines.findIndex((l) => l.includes("supervisord started with pid"));
      if (end < 0) fail(new Error(`reference did not start:\n${out}`));
      else done(lines.slice(0, end).map((l) => l.replace(/^\S+ \S+ /, "")));
    });
  });
}

function nodeHost(cwd: string, env: Record<string, string>): ConfigHost {
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  return {
    readFile: (p) => new Uint8Array(readFileSync(p)),
    exists: (p) => stat(p) !== null,
    isDirectory: (p) => stat(p)?.isDirectory() ?? false,
    readDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return null;
      }
    },
    env,
    cwd,
    hostname: hostname(),
    uid: process.getuid?.() ?? 0,
    tempdir: "/tmp",
    passwd: () => parsePasswd(readFileSync("/etc/passwd", "utf8")),
    groups: () => parseGroup(readFileSync("/etc/group", "utf8")),
  };
}

for (const fixture of readdirSync(FIXTURES).sort()) {
  Deno.test({
    name: `[CFGERR.parsewarnings,INC.nomatch,CFG.program.redirect_warning] ${fixture}: ` +
      "parse warnings and include infos match supervisord's startup log",
    ignore: !haveReference(),
    fn: async () => {
      using tmp = tempDir("svts-cfgwarn-");
      cpSync(join(FIXTURES, fixture), tmp.path, { recursive: true });
      const env = fixedEnv();
      const logged = await referenceStartupLog("supervisord.conf", tmp.path, env);
      const config = loadConfig("supervisord.conf", nodeHost(tmp.path, pythonStartupEnv(env)));
      const theirs = logged.filter((l) => l.startsWith("WARN ") || l.startsWith("INFO Included extra file"));
      const ours = [...config.parseWarnings.map((m) => `WARN ${m}`), ...config.parseInfos.map((m) => `INFO ${m}`)];
      assert.deepEqual(ours, theirs);
      assert.ok(theirs.length > 0, "the fixture produces no parse message");
    },
  });
}
