// deno-lint-ignore-file no-console
/**
 * Readiness latency (issue P2, "Measure"): from a `tcp://` probe's first
 * success to the spawn of the `:healthy` dependent it gates. Each run starts
 * our daemon on a config where `db` opens its port about 0.3 s after spawn
 * (`healthcheck_start_interval=100ms`) and `web` has `depends_on=db:healthy`;
 * the latency is read from the main log (`health: 'db' is healthy` to
 * `spawned: 'web'`, millisecond timestamps). Prints the median and p99.
 * Usage: deno run -A scripts/bench_readiness.ts [--runs N] [--ours CMD]
 *   (default: 50 runs of dist/supervisord when built, else deno run src/main_deno.ts)
 * Python counterpart: none (project tooling).
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname ?? ".", "..");

function args(): { runs: number; ours: string[] } {
  const argv = process.argv.slice(2);
  const at = (flag: string) => argv.indexOf(flag);
  const runs = at("--runs") >= 0 ? Number(argv[at("--runs") + 1]) : 50;
  const bin = join(ROOT, "dist/supervisord");
  const ours = at("--ours") >= 0
    ? argv[at("--ours") + 1]!.split(" ")
    : existsSync(bin)
    ? [bin]
    : ["deno", "run", "-A", join(ROOT, "src/main_deno.ts")];
  return { runs, ours };
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

const conf = (port: number) =>
  `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[program:db]
command=python3 -c "import socket,time; time.sleep(0.3); s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', ${port})); s.listen(16); time.sleep(1000)"
startsecs=0
healthcheck=tcp://127.0.0.1:${port}
healthcheck_start_interval=100ms
healthcheck_retries=100

[program:web]
command=/bin/sleep 1000
startsecs=0
depends_on=db:healthy
`;

function stamp(line: string): number {
  const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) /.exec(line)!;
  return Date.parse(m[1]!.replace(" ", "T") + "Z") + Number(m[2]);
}

async function once(ours: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "svts-ready-"));
  try {
    const path = join(dir, "supervisord.conf");
    writeFileSync(path, conf(await freePort()));
    const child = spawn(ours[0]!, [...ours.slice(1), "-n", "-c", path], { stdio: "ignore", detached: true });
    const log = join(dir, "supervisord.log");
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const text = existsSync(log) ? readFileSync(log, "utf8") : "";
      const lines = text.split("\n");
      const healthy = lines.find((l) => l.includes("health: 'db' is healthy"));
      const spawned = lines.find((l) => l.includes("spawned: 'web'"));
      if (healthy !== undefined && spawned !== undefined) {
        process.kill(child.pid!, "SIGTERM");
        await new Promise((r) => child.on("close", r));
        return stamp(spawned) - stamp(healthy);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { runs, ours } = args();
const samples: number[] = [];
for (let i = 0; i < runs; i++) samples.push(await once(ours));
samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!;
console.log(
  `readiness latency over ${runs} runs (ms, main-log resolution 1 ms): median ${q(0.5)}, p99 ${q(0.99)}, max ${
    samples.at(-1)
  }`,
);
