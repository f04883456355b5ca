/**
 * Log file guarantees with no restart (EXTENSIONS.md §6, P3 acceptance 5
 * and 6), black-box on our entries: a `copytruncate`-style truncation (copy,
 * then truncate to 0) followed by a 100-byte write leaves a 100-byte file
 * (logs are opened O_APPEND, so no sparse hole of NULs); a log moved away
 * is recreated by `POST /api/v1/logs/reopen` and by SIGUSR2, with nothing
 * lost in the moved file and nothing restarted.
 *
 * Python counterpart: supervisor/supervisord.py (SIGUSR2 → `reopenlogs`)
 * and supervisor/loggers.py (child logs opened in append mode).
 * @module
 */

import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { ForegroundDaemon } from "./_daemon.ts";
import { freePort } from "./_ctl_process.ts";

const HUNDRED = "x".repeat(99) + "\n";

function conf(dir: string, port: number): string {
  return `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true

[inet_http_server]
port=127.0.0.1:${port}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:writer]
command=/bin/sh -c 'trap "echo ${"x".repeat(99)}" USR1; i=0; while [ $i -lt 10 ]; do echo ${
    "y".repeat(99)
  }; i=$((i+1)); done; while :; do sleep 0.05; done'
stdout_logfile=${dir}/writer.log
stdout_logfile_maxbytes=0
startsecs=0
`;
}

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const size = (path: string) => (existsSync(path) ? statSync(path).size : -1);

Deno.test(`copytruncate leaves no hole; reopen (API and SIGUSR2) recreates a moved log, nothing lost (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-reopen-");
  const port = await freePort();
  const path = join(tmp.path, "supervisord.conf");
  writeFileSync(path, conf(tmp.path, port));
  using d = new ForegroundDaemon("ours", ["-c", path], { cwd: "/", env: fixedEnv() });
  await d.waitFor(/success: writer entered RUNNING state/);
  const log = join(tmp.path, "writer.log");
  await until("the first 1000 bytes", () => size(log) === 1000);
  const api = (p: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}/api/v1${p}`, init);
  const post = (p: string) => api(p, { method: "POST", headers: { "Content-Type": "application/json" } });
  const usr1 = async () => {
    const res = await post("/processes/writer/signal?signal=USR1");
    assert.equal(res.status, 200, await res.text());
  };
  const pid = (await (await api("/processes/writer")).json()).pid;

  // copytruncate: copy, truncate to 0, then one 100-byte write.
  copyFileSync(log, log + ".copy");
  truncateSync(log, 0);
  await usr1();
  await until("the write after the truncation", () => size(log) >= 100);
  assert.equal(size(log), 100);
  assert.equal(readFileSync(log, "utf8"), HUNDRED, "no NUL bytes before the new line");

  // Reopen through the API: the moved file keeps its bytes, a new file gets the next ones.
  renameSync(log, log + ".moved");
  assert.equal((await post("/logs/reopen")).status, 200);
  await until("the new log file", () => existsSync(log));
  await usr1();
  await until("the write to the new file", () => size(log) === 100);
  assert.equal(readFileSync(log + ".moved", "utf8"), HUNDRED);

  // SIGUSR2 does the same.
  renameSync(log, log + ".moved2");
  process.kill(d.pid, "SIGUSR2");
  await d.waitFor(/received SIGUSR2 indicating log reopen request/);
  await until("the file SIGUSR2 reopened", () => existsSync(log));
  await usr1();
  await until("the write after SIGUSR2", () => size(log) === 100);
  assert.equal(readFileSync(log + ".moved2", "utf8"), HUNDRED);
  assert.equal((await (await api("/processes/writer")).json()).pid, pid, "nothing was restarted");
});
