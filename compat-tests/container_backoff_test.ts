/**
 * The restart policy end to end (EXTENSIONS.md §4; P1 acceptance check 5):
 * `backoff=exponential` waits 0.2, 0.4, 0.8, 1.6, 1.6 s between the
 * failed starts of a program that crashes at once, logs each wait, shows
 * the time left in the stock `supervisorctl status` description, and goes
 * FATAL after `startretries`. The exact gaps are proven on the manual clock
 * (src/process/backoff_policy_test.ts); here the spawns must never come
 * sooner than their delay. The config also loads in supervisord 4.2.5.
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { PIPED, signalFromPidfile } from "./_container.ts";
import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const CONFIG = UNIX_HEADER.replace("[supervisord]\n", "[supervisord]\ncontainer_mode=true\n") + RPC_SECTION + `
[program:worker]
command=/bin/sh -c 'exit 1'
backoff=exponential
backoff_delay=200ms
backoff_max=1600ms
startretries=5
`;

/** Local wall-clock ms of a main-log timestamp (the same zone for every line, so differences are exact). */
function stamp(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) /.exec(line);
  assert.ok(m, line);
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

Deno.test({
  name: `backoff=exponential: waits 0.2, 0.4, 0.8, 1.6, 1.6 s, says so in status, then FATAL (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-backoff-");
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, CONFIG);
    using daemon = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv(), prefix: PIPED });
    const log = () => {
      try {
        return readFileSync(join(tmp.path, "supervisord.log"), "utf8");
      } catch {
        return "";
      }
    };
    await daemon.waitUntil(() => log().includes("waiting 1.6s before restarting"), "a long wait", 30_000);
    const status = await run([REFERENCE_CTL, "-c", conf, "status", "worker"], { env: fixedEnv() });
    assert.match(
      status.stdout,
      /^worker +BACKOFF +Exited too quickly \(process log may have details\); retry \d in \d\.\ds\n$/,
    );
    // Our ctl shows the same description, and its --json the JSON API's restart fields.
    const ours = await run([...ourCommand(), "ctl", "-c", conf, "status", "--json", "worker"], { env: fixedEnv() });
    const [info] = JSON.parse(ours.stdout) as Array<Record<string, unknown>>;
    assert.match(String(info?.description), /; retry \d in \d\.\ds$/);
    assert.equal(info?.essential, false);
    assert.ok(Number(info?.consecutive_failures) >= 4 && Number(info?.restarts) >= 3, ours.stdout);
    await daemon.waitUntil(() => log().includes("gave up: worker entered FATAL state"), "FATAL", 30_000);
    const lines = log().split("\n");
    const waits = lines.filter((l) => l.includes(" INFO waiting ")).map((l) => l.slice(24));
    assert.deepEqual(
      waits,
      [1, 2, 3, 4, 5].map((n) => {
        const s = [0.2, 0.4, 0.8, 1.6, 1.6][n - 1]!.toFixed(1);
        return `INFO waiting ${s}s before restarting 'worker' (attempt ${n})`;
      }),
    );
    const spawns = lines.filter((l) => l.includes(" INFO spawned: 'worker'")).map(stamp);
    assert.equal(spawns.length, 6);
    for (const [i, delay] of [200, 400, 800, 1600, 1600].entries()) {
      assert.ok(
        spawns[i + 1]! - spawns[i]! >= delay - 2,
        `retry ${i + 1} came ${spawns[i + 1]! - spawns[i]!} ms after`,
      );
    }
    signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM");
    assert.equal((await daemon.exited).code, 0);
  },
});

Deno.test({
  name: "the backoff config loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn: () => assert.deepEqual(pythonLoadErrors([CONFIG]), [null]),
});
