/**
 * `supervisord --check-config [-c FILE]` (EXTENSIONS.md §0.4) on the real
 * entry: silent with exit 0 on a clean file; unknown keys listed with the
 * nearest known key (exit 0); load errors and missing env files printed as
 * `Error: …` with exit 2; nothing is started. supervisord 4.2.5 loads the
 * same files.
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedEnv, ourCommand, ourEntryName, run, tempDir } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const HEAD = "[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\n";
const CLEAN = `${HEAD}[program:web]\ncommand=/bin/sleep 300\nenv_file=%(here)s/web.env\n`;
const TYPO = `${HEAD}[program:web]\ncommand=/bin/sleep 300\nautostrat=false\n`;
const BAD = `${HEAD}[program:web]\ncommand=/bin/sleep 300\nstartsecs=soon\n`;
const NO_ENV = `${HEAD}[program:web]\ncommand=/bin/sleep 300\nenv_file=/nonexistent/web.env\n`;
const STRICT = `${HEAD}strict_keys=error\n[program:web]\ncommand=/bin/sleep 300\nautostrat=false\n`;

async function check(text: string) {
  using tmp = tempDir("svts-check-");
  const conf = join(tmp.path, "supervisord.conf");
  writeFileSync(conf, text);
  writeFileSync(join(tmp.path, "web.env"), "A=1\n");
  const r = await run([...ourCommand(), "--check-config", "-c", conf], { cwd: tmp.path, env: fixedEnv() });
  assert.ok(!existsSync(join(tmp.path, "supervisord.pid")), "nothing started");
  return {
    code: r.code,
    stdout: r.stdout.replaceAll(tmp.path, "<TMP>"),
    stderr: r.stderr.replaceAll(tmp.path, "<TMP>"),
  };
}

const entry = ourEntryName();

Deno.test(`--check-config: a clean file prints nothing and exits 0 (${entry})`, async () => {
  assert.deepEqual(await check(CLEAN), { code: 0, stdout: "", stderr: "" });
});

Deno.test(`--check-config: unknown keys are listed with the nearest known key (${entry})`, async () => {
  assert.deepEqual(await check(TYPO), {
    code: 0,
    stdout: "unknown key 'autostrat' in section 'program:web' (did you mean 'autostart'?)\n",
    stderr: "",
  });
});

Deno.test(`--check-config: errors are printed and exit 2 (${entry})`, async () => {
  assert.deepEqual(await check(BAD), {
    code: 2,
    stdout: "",
    stderr:
      "Error: invalid literal for int() with base 10: 'soon' in section 'program:web' (file: '<TMP>/supervisord.conf')\n",
  });
  assert.deepEqual(await check(NO_ENV), {
    code: 2,
    stdout: "",
    stderr: "Error: env_file '/nonexistent/web.env': No such file or directory (program web:web)\n",
  });
  const strict = await check(STRICT);
  assert.equal(strict.code, 2);
  assert.equal(strict.stderr, "Error: unknown key 'autostrat' in section 'program:web' (did you mean 'autostart'?)\n");
});

Deno.test({
  name: "--check-config: supervisord 4.2.5 loads the good files",
  ignore: !canAskPython,
  fn() {
    const texts = [CLEAN, TYPO, NO_ENV, STRICT].map((t) => t.replaceAll("%(here)s", "{TMP}"));
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
