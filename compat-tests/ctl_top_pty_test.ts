/**
 * `ctl top` on a real terminal: the live table on the alternate screen,
 * a sort key changes the header, `q` quits with the screen restored and
 * exit 0; without a terminal it prints the table once. Against our daemon
 * (CPU, RSS and restarts from the JSON API).
 *
 * Python counterpart: none (EXTENSIONS.md §12).
 * @module
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CtlDaemon, RPC_SECTION, runClient, UNIX_HEADER } from "./_ctl.ts";
import { fixedEnv, ourCommand, ourEntryName } from "./_harness.ts";
import { DRIVER } from "./_pty.ts";

const FIXTURE = UNIX_HEADER + RPC_SECTION + `
[program:web]
command=/bin/sleep 300
startsecs=0

[program:idle]
command=/bin/sleep 300
autostart=false
`;

Deno.test(`[EXT.ctl.top] top on a terminal: live table, sort key, q quits and restores the screen (${ourEntryName()})`, async () => {
  await using daemon = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: web /, 1]] });
  const conf = join(daemon.dir, "ctl-top.conf");
  writeFileSync(conf, `[supervisorctl]\nserverurl=unix://${daemon.dir}/s.sock\n`);
  const spec = {
    argv: [...ourCommand(), "ctl", "-c", conf, "top"],
    env: { ...fixedEnv(), TERM: "xterm", HOME: daemon.dir },
    steps: [["", "sort: name"], ["", "RUNNING"], ["m", "sort: mem"], ["q", "\x1b[?1049l"]],
    timeout: 20,
  };
  const json = execFileSync("python3", ["-c", DRIVER, JSON.stringify(spec)], { encoding: "utf8", timeout: 120_000 });
  const result = JSON.parse(json) as { out: string; code: number; failed: string | null };
  assert.equal(result.failed, null, `top never printed ${JSON.stringify(result.failed)}:\n${result.out}`);
  assert.equal(result.code, 0);
  assert.ok(result.out.startsWith("\x1b[?1049h"), "the alternate screen");
  assert.match(result.out, /web\s+RUNNING\s+-\s+\d+\s+0:00:\d\d\s+0\s+[\d.-]+\s+[\d.]+[KMG]/);
  assert.match(result.out, /idle\s+STOPPED/);
  assert.ok(!result.out.includes("\x1b[2J"), "redrawn in place, never cleared");
});

Deno.test(`[EXT.ctl.top] top without a terminal prints the table once (${ourEntryName()})`, async () => {
  await using daemon = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: web /, 1]] });
  const out = await runClient([...ourCommand(), "ctl", "-c", daemon.conf, "top", "-s", "state"], { cwd: daemon.dir });
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^NAME\s+STATE\s+HEALTH\s+PID\s+UPTIME\s+RESTARTS\s+CPU%\s+RSS$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(" ")), ["web RUNNING", "idle STOPPED"]);
});
