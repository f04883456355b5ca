/**
 * `shell_expansion` on a real daemon (EXTENSIONS.md §5B, P4 acceptance
 * check 3): `${PORT:-8080}` reaches the argv as `8080`, a value holding `%`
 * survives, a bare `$1` is untouched, an unset `${X}` stops the daemon with
 * exit 2 and the exact message, and without the key `${PORT}` is passed on
 * literally, as Python does. supervisord 4.2.5 loads the same files.
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourCommand, ourEntryName, run, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const PROGRAM = `[program:web]
command=/bin/sh -c 'echo "$0|$1" > %(here)s/args.out; exec sleep 300' \${PORT:-8080} \${PW}
startsecs=0
`;
const HEAD =
  "[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n";
const ON = `${HEAD}shell_expansion=true\n${PROGRAM}`;
const OFF = `${HEAD}${PROGRAM}`;
const UNSET = `${HEAD}shell_expansion=true\n[program:web]\ncommand=/bin/web \${X}\n`;

async function argsOf(text: string): Promise<string> {
  using tmp = tempDir("svts-shexp-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, text);
  using d = new ForegroundDaemon("ours", ["-n", "-c", conf], { cwd: tmp.path, env: fixedEnv({ PW: "50%off" }) });
  const out = join(tmp.path, "args.out");
  await d.waitUntil(() => existsSync(out) && readFileSync(out, "utf8").endsWith("\n"), "args.out");
  return readFileSync(out, "utf8").trim();
}

Deno.test(`shell_expansion: defaults, % in a value, bare $1; off: literal as in Python (${ourEntryName()})`, async () => {
  assert.equal(await argsOf(ON), "8080|50%off");
  assert.equal(await argsOf(OFF), "${PORT:-8080}|${PW}");
});

Deno.test(`shell_expansion: an unset variable stops the daemon with exit 2 and the message (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-shexp-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, UNSET);
  const r = await run([...ourCommand(), "-n", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split("\n")[0], "Error: ${X} in 'program:web.command': X is not set (use ${X:-default})");
});

Deno.test({
  name: "shell_expansion: supervisord 4.2.5 loads the same files (${…} stays literal there)",
  ignore: !canAskPython,
  fn() {
    const texts = [ON, OFF, UNSET].map((t) => t.replaceAll("%(here)s", "{TMP}"));
    assert.deepEqual(pythonLoadErrors(texts), [null, null, null]);
  },
});
