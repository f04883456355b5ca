/**
 * Container mode's console (EXTENSIONS.md §1; P1 acceptance checks 1 and
 * 6): child output on supervisord's stdout as whole lines with padded
 * prefixes, nothing lost and no two programs in one line; the daemon's own
 * lines on the console from `console_loglevel` up while the main log file
 * keeps every line; the json and raw formats. Every config here also loads
 * in supervisord 4.2.5.
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { PIPED, signalFromPidfile } from "./_container.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const LINES = 10_000;
const DAEMON_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]{4} /;

/** A program printing `count` numbered lines of its own (the name in each, so a mixed line shows). */
function printer(name: string, count: number): string {
  return `[program:${name}]
command=/bin/sh -c 'seq -f "${name} line %%g of the ${name} program, padded to be long enough to cross pipe reads" 1 ${count}; sleep 1'
autorestart=false
startsecs=0
`;
}

function header(extra = ""): string {
  return `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
${extra}
`;
}

/** Main-log file lines without timestamps. */
function mainLog(dir: string): string[] {
  let text = "";
  try {
    text = readFileSync(join(dir, "supervisord.log"), "utf8");
  } catch { /* not yet */ }
  return text.split("\n").filter((l) => l !== "").map((l) => l.replace(DAEMON_LINE, (m) => m.slice(24)));
}

/** Runs the config `text` until `exits` programs have exited, then SIGTERM; returns stdout, stderr, exit code and the main log. */
async function run(text: string, exits: number, read: string[] = []) {
  using tmp = tempDir("svts-console-");
  const path = join(tmp.path, "supervisord.conf");
  writeFileSync(path, text);
  using daemon = new ForegroundDaemon("ours", ["-c", path], { cwd: tmp.path, env: fixedEnv(), prefix: PIPED });
  const exited = () => mainLog(tmp.path).filter((l) => l.startsWith("INFO exited: ")).length >= exits;
  await daemon.waitUntil(exited, `${exits} exits`, 60_000);
  signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM");
  const { code } = await daemon.exited;
  const files = Object.fromEntries(read.map((name) => [name, readFileSync(join(tmp.path, name), "utf8")]));
  return { text, code, stdout: daemon.stdout, stderr: daemon.stderr, log: mainLog(tmp.path), files };
}

/** Python must load every config of this file. */
const configs: string[] = [];

Deno.test(`container mode: two programs' 10,000 lines each, whole, prefixed and padded, none lost (${ourEntryName()})`, async () => {
  const r = await run(header("container_mode=true") + printer("web_00", LINES) + printer("db", LINES), 2);
  configs.push(r.text);
  assert.equal(r.code, 0);
  const lines = r.stdout.split("\n");
  assert.equal(lines.pop(), "", "the output ends with a whole line");
  const seen: Record<string, number> = { web_00: 0, db: 0 };
  for (const line of lines) {
    if (DAEMON_LINE.test(line)) continue;
    const m = /^(web_00|db {4}) \| (web_00|db) line (\d+) of the (web_00|db) program, padded/.exec(line);
    assert.ok(m, `not a whole prefixed line: ${JSON.stringify(line.slice(0, 200))}`);
    const name = m[1]!.trim();
    assert.deepEqual([m[2], m[4]], [name, name], `bytes of two programs in one line: ${line}`);
    assert.equal(Number(m[3]), ++seen[name]!, `${name}'s lines in order`);
  }
  assert.deepEqual(seen, { web_00: LINES, db: LINES });
  // container mode: console_loglevel defaults to warn; the file keeps INFO.
  const daemonLines = lines.filter((l) => DAEMON_LINE.test(l)).map((l) => l.slice(24));
  assert.ok(daemonLines.every((l) => !l.startsWith("INFO ")), daemonLines.join("\n"));
  assert.ok(daemonLines.includes("WARN received SIGTERM indicating exit request"));
  assert.ok(r.log.some((l) => l.startsWith("INFO spawned: 'db'")));
  assert.equal(r.stderr, "");
});

Deno.test(`console_loglevel=warn without container mode: no INFO lines on stdout, all of them in the file (${ourEntryName()})`, async () => {
  const r = await run(
    header("nodaemon=true\nconsole_loglevel=warn") +
      "[program:quiet]\ncommand=/bin/sh -c 'sleep 1'\nstartsecs=0\nautorestart=false\n",
    1,
  );
  configs.push(r.text);
  const echoed = r.stdout.split("\n").filter(Boolean).map((l) => l.slice(24));
  assert.deepEqual(echoed.filter((l) => !l.includes("running as root")), [
    "WARN received SIGTERM indicating exit request",
  ]);
  for (const l of ["INFO spawned: 'quiet'", "INFO exited: quiet", "INFO supervisord started"]) {
    assert.ok(r.log.some((x) => x.startsWith(l)), l);
  }
});

Deno.test(`console_format=json and raw; stderr to stderr; an explicit log file still gets every byte (${ourEntryName()})`, async () => {
  const program =
    "[program:app]\ncommand=/bin/sh -c 'echo out; echo err >&2; printf tail; sleep 1'\nstartsecs=0\nautorestart=false\n" +
    "stdout_logfile=%(here)s/app.log\nconsole=true\n";
  const json = await run(header("container_mode=true\nconsole_format=json") + program, 1, ["app.log"]);
  configs.push(json.text);
  const records = json.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const app = records.filter((r) => r.process === "app").map(({ ts: _, ...r }) => r);
  assert.deepEqual(app, [
    { process: "app", group: "app", stream: "stdout", line: "out" },
    { process: "app", group: "app", stream: "stdout", line: "tail", partial: true },
  ]);
  assert.deepEqual(json.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l).line), ["err"]);
  assert.ok(records.some((r) => r.process === "supervisord" && /WARN received SIGTERM/.test(r.line)));
  assert.equal(json.files["app.log"], "out\ntail", "console=true is a tee: the log file keeps every byte");

  const raw = await run(header("container_mode=true\nconsole_format=raw") + program, 1);
  configs.push(raw.text);
  assert.deepEqual(raw.stdout.split("\n").filter((l) => !DAEMON_LINE.test(l)), ["out", "tail…", ""]);
});

Deno.test({
  name: "every config above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    assert.ok(configs.length >= 4, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(configs), configs.map(() => null));
  },
});
