/**
 * Differential test of the real entry points: our supervisord (Deno entry,
 * Bun entry or the binary, see _harness.ts) and /usr/bin/supervisord get the
 * same argv and must print the same stdout and stderr and exit alike, with
 * each program's own argv0 masked.
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedEnv, haveReference, ourCommand, ourEntryName, REFERENCE, run, tempDir } from "./_harness.ts";

const CASES: string[][] = [
  ["-v"],
  ["--version"],
  ["--vers"],
  ["-vh"],
  ["-h"],
  ["-?"],
  ["--help"],
  ["-hv"],
  ["--bogus"],
  ["-x"],
  ["-c"],
  ["--u"],
  ["--nodaemon=1"],
  ["-m", "999"],
  ["-y", "5XB"],
  ["-e", "warning"],
  ["-l", "/nonexistent/dir/log"],
  ["-n", "-n"],
  ["-nk", "extra"],
  ["-c", "missing.conf"],
  ["-c", "."],
  ["-c", "ok.conf", "-u", "no_such_user_xyz"],
  ["-c", "broken.conf"],
  ["--configuration=broken.conf", "-n"],
];

/** Replaces the program path in a run's output, wherever Python prints argv0. */
function mask(text: string, argv0: string, tmp: string): string {
  return text.replaceAll(tmp, "<TMP>").replaceAll(argv0, "<ARGV0>");
}

for (const args of CASES) {
  Deno.test({
    name: `[CLI.flags,CLI.usage,CLI.getopt,CLI.version,CLI.help,CLI.configmissing] supervisord ${args.join(" ")}: ` +
      `${ourEntryName()} entry matches the reference`,
    ignore: !haveReference(),
    fn: async () => {
      using tmp = tempDir("svts-entry-");
      writeFileSync(join(tmp.path, "broken.conf"), "[supervisord]\nloglevel=loud\n");
      writeFileSync(join(tmp.path, "ok.conf"), "[supervisord]\n");
      const opts = { cwd: tmp.path, env: fixedEnv(), timeoutMs: 20_000 };
      const ours = ourCommand();
      const ourArgv0 = ours.length > 1 ? ours[ours.length - 1]! : ours[0]!;
      const [a, b] = await Promise.all([run([REFERENCE, ...args], opts), run([...ours, ...args], opts)]);
      assert.equal(a.timedOut || b.timedOut, false, "a run did not finish");
      const view = (r: typeof a, argv0: string) => ({
        code: r.code,
        stdout: mask(r.stdout, argv0, tmp.path),
        stderr: mask(r.stderr, argv0, tmp.path),
      });
      assert.deepEqual(view(b, ourArgv0), view(a, REFERENCE));
    },
  });
}
