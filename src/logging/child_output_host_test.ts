/**
 * Integration test on the real runtime (Deno under `deno test`, Bun under
 * `bun test`): a real child's output drained into rotating log files in a
 * temp directory, an AUTO stderr log, and the AUTO cleanup.
 * @module
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import {
  defaultDependencyExtensions,
  defaultLogExtensions,
  defaultProgramExtensions,
  type ProcessConfig,
} from "../config/schema.ts";
import type { Runtime } from "../runtime/types.ts";
import { createProcessOutput } from "./child_output.ts";
import { cleanupAutoChildLogs } from "./childlog_cleanup.ts";
import { createMainLogger } from "./main_logger.ts";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const rt: Runtime = onBun
  ? (await import("../runtime/bun.ts")).createBunRuntime()
  : (await import("../runtime/deno.ts")).createDenoRuntime();

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const base = (rt.env()["TMPDIR"] ?? "/tmp").replace(/\/+$/, "") || "/tmp";
  const dir = `${await rt.fs.realPath(base)}/childlog-host-${rt.pid}-${Math.floor(Math.random() * 1e9)}`;
  await rt.fs.mkdir(dir);
  try {
    await fn(dir);
  } finally {
    await rt.fs.remove(dir, { recursive: true }).catch(() => {});
  }
}

function config(dir: string): ProcessConfig {
  return {
    ...defaultProgramExtensions("numbers"),
    ...defaultDependencyExtensions(),
    ...defaultLogExtensions(),
    name: "numbers",
    command: "sh",
    directory: null,
    umask: null,
    priority: 999,
    autostart: true,
    autorestart: false,
    startsecs: 0,
    startretries: 0,
    uid: null,
    stdout_logfile: `${dir}/out.log`,
    stdout_capture_maxbytes: 0,
    stdout_events_enabled: false,
    stdout_logfile_backups: 50,
    stdout_logfile_maxbytes: 10_000,
    stdout_syslog: false,
    stderr_logfile: "AUTO",
    stderr_capture_maxbytes: 0,
    stderr_events_enabled: false,
    stderr_logfile_backups: 1,
    stderr_logfile_maxbytes: 0,
    stderr_syslog: false,
    stopsignal: 15,
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    exitcodes: [0],
    redirect_stderr: false,
    environment: {},
    serverurl: null,
  };
}

Deno.test(`[LOG.child.write,LOG.child.auto] a real child's output is drained into rotating files (${rt.name})`, async () => {
  await withTempDir(async (dir) => {
    const logger = createMainLogger(rt, {
      logfile: `${dir}/main.log`,
      maxbytes: 0,
      backups: 0,
      level: "info",
      echo: null,
    });
    const output = await createProcessOutput(rt, logger, config(dir), {
      childlogdir: dir,
      identifier: "hosttest",
      strip_ansi: false,
    });
    const errLog = output.logfile("stderr");
    equal((await rt.fs.stat(errLog))?.mode, 0o100600);
    let observed = 0;
    output.onOutput = (_channel, data) => void (observed += data.length);
    output.open();
    const child = rt.spawn({
      path: "/bin/sh",
      argv: ["sh", "-c", "seq 1 30000; echo done >&2"],
      env: { PATH: "/usr/bin:/bin" },
      stdin: "null",
    });
    await Promise.all([output.drain("stdout", child.stdout!), output.drain("stderr", child.stderr!), child.exited]);
    await output.close();
    await logger.close();

    const names = (await rt.fs.readDir(dir)).filter((n) => n.startsWith("out.log"));
    const backups = names.filter((n) => n !== "out.log").map((n) => Number(n.slice("out.log.".length)));
    backups.sort((a, b) => b - a);
    deepEqual(backups, Array.from({ length: backups.length }, (_, i) => backups.length - i), "no gap in .N");
    ok(backups.length >= 1, "rotated at least once (how often depends on the chunks read)");
    let text = "";
    for (const n of backups) {
      const part = await rt.fs.readTextFile(`${dir}/out.log.${n}`);
      ok(part.length >= 10_000, "a backup holds at least maxbytes");
      text += part;
    }
    text += await rt.fs.readTextFile(`${dir}/out.log`);
    const expected = Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join("");
    equal(text.length, expected.length);
    ok(text === expected, "every line, in order");
    equal(observed, expected.length + "done\n".length);
    equal(await rt.fs.readTextFile(errLog), "done\n");
    equal(await rt.fs.readTextFile(`${dir}/main.log`), "", "no failures were reported");

    cleanupAutoChildLogs(rt, logger, dir, "hosttest");
    equal(await rt.fs.stat(errLog), null, "the AUTO log was cleaned up");
    ok((await rt.fs.stat(`${dir}/out.log`)) !== null, "named logs are kept");
  });
});
