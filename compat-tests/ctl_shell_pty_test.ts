/**
 * The interactive shell on a real terminal: the same keystrokes typed into
 * the stock `/usr/bin/supervisorctl` (GNU readline) and into our ctl, each
 * in its own pseudo-terminal, against the same daemon. Tab completes a
 * command and a process name, Up recalls the last line, Ctrl-A and Ctrl-D
 * edit it, Ctrl-D on an empty line leaves the shell. Both must run the same
 * commands with the same results, leave the same history file, and exit 0.
 *
 * Python counterpart: supervisor/supervisorctl.py (`exec_cmdloop`,
 * `complete`) through GNU readline.
 * @module
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, REFERENCE_CTL } from "./_harness.ts";
import { DRIVER } from "./_pty.ts";

const FIXTURE = UNIX_HEADER + RPC_SECTION + `
[program:web]
command=/bin/sleep 300
startsecs=0

[program:other]
command=/bin/sleep 300
startsecs=0
`;

/** Keys to type and the text each must bring back. */
const STEPS: Array<[send: string, expect: string]> = [
  ["", "supervisor> "],
  ["sto\t", "stop "],
  ["we\t", "web "],
  // Each command's result is awaited with the next prompt, so no key is typed ahead.
  ["\r", "web: stopped\r\nsupervisor> "],
  ["\x1b[A", "stop web"],
  ["\x01\x04\x04\x04\x04start\r", "web: started\r\nsupervisor> "],
  ["\x04", ""],
];

interface Session {
  out: string;
  code: number;
  failed: string | null;
  history: string;
}

/** Types STEPS into `argv` (a client with its `-c` config) on a terminal. */
function typeInto(argv: string[], dir: string, side: string): Session {
  const history = join(dir, `history-${side}`);
  const conf = join(dir, `ctl-${side}.conf`);
  writeFileSync(conf, `[supervisorctl]\nserverurl=unix://${dir}/s.sock\nhistory_file=${history}\n`);
  const spec = {
    argv: [...argv, "-c", conf],
    env: { ...fixedEnv(), TERM: "xterm", HOME: dir },
    steps: STEPS,
    timeout: 20,
  };
  const json = execFileSync("python3", ["-c", DRIVER, JSON.stringify(spec)], { encoding: "utf8", timeout: 120_000 });
  const result = JSON.parse(json) as Omit<Session, "history">;
  let saved = "";
  try {
    saved = readFileSync(history, "utf8");
  } catch { /* not written */ }
  return { ...result, history: saved };
}

/** The command results a session printed, in order. */
function results(out: string): string[] {
  return [...out.matchAll(/^(\w+: (?:stopped|started|ERROR.*?))\r?$/gm)].map((m) => m[1]!);
}

Deno.test({
  name: `[CTL.mode,CFG.supervisorctl.history_file] the shell on a terminal: Tab completion, history recall and ` +
    `editing keys do what readline does in the stock client (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    await using daemon = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: other /, 1]] });
    const stock = typeInto([REFERENCE_CTL], daemon.dir, "stock");
    const ours = typeInto([...ourCommand(), "ctl"], daemon.dir, "ours");
    assert.equal(stock.failed, null, `the stock client never printed ${stock.failed}:\n${stock.out}`);
    assert.equal(ours.failed, null, `our client never printed ${ours.failed}:\n${ours.out}`);
    assert.deepEqual(results(ours.out), ["web: stopped", "web: started"]);
    assert.deepEqual(results(ours.out), results(stock.out));
    assert.equal(ours.history, stock.history);
    assert.equal(ours.history, "stop web \nstart web \n");
    assert.equal(ours.code, stock.code);
    assert.equal(ours.code, 0);
  },
});
