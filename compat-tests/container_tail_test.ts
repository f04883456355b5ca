/**
 * Tail without a file (EXTENSIONS.md §1; P1 acceptance check 7): in
 * container mode a channel without a log file keeps its last 1 MiB in
 * memory, and the stock `supervisorctl tail`, `/logtail` and the web UI's
 * tail page read it as they read a log file. The config also loads in
 * supervisord 4.2.5.
 * @module
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, haveReference, ourEntryName, REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { PIPED, signalFromPidfile } from "./_container.ts";
import { RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { rawHttp } from "./_raw_http.ts";

const LINES = 3000;
const CONFIG = UNIX_HEADER.replace("[supervisord]\n", "[supervisord]\ncontainer_mode=true\n") + RPC_SECTION + `
[program:web]
command=/bin/sh -c 'seq -f "web line %%g" 1 ${LINES}; echo "web err" >&2; exec sleep 60'
startsecs=0
`;
const STDOUT = Array.from({ length: LINES }, (_, i) => `web line ${i + 1}\n`).join("");

Deno.test({
  name: `container mode: stock supervisorctl tail, /logtail and the UI tail read the in-memory log (${ourEntryName()})`,
  ignore: !haveReference(),
  fn: async () => {
    using tmp = tempDir("svts-tail-");
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, CONFIG);
    using daemon = new ForegroundDaemon("ours", ["-c", conf], { cwd: tmp.path, env: fixedEnv(), prefix: PIPED });
    await daemon.waitUntil(() => daemon.stdout.includes(`web | web line ${LINES}\n`), "the last line", 30_000);
    const ctl = (...args: string[]) => run([REFERENCE_CTL, "-c", conf, ...args], { env: fixedEnv() });

    // The stock client prints what it read followed by a newline.
    const tail = await ctl("tail", "web");
    assert.equal(tail.stdout, STDOUT.slice(-1600) + "\n", tail.stderr);
    assert.equal((await ctl("tail", "-100", "web")).stdout, STDOUT.slice(-100) + "\n");
    assert.equal((await ctl("tail", "web", "stderr")).stdout, "web err\n\n");

    const logtail = await rawHttp({ path: join(tmp.path, "s.sock") }, "GET /logtail/web HTTP/1.0\r\n\r\n", {
      timeoutMs: 1000,
    });
    assert.equal(logtail.status, 200);
    assert.ok(logtail.body.includes(STDOUT.slice(-1024)), "starts with the last 1024 bytes");
    const page = await rawHttp({ path: join(tmp.path, "s.sock") }, "GET /tail.html?processname=web HTTP/1.0\r\n\r\n");
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`web line ${LINES}`));

    // clear empties the in-memory log as it would a file.
    assert.match((await ctl("clear", "web")).stdout, /web: cleared/);
    assert.equal((await ctl("tail", "web")).stdout, "\n");
    signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM");
    assert.equal((await daemon.exited).code, 0);
  },
});

Deno.test({
  name: "the tail config loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn: () => assert.deepEqual(pythonLoadErrors([CONFIG]), [null]),
});
