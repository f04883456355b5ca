/**
 * Exit when it matters (EXTENSIONS.md §1; P1 acceptance checks 3 and 4):
 * an essential program's end shuts supervisord down with a status derived
 * from it (3, 137, 127, 2; `shutdown_on_exit` with 0 gives 0), and what must
 * not trigger it does not (SIGTERM to the daemon exits 0 although the
 * children end with 143; an operator's stop and restart; a non-essential
 * FATAL). Every config here also loads in supervisord 4.2.5.
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { PIPED, signalFromPidfile } from "./_container.ts";
import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const HEADER = UNIX_HEADER.replace("[supervisord]\n", "[supervisord]\ncontainer_mode=true\n") + RPC_SECTION;

/** A long-running neighbour, so "stops the others" has something to stop. */
const NEIGHBOUR = "[program:db]\ncommand=/bin/sh -c 'exec sleep 60'\nstartsecs=0\n";

/** Python must load every config of this file. */
const configs: string[] = [];

/** Runs `programs` in container mode; `act` drives it and returns when done; the main log is returned too. */
async function withDaemon<T>(programs: string, act: (d: Driver) => Promise<T>): Promise<T> {
  using tmp = tempDir("svts-essential-");
  const text = HEADER + programs;
  configs.push(text);
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, text);
  using daemon = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv(), prefix: PIPED });
  const log = () => {
    try {
      return readFileSync(join(tmp.path, "supervisord.log"), "utf8");
    } catch {
      return "";
    }
  };
  return await act({
    daemon,
    log,
    waitLog: (re, what) => daemon.waitUntil(() => re.test(log()), what, 30_000),
    ctl: (...args) => run([REFERENCE_CTL, "-c", conf, ...args], { env: fixedEnv() }).then((r) => r.stdout),
    term: () => signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM"),
  });
}

interface Driver {
  daemon: ForegroundDaemon;
  log(): string;
  waitLog(re: RegExp, what: string): Promise<void>;
  ctl(...args: string[]): Promise<string>;
  term(): void;
}

/** Lets the daemon end by itself; its exit code and the trigger line. */
async function endsWith(programs: string): Promise<{ code: number | null; line: string | undefined; log: string }> {
  return await withDaemon(programs, async (d) => {
    const { code } = await d.daemon.exited;
    const log = d.log();
    return { code, line: /(CRIT|WARN) (essential|shutdown_on_exit) program .*/.exec(log)?.[0], log };
  });
}

const cases: Array<[string, string, number, RegExp]> = [
  [
    "an essential program exiting 3 with autorestart=false",
    "[program:web]\ncommand=/bin/sh -c 'sleep 1; exit 3'\nstartsecs=0\nautorestart=false\nessential=true\n",
    3,
    /^CRIT essential program 'web' exited \(exit status 3\); shutting down \(exit status 3\)$/,
  ],
  [
    "an essential program killed by SIGKILL",
    "[program:web]\ncommand=/bin/sh -c 'sleep 1; kill -9 $$'\nstartsecs=0\nautorestart=false\nessential=true\n",
    137,
    /terminated by SIGKILL\); shutting down \(exit status 137\)$/,
  ],
  [
    "an essential command that does not exist",
    "[program:web]\ncommand=/nonexistent\nstartretries=0\nessential=true\n",
    127,
    /^CRIT essential program 'web' entered FATAL state \(spawn error\); shutting down \(exit status 127\)$/,
  ],
  [
    "an essential program FATAL after retries of exit 2",
    "[program:web]\ncommand=/bin/sh -c 'exit 2'\nstartretries=1\nessential=true\n",
    2,
    /^CRIT essential program 'web' entered FATAL state \(exit status 2\); shutting down \(exit status 2\)$/,
  ],
  [
    "shutdown_on_exit with exit 0",
    "[program:job]\ncommand=/bin/sh -c 'sleep 1'\nstartsecs=0\nshutdown_on_exit=true\n",
    0,
    /^WARN shutdown_on_exit program 'job' exited \(exit status 0\); shutting down \(exit status 0\)$/,
  ],
];

for (const [what, program, status, line] of cases) {
  Deno.test(`exit status: ${what} → supervisord stops the rest and exits ${status} (${ourEntryName()})`, async () => {
    const r = await endsWith(program + NEIGHBOUR);
    assert.equal(r.code, status, r.log);
    assert.match(r.line ?? "", line);
    assert.match(r.log, /stopped: db \(terminated by SIGTERM\)/, "the neighbour had the ordered stop");
  });
}

Deno.test(`not a trigger: SIGTERM to supervisord exits 0 although the children end with 143 (${ourEntryName()})`, async () => {
  const program = "[program:web]\ncommand=/bin/sh -c 'exec sleep 60'\nstartsecs=0\nessential=true\nautorestart=false\n";
  const code = await withDaemon(program + NEIGHBOUR, async (d) => {
    await d.waitLog(/success: web/, "web running");
    d.term();
    return (await d.daemon.exited).code;
  });
  assert.equal(code, 0);
});

Deno.test({
  name:
    `not a trigger: an operator's stop and restart of an essential program; a non-essential FATAL (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    const programs = "[program:web]\ncommand=/bin/sh -c 'exec sleep 60'\nstartsecs=0\nessential=true\n" +
      "[program:flaky]\ncommand=/bin/sh -c 'exit 1'\nstartretries=0\n" + NEIGHBOUR;
    await withDaemon(programs, async (d) => {
      await d.waitLog(/success: web/, "web running");
      assert.match(await d.ctl("stop", "web"), /web: stopped/);
      assert.match(await d.ctl("start", "web"), /web: started/);
      assert.match(await d.ctl("restart", "web"), /web: stopped\nweb: started/);
      await d.waitLog(/gave up: flaky entered FATAL state/, "flaky FATAL");
      assert.match(await d.ctl("status", "web"), /RUNNING/);
      assert.doesNotMatch(d.log(), /shutting down/);
      d.term();
      assert.equal((await d.daemon.exited).code, 0);
    });
  },
});

Deno.test({
  name: "every config above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    assert.ok(configs.length >= 6, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(configs), configs.map(() => null));
  },
});
