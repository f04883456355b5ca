/**
 * The non-seekable log target fix (EXTENSIONS.md §1, P1 acceptance check 2):
 * `stdout_logfile=/dev/stdout` while supervisord's stdout is a pipe. With
 * the default `stdout_logfile_maxbytes` (50MB) Python calls `tell()` on the
 * pipe at the first write, logs `CRIT uncaptured python exception, closing
 * channel` and loses the rest of the output; ours never rotates such a
 * file, logs one WARN, and delivers every byte. With `maxbytes=0` (the only
 * setup that works in Python) the main log is the same as Python's.
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, maskLogLine, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, tempDir } from "./_harness.ts";
import { PIPED, signalFromPidfile } from "./_container.ts";

const LINES = 20_000;

function config(dir: string, maxbytes: string | null): string {
  return `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
silent=true

[program:out]
command=/bin/sh -c 'seq -f "line %%g" 1 ${LINES}; sleep 1'
stdout_logfile=/dev/stdout
${maxbytes === null ? "" : `stdout_logfile_maxbytes=${maxbytes}\n`}stderr_logfile=NONE
autorestart=false
startsecs=0
`;
}

/** Main-log lines of the file, timestamps dropped and temp paths and pids masked. */
function mainLog(dir: string): string[] {
  let text = "";
  try {
    text = readFileSync(join(dir, "supervisord.log"), "utf8");
  } catch { /* not yet written */ }
  return text.split("\n").filter((l) => l !== "").map((l) =>
    maskLogLine(l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, ""), dir)
  );
}

/** Runs the program to its exit under `side`, then SIGTERM; stdout (silent: child bytes only) and main log. */
async function runOnce(side: Side, maxbytes: string | null) {
  using tmp = tempDir("svts-devstdout-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, config(tmp.path, maxbytes));
  using daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv(), prefix: PIPED });
  await daemon.waitUntil(() => mainLog(tmp.path).some((l) => l.startsWith("INFO exited: out ")), "exited", 30_000);
  signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM");
  const { code } = await daemon.exited;
  return { code, stdout: daemon.stdout, log: mainLog(tmp.path) };
}

const expected = Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`).join("");

Deno.test(`stdout_logfile=/dev/stdout on a pipe with the default maxbytes: every byte, one WARN, no CRIT (${ourEntryName()})`, async () => {
  const { code, stdout, log } = await runOnce("ours", null);
  assert.equal(code, 0);
  assert.equal(stdout, expected);
  assert.deepEqual(log.filter((l) => /^(CRIT|WARN) /.test(l) && !l.includes("running as root")), [
    "WARN stdout_logfile for 'out' is not seekable; rotation disabled",
    "WARN received SIGTERM indicating exit request",
  ]);
});

Deno.test({
  name:
    `[LOG.child.write] stdout_logfile=/dev/stdout with maxbytes=0: the same main log as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    const [theirs, ours] = await Promise.all([runOnce("reference", "0"), runOnce("ours", "0")]);
    assert.equal(ours.stdout, expected);
    assert.equal(theirs.stdout, expected, "Python delivers every byte when it never rotates");
    assert.deepEqual(ours.log, theirs.log);
    assert.deepEqual([ours.code, theirs.code], [0, 0]);
  },
});
