// deno-lint-ignore-file no-console
/**
 * Probe cost (issue P2, "Measure"): our daemon with 100 programs whose
 * health checks (`tcp://` or `http://`, against a listener this script
 * holds) run every 10 s; once all are healthy, the daemon's CPU time
 * (utime + stime from /proc) and RSS are read before and after a window.
 * Prints the CPU share of one core and the RSS growth for each kind.
 * Usage: deno run -A scripts/bench_probes.ts [--seconds S] [--ours CMD]
 *   (default: 60 s, dist/supervisord when built)
 * Python counterpart: none (project tooling).
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const argv = process.argv.slice(2);
const at = (flag: string) => argv.indexOf(flag);
const seconds = at("--seconds") >= 0 ? Number(argv[at("--seconds") + 1]) : 60;
const bin = join(ROOT, "dist/supervisord");
const ours = at("--ours") >= 0
  ? argv[at("--ours") + 1]!.split(" ")
  : existsSync(bin)
  ? [bin]
  : ["deno", "run", "-A", join(ROOT, "src/main_deno.ts")];
const TICKS = 100; // USER_HZ on Linux

function conf(kind: "tcp" | "http", port: number): string {
  let text =
    "[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n";
  const url = kind === "tcp" ? `tcp://127.0.0.1:${port}` : `http://127.0.0.1:${port}/healthz`;
  for (let i = 0; i < 100; i++) {
    text += `\n[program:p${i}]\ncommand=/bin/sleep 100000\nstartsecs=0\nhealthcheck=${url}\n` +
      "healthcheck_interval=10s\nhealthcheck_start_interval=1s\n";
  }
  return text;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
}

async function measure(kind: "tcp" | "http"): Promise<string> {
  const server = kind === "tcp"
    ? createServer((s) => s.destroy())
    : createHttpServer((_req, res) => res.writeHead(200, { "Content-Length": "0" }).end());
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), "svts-probes-"));
  const path = join(dir, "supervisord.conf");
  writeFileSync(path, conf(kind, port));
  const child = spawn(ours[0]!, [...ours.slice(1), "-n", "-c", path], { stdio: "ignore", detached: true });
  try {
    const log = join(dir, "supervisord.log");
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const text = existsSync(log) ? readFileSync(log, "utf8") : "";
      if ((text.match(/health: 'p\d+' is healthy/g) ?? []).length >= 100) break;
    }
    await new Promise((r) => setTimeout(r, 2000));
    const [cpu0, rss0] = [cpuTicks(child.pid!), rssKiB(child.pid!)];
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const [cpu1, rss1] = [cpuTicks(child.pid!), rssKiB(child.pid!)];
    const share = ((cpu1 - cpu0) / TICKS / seconds) * 100;
    return `${kind}: 100 checks every 10 s, ${seconds} s: CPU ${share.toFixed(2)} % of a core, RSS ${
      (rss0 / 1024).toFixed(1)
    } -> ${(rss1 / 1024).toFixed(1)} MiB`;
  } finally {
    process.kill(-child.pid!, "SIGKILL");
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const kind of ["tcp", "http"] as const) console.log(await measure(kind));
process.exit(0);
