/**
 * Differential test of the supervisord command line: each argv case is run
 * through the reference `/usr/bin/supervisord` (in a temp cwd) and through
 * our `runSupervisordCli` in-process, and stdout, stderr and the exit status
 * must match. Every case exits before a daemon would start; a case our code
 * would let through to config loading is rejected before the reference runs.
 *
 * Python counterpart: supervisor/options.py `Options.realize`.
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type CliEnv, type CliOutcome, runSupervisordCli } from "../src/cli/supervisord_cli.ts";

const REFERENCE = "/usr/bin/supervisord";
const ARGV0 = "/usr/bin/supervisord";

/** `{cfg}` is a valid minimal config, `{dir}` the temp cwd. */
const CASES: string[][] = [
  ["--bogus"],
  ["-x"],
  ["-c"],
  ["--configuration"],
  ["--nodaemon=1"],
  ["--u", "x"],
  ["--min", "3"],
  ["-v"],
  ["--vers"],
  ["-h"],
  ["-?"],
  ["--help"],
  ["-vh"],
  ["-hv"],
  ["-h", "-v"],
  ["-v", "-h"],
  ["extra"],
  ["-n", "extra", "-k"],
  ["--", "extra"],
  ["-"],
  ["-h", "extra"],
  ["-hx"],
  ["-nc"],
  ["-c", "/nonexist.conf"],
  ["-c", "missing.conf"],
  ["-c", "{dir}"],
  ["-n", "-n"],
  ["-n", "--nodaemon"],
  ["-c", "{cfg}", "-c", "{cfg}"],
  ["--prof", "x", "--prof", "y"],
  ["-c", "{cfg}", "-i", "a", "-i", "b"],
  ["-c", "{cfg}", "-m", "022", "-m", "9"],
  ["-m", "999"],
  ["--umask="],
  ["-y", "5XB"],
  ["--logfile_maxbytes=1.5MB"],
  ["-e", "bad"],
  ["--loglevel=warning"],
  ["-l", "/nonexist/dir/log"],
  ["-j", "nodir/x.pid"],
  ["-z", "x"],
  ["-a", "1.5"],
  ["--minprocs=abc"],
  ["-d", "/nonexist"],
  ["-q", "/nonexist"],
  ["-q", "nosuchdir"],
  ["-c", "{cfg}", "-d", "~/definitely-missing"],
  ["-c", "{cfg}", "--childlogdir", "it's"],
  ["-m", "999", "-h"],
  ["-h", "-m", "999"],
  ["-c", "{cfg}", "--bogus"],
];

function fsEnv(cwd: string): CliEnv {
  return {
    argv0: ARGV0,
    cwd,
    euid: process.getuid?.() ?? 1000,
    env: { HOME: cwd },
    exists: (p) => existsSync(p),
    isDirectory: (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
  };
}

/** Python's warning carries its own source location and line; keep category and text. */
function normaliseReferenceStderr(stderr: string): string {
  return stderr
    .replace(/^\/\S+\/options\.py:\d+: UserWarning: /m, "UserWarning: ")
    .replace(/^ {2}self\.warnings\.warn\($\n/m, "");
}

function runReference(args: string[], cwd: string): Omit<CliOutcome, "config"> {
  const res = spawnSync(REFERENCE, args, {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: cwd,
      LANG: "C.UTF-8",
    },
    timeout: 20_000,
  });
  assert.equal(res.error, undefined, String(res.error));
  return {
    exitCode: res.status ?? -1,
    stdout: res.stdout,
    stderr: normaliseReferenceStderr(res.stderr),
  };
}

function compare(args: string[], cwd: string): void {
  const ours = runSupervisordCli(args, fsEnv(cwd));
  // Guard: the reference would go on to start a daemon for such a case.
  assert.equal(
    ours.config,
    undefined,
    `case would start a daemon: ${JSON.stringify(args)}`,
  );
  const reference = runReference(args, cwd);
  assert.deepEqual(ours, reference, JSON.stringify(args));
}

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "cli-diff-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

Deno.test({
  name:
    "[CLI.getopt,CLI.positional,CLI.usage,CLI.help,CLI.version,CLI.conflict,CLI.badvalue,CLI.flags,CLI.configmissing] supervisord command line matches the reference for every argv case",
  ignore: !existsSync(REFERENCE),
  fn() {
    withTempDir((dir) => {
      const cfg = join(dir, "minimal.conf");
      writeFileSync(
        cfg,
        `[supervisord]\nlogfile=${dir}/sd.log\npidfile=${dir}/sd.pid\n`,
      );
      for (const template of CASES) {
        const args = template.map((a) => a.replace("{cfg}", cfg).replace("{dir}", dir));
        compare(args, dir);
      }
    });
  },
});

Deno.test({
  name:
    "[CLI.configsearch,CLI.rootwarning] supervisord default search matches the reference when a cwd candidate is unreadable",
  ignore: !existsSync(REFERENCE),
  fn() {
    withTempDir((dir) => {
      // A directory named like a candidate is "found" by the existence test and
      // then fails to open, so the reference stops before starting anything.
      mkdirSync(join(dir, "supervisord.conf"));
      compare([], dir);
      compare(["-n", "-e", "debug"], dir);
    });
    withTempDir((dir) => {
      mkdirSync(join(dir, "etc", "supervisord.conf"), { recursive: true });
      compare(["-k"], dir);
    });
  },
});

/** Whether a private mount namespace can hide /etc/supervisor (needs root and unshare). */
function canHideEtcSupervisor(): boolean {
  if (!existsSync(REFERENCE) || process.getuid?.() !== 0) return false;
  const res = spawnSync("unshare", [
    "-m",
    "sh",
    "-c",
    "mount --bind /tmp /etc/supervisor",
  ], {
    encoding: "utf8",
  });
  return res.status === 0;
}

Deno.test({
  name: "[CLI.configsearch] supervisord reports 'No config file found' like the reference (private mount namespace)",
  ignore: !canHideEtcSupervisor(),
  fn() {
    withTempDir((dir) => {
      const empty = join(dir, "empty");
      mkdirSync(empty);
      const script = `mount --bind "${empty}" /etc/supervisor && exec ${REFERENCE} "$@"`;
      const res = spawnSync("unshare", ["-m", "sh", "-c", script, "sh", "-n"], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir },
        timeout: 20_000,
      });
      const env = fsEnv(dir);
      const hidden = (p: string) => p.startsWith("/etc/supervisor/") ? false : existsSync(p);
      const ours = runSupervisordCli(["-n"], { ...env, exists: hidden });
      assert.equal(ours.config, undefined);
      assert.deepEqual(ours, {
        exitCode: res.status,
        stdout: res.stdout,
        stderr: normaliseReferenceStderr(res.stderr),
      });
    });
  },
});
