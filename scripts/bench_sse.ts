// deno-lint-ignore-file no-console
/**
 * Benchmarks following a log over SSE (EXTENSIONS.md §8, P3 "Measure"): a
 * program writes the numbers 1…N (about 100 MiB with the default N), once
 * with nobody following and once with 4 clients following its stdout log
 * from offset 0 through `/api/v1/processes/{ns}/logs/stdout/follow`.
 * Reports the capture rate (log bytes over the time from the start request
 * to the exit, as the daemon's log shows it) of both runs, each follower's
 * delivered MiB/s, and per follower the bytes missing at the end and the
 * events whose `id` does not follow from the previous one (a gap or an
 * overlap).
 *
 * Usage: deno run -A scripts/bench_sse.ts [--ours "dist/supervisord"] [--lines N] [--followers N]
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1] ?? fallback;
}
const ours = arg("--ours", "deno run -A src/main_deno.ts").split(" ");
const lines = Number(arg("--lines", "12800000"));
const followers = Number(arg("--followers", "4"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Follows the log from offset 0; resolves with the bytes received and the
 * events whose id does not follow from the previous id and the length of
 * their text (a gap or an overlap). The text is ASCII, so characters are bytes.
 */
async function follow(base: string, until: () => boolean, expectedBytes: () => number) {
  const res = await fetch(`${base}/processes/writer/logs/stdout/follow?offset=0`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let bad = 0;
  let bytes = 0;
  let tail = "";
  const t0 = performance.now();
  while (!(until() && bytes >= expectedBytes())) {
    const r = await reader.read();
    if (r.done) break;
    buffer += decoder.decode(r.value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith("event: log")) continue;
      const text = JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as string;
      const id = Number(/\nid: (\d+)/.exec(frame)![1]);
      if (id !== bytes + text.length) bad++;
      bytes = id;
      tail = text.slice(-16);
    }
  }
  await reader.cancel();
  const lastLine = Number(tail.trimEnd().split("\n").at(-1));
  return { bytes, bad, seconds: (performance.now() - t0) / 1000, lastLine };
}

async function run(withFollowers: number) {
  const dir = mkdtempSync(join(tmpdir(), "svts-bench-sse-"));
  const port = await freePort();
  const log = join(dir, "writer.log");
  writeFileSync(
    join(dir, "supervisord.conf"),
    `[supervisord]\nlogfile=${dir}/supervisord.log\npidfile=${dir}/supervisord.pid\nchildlogdir=${dir}\nnodaemon=true\n` +
      `loglevel=info\n\n[inet_http_server]\nport=127.0.0.1:${port}\n\n` +
      `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n` +
      `[program:writer]\ncommand=/usr/bin/seq 1 ${lines}\nautostart=false\nstartsecs=0\nautorestart=false\n` +
      `stdout_logfile=${log}\nstdout_logfile_maxbytes=0\n`,
  );
  const daemon = spawn(ours[0]!, [...ours.slice(1), "-c", join(dir, "supervisord.conf")], {
    stdio: ["ignore", "ignore", "ignore"],
    detached: true,
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  try {
    for (;;) {
      await sleep(200);
      try {
        if ((await fetch(`${base}/health`)).status === 200) break;
      } catch { /* not up yet */ }
    }
    writeFileSync(log, "");
    let exited = false;
    const expected = () => (exited ? statSync(log).size : Infinity);
    const follows = Array.from({ length: withFollowers }, () => follow(base, () => exited, expected));
    await sleep(300);
    const t0 = performance.now();
    await fetch(`${base}/processes/writer/start?wait=false`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    for (;;) {
      await sleep(50);
      const p = await (await fetch(`${base}/processes/writer`)).json();
      if (p.statename === "EXITED") break;
    }
    const capture = (performance.now() - t0) / 1000;
    exited = true;
    const size = statSync(log).size;
    const results = await Promise.all(follows);
    return { size, capture, results };
  } finally {
    try {
      process.kill(-daemon.pid!, "SIGTERM");
    } catch { /* gone */ }
    await sleep(1000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const alone = await run(0);
const followed = await run(followers);
console.log(`entry: ${ours.join(" ")}; ${(alone.size / MiB).toFixed(1)} MiB of numbered lines`);
console.log(`capture, nobody following: ${(alone.size / MiB / alone.capture).toFixed(1)} MiB/s`);
console.log(
  `capture, ${followers} following: ${(followed.size / MiB / followed.capture).toFixed(1)} MiB/s ` +
    `(${(alone.capture / followed.capture).toFixed(2)}x of unfollowed)`,
);
followed.results.forEach((r, i) => {
  console.log(
    `follower ${i + 1}: ${(r.bytes / MiB / r.seconds).toFixed(1)} MiB/s delivered, ` +
      `${followed.size - r.bytes} bytes missing, ${r.bad} events with a gap or overlap, last line ${r.lastLine}`,
  );
});
