/**
 * Our client's commands that the stock client lacks (EXTENSIONS.md §12),
 * black-box on our entries, against our daemon and against supervisord
 * 4.2.5: `logs` (history with prefixes; `-f` over event streams from ours,
 * by polling from Python's), `status --json` with the JSON API's fields
 * only from ours, `reopen` and `rotate` (done by ours; against Python, exit
 * 1 with what to do instead).
 *
 * Python counterpart: none (the stock client has none of these commands).
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, renameSync } from "node:fs";
import { CtlDaemon, RPC_SECTION, runClient, type Side, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourCommand, ourEntryName } from "./_harness.ts";

const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[program:ticker]
command=/bin/sh -c 'i=0; while [ $i -lt 15 ]; do echo "old $i"; i=$((i+1)); done; echo oops >&2; while :; do sleep 0.3; echo tick; done'
stdout_logfile=%(here)s/ticker.log
stderr_logfile=%(here)s/ticker.err
stdout_logfile_backups=3
startsecs=0

[program:quiet]
command=/bin/sleep 1000
startsecs=0
`;

const ours = (d: CtlDaemon, args: string[], opts: Parameters<typeof runClient>[1] = {}) =>
  runClient([...ourCommand(), "ctl", "-c", d.conf, ...args], { cwd: d.dir, ...opts });

async function withDaemon(side: Side, fn: (d: CtlDaemon) => Promise<void>): Promise<void> {
  await using d = await CtlDaemon.start(side, FIXTURE, { ready: [[/success: quiet entered RUNNING/, 1]] });
  await d.daemon.waitFor(/success: ticker entered RUNNING/);
  // The first 15 lines and the stderr line are written at once; wait until they are in the log.
  for (let i = 0; i < 100 && !readFileSync(`${d.dir}/ticker.log`, "utf8").includes("old 14"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await fn(d);
}

for (const side of ["ours", "reference"] as const) {
  Deno.test({
    name: `ctl logs: -n history with prefixes, -f follows new lines (${side} daemon, ${ourEntryName()} client)`,
    ignore: side === "reference" && !haveReference(),
    fn: () =>
      withDaemon(side, async (d) => {
        const hist = await ours(d, ["logs", "-n", "3", "ticker"]);
        assert.equal(hist.code, 0, hist.stderr);
        const lines = hist.stdout.trimEnd().split("\n");
        // The last 3 lines of stdout, then stderr's one line.
        assert.equal(lines.length, 4, hist.stdout);
        assert.ok(lines.slice(0, 3).every((l) => /^ticker \| (old \d+|tick)$/.test(l)), hist.stdout);
        assert.equal(lines[3], "ticker | oops", "stderr is shown too");
        const all = await ours(d, ["logs", "-n", "1"]);
        assert.match(all.stdout, /^quiet {2}\| |^ticker \| /m);
        const bad = await ours(d, ["logs", "nope"]);
        assert.deepEqual([bad.code, bad.stdout], [1, "nope: ERROR (no such process)\n"]);
        const followed = await ours(d, ["logs", "-f", "-n", "0", "ticker"], {
          interruptWhen: /ticker \| tick\n(.|\n)*ticker \| tick\n/,
        });
        assert.equal(followed.code, 0, followed.stderr);
        assert.match(followed.stdout, /^ticker \| tick$/m);
        assert.doesNotMatch(followed.stdout, /old/, "-n 0 shows no history");
      }),
  });
}

Deno.test({
  name: `ctl status --json, reopen and rotate against our daemon (${ourEntryName()})`,
  fn: () =>
    withDaemon("ours", async (d) => {
      const status = await ours(d, ["status", "--json"]);
      const procs = JSON.parse(status.stdout) as Array<Record<string, unknown>>;
      const ticker = procs.find((p) => p.name === "ticker")!;
      assert.equal(ticker.statename, "RUNNING");
      assert.ok(typeof ticker.cpu_seconds === "number" && typeof ticker.rss_bytes === "number", status.stdout);
      assert.ok("health" in ticker && "restarts" in ticker && "depends_on" in ticker);
      // reopen: a log moved away is recreated.
      renameSync(`${d.dir}/ticker.log`, `${d.dir}/ticker.log.moved`);
      const reopen = await ours(d, ["reopen"]);
      assert.deepEqual([reopen.code, reopen.stdout], [0, "Reopened the main log and every process log\n"]);
      for (let i = 0; i < 100 && !readFileSync(`${d.dir}/ticker.log`, "utf8").includes("tick"); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(readFileSync(`${d.dir}/ticker.log`, "utf8"), /tick/);
      const rotate = await ours(d, ["rotate", "ticker"]);
      assert.equal(rotate.code, 0, rotate.stdout);
      assert.deepEqual(rotate.stdout.split("\n").filter(Boolean), ["ticker stdout: rotated", "ticker stderr: rotated"]);
      assert.match(readFileSync(`${d.dir}/ticker.log.1`, "utf8"), /tick/);
      const main = await ours(d, ["rotate", "--main"]);
      assert.deepEqual([main.code, main.stdout], [0, "main log: rotated\n"]);
      const unknown = await ours(d, ["rotate", "nope"]);
      assert.deepEqual([unknown.code, unknown.stdout], [1, "nope: ERROR (BAD_NAME: nope)\n"]);
    }),
});

Deno.test({
  name: `ctl status --json, reopen and rotate against supervisord 4.2.5 (${ourEntryName()} client)`,
  ignore: !haveReference(),
  fn: () =>
    withDaemon("reference", async (d) => {
      const status = await ours(d, ["status", "--json"]);
      const ticker = (JSON.parse(status.stdout) as Array<Record<string, unknown>>).find((p) => p.name === "ticker")!;
      assert.equal(ticker.statename, "RUNNING");
      assert.equal("cpu_seconds" in ticker, false, "no extension fields from Python's daemon");
      const reopen = await ours(d, ["reopen"]);
      assert.equal(reopen.code, 1);
      assert.match(
        reopen.stdout,
        /^reopen: this supervisord has no JSON API .*\nSend it SIGUSR2 instead: kill -USR2 \d+\n$/,
      );
      const rotate = await ours(d, ["rotate"]);
      assert.equal(rotate.code, 1);
      assert.match(rotate.stdout, /^rotate: this supervisord has no JSON API/);
    }),
});
