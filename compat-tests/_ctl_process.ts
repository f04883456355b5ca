/**
 * Running client programs for the differential tests (each in its own
 * process group, with a deadline and an optional Ctrl-C), finding a free
 * port, and killing a daemon together with every descendant (supervisord's
 * children sit in process groups of their own, so killing the daemon's
 * group leaves them running).
 *
 * Python counterpart: none (test support).
 * @module
 */

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import process from "node:process";
import { fixedEnv } from "./_harness.ts";

/** What one supervisorctl (or other client) run left behind. */
export interface CtlOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => typeof address === "object" && address ? done(address.port) : fail(new Error("no port")));
    });
  });
}

/** Every live descendant of `pid`, found through /proc (children may be in other process groups). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Options for {@link runClient}. */
export interface ClientOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  /** Deadline: the process group gets SIGKILL (default 20 s). */
  timeoutMs?: number;
  /** Sends SIGINT (Ctrl-C) after this long, as `tail -f` needs. */
  interruptAfterMs?: number;
  /** Sends SIGINT (Ctrl-C) 300 ms after stdout matches (a machine under load may start clients slowly). */
  interruptWhen?: RegExp;
}

/** Runs a client program in its own process group and collects its output. */
export function runClient(argv: string[], opts: ClientOptions = {}): Promise<CtlOutput> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd ?? "/",
      env: opts.env ?? fixedEnv(),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    let late: ReturnType<typeof setTimeout> | undefined;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (!interrupted && opts.interruptWhen?.test(stdout)) {
        // A moment later, so the client is back waiting in select(): a Ctrl-C inside a read
        // callback is reported by the stock client as "Cannot connect, error: KeyboardInterrupt".
        interrupted = true;
        late = setTimeout(() => signal("SIGINT"), 300);
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => stderr += d);
    child.stdin!.on("error", () => {});
    child.stdin!.end(opts.stdin ?? "");
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch { /* gone */ }
    };
    const interrupt = opts.interruptAfterMs === undefined
      ? undefined
      : setTimeout(() => signal("SIGINT"), opts.interruptAfterMs);
    const deadline = setTimeout(() => signal("SIGKILL"), opts.timeoutMs ?? 20_000);
    child.on("error", (e) => {
      clearTimeout(deadline);
      clearTimeout(interrupt);
      fail(e);
    });
    child.on("close", (code, sig) => {
      clearTimeout(deadline);
      clearTimeout(interrupt);
      clearTimeout(late);
      done({ code: code ?? (sig === null ? null : -1), stdout, stderr });
    });
  });
}

/** Kills `pid`, its process group and every descendant, with SIGKILL. */
export function killTree(pid: number): void {
  // The daemon's group goes first: a daemon still alive would respawn an autorestart child killed before it.
  const children = descendants(pid);
  for (const p of [-pid, ...children]) {
    try {
      process.kill(p, "SIGKILL");
    } catch { /* gone */ }
  }
}

/**
 * Starts a detached watchdog that, once this test process is gone (a
 * crash, a filtered run that exits with scenarios still in flight: the
 * test runners fire no exit hook we can rely on), kills `pid`'s children
 * and process group and removes `dir`. It ends by itself when `pid` ends.
 */
export function watchdog(pid: number, dir: string): void {
  const script = `t=${process.pid}; d=${pid}
while kill -0 $t 2>/dev/null && kill -0 $d 2>/dev/null; do sleep 0.5; done
if kill -0 $d 2>/dev/null; then kill -9 $(ps -o pid= --ppid $d) 2>/dev/null; kill -9 -$d 2>/dev/null; rm -rf '${dir}'; fi`;
  const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
}
