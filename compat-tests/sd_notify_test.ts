/**
 * sd_notify from the daemon as systemd sees it: the test binds a unix
 * datagram socket (a python3 receiver, as `Type=notify` units get one),
 * starts our supervisord with NOTIFY_SOCKET pointing at it, and reads the
 * messages: READY=1 with the counts after both autostart programs are
 * spawned, then STOPPING=1 after SIGTERM. Also `service-file systemd`
 * prints a unit whose ExecStart runs this entry.
 * @module
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon } from "./_daemon.ts";
import { fixedEnv, ourCommand, ourEntryName, run, tempDir } from "./_harness.ts";
import { signalFromPidfile } from "./_container.ts";

const RECEIVER = [
  "import socket, sys",
  "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
  "s.bind(sys.argv[1])",
  "print('ready', flush=True)",
  "while True:",
  "    m = s.recv(4096).decode()",
  "    print(repr(m), flush=True)",
  "    if m == 'STOPPING=1': break",
].join("\n");

function receiver(path: string): { child: ChildProcess; ready: Promise<void>; lines: Promise<string[]> } {
  const child = spawn("python3", ["-c", RECEIVER, path], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => onReady = resolve);
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    if (out.startsWith("ready\n")) onReady();
  });
  const lines = new Promise<string[]>((resolve) => child.on("close", () => resolve(out.split("\n").slice(1, -1))));
  return { child, ready, lines };
}

const CONF = (dir: string) =>
  `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}

[program:a]
command=/bin/sleep 1000
startsecs=0

[program:b]
command=/bin/sleep 1000
startsecs=0
`;

Deno.test({
  name:
    `NOTIFY_SOCKET: READY=1 with STATUS= once the autostart programs are spawned, STOPPING=1 on SIGTERM (${ourEntryName()})`,
  ignore: !existsSync("/usr/bin/python3"),
  fn: async () => {
    using tmp = tempDir("svts-notify-");
    const sock = join(tmp.path, "notify");
    const rx = receiver(sock);
    using _rx = { [Symbol.dispose]: () => void rx.child.kill("SIGKILL") };
    await rx.ready;
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, CONF(tmp.path));
    using daemon = new ForegroundDaemon("ours", ["-n", "-c", conf], {
      cwd: tmp.path,
      env: fixedEnv({ NOTIFY_SOCKET: sock }),
    });
    await daemon.waitUntil(() => existsSync(join(tmp.path, "supervisord.pid")), "pidfile", 30_000);
    let got = "";
    await daemon.waitUntil(
      () => {
        try {
          got = readFileSync(join(tmp.path, "supervisord.log"), "utf8");
        } catch { /* not yet */ }
        return /success: a entered RUNNING[\s\S]*success: b entered RUNNING|success: b entered RUNNING[\s\S]*success: a entered RUNNING/
          .test(got);
      },
      "both programs RUNNING",
      30_000,
    );
    signalFromPidfile(join(tmp.path, "supervisord.pid"), "SIGTERM");
    assert.equal((await daemon.exited).code, 0);
    const lines = await rx.lines;
    assert.match(
      lines[0] ?? "",
      /^'READY=1\\nSTATUS=2 processes: 2 (STARTING|RUNNING)'$|^'READY=1\\nSTATUS=2 processes: 1 /,
    );
    assert.ok(lines.includes("'STATUS=2 processes: 2 RUNNING'"), lines.join("\n"));
    assert.equal(lines.at(-1), "'STOPPING=1'");
  },
});

Deno.test(`service-file systemd prints a Type=notify unit that runs this entry with -n -c (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-unit-");
  const r = await run([...ourCommand(), "service-file", "systemd", "-c", "supervisord.conf"], { cwd: tmp.path });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nType=notify\n/);
  const exec = /\nExecStart=(.*)\n/.exec(r.stdout)?.[1] ?? "";
  assert.ok(exec.endsWith(` -n -c ${tmp.path}/supervisord.conf`), exec);
  assert.ok(exec.startsWith(ourCommand()[0]!), exec);
});
