/**
 * Shared pieces of the fcgi-program differential tests: a FastCGI-style
 * app (accepts on its fd 0 and answers with its pid), what `ss` says about
 * a listening socket (backlog, and which processes hold it: supervisord
 * and the pool's processes, by name), the socket file's type, mode and
 * owner, and a client that asks a socket for an answer.
 *
 * Python counterpart: none (test support; the reference is the oracle).
 * @module
 */

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { CtlDaemon } from "./_ctl.ts";
import { tempDir } from "./_harness.ts";

/** Accepts on fd 0 forever; answers each connection with `pid <pid> got <request>`. */
const APP = `import os, socket, sys
s = socket.socket(fileno=0)
sys.stdout.write("fd 0 is a listening %s socket\\n" % ("unix" if s.family == socket.AF_UNIX else "tcp"))
sys.stdout.flush()
while True:
    c, _ = s.accept()
    c.sendall(b"pid %d got %s" % (os.getpid(), c.recv(1024)))
    c.close()
`;

/** The app in a temp dir everyone can read (children may run as nobody). */
export function fcgiApp(): { path: string; [Symbol.dispose](): void } {
  const dir = tempDir("svts-fcgi-app-");
  chmodSync(dir.path, 0o755);
  const path = join(dir.path, "app.py");
  writeFileSync(path, APP, { mode: 0o644 });
  return { path, [Symbol.dispose]: () => dir[Symbol.dispose]() };
}

/** True when `ss` (iproute2) is there to ask who listens. */
export const haveSs: boolean = existsSync("/usr/bin/ss") || existsSync("/bin/ss");

/** The names of a daemon's processes by pid, and the daemon itself as `supervisord`. */
export async function pidNames(d: CtlDaemon): Promise<Map<number, string>> {
  const [info] = await d.rpc([["supervisor.getAllProcessInfo"]]);
  const names = new Map<number, string>([[d.daemon.pid, "supervisord"]]);
  if (info && "ok" in info) {
    for (const p of info.ok as Array<{ name: string; pid: number }>) if (p.pid !== 0) names.set(p.pid, p.name);
  }
  return names;
}

/** What `ss` shows for one listening socket: its backlog and who holds it on which fd. */
export interface Listening {
  backlog: number;
  /** `<name> fd=<n>` for the pool's processes, `supervisord` for the daemon (its fd varies), sorted. */
  holders: string[];
}

/**
 * Who listens at a unix `path` or on a TCP `port` of 127.0.0.1, from
 * `ss -xlpH` / `ss -tlnpH`; null when nothing listens there.
 */
export function listening(at: { path: string } | { port: number }, names: Map<number, string>): Listening | null {
  const unix = "path" in at;
  const out = spawnSync("ss", unix ? ["-xlpH"] : ["-tlnpH"], { encoding: "utf8" }).stdout;
  for (const line of out.split("\n")) {
    const m = unix
      ? /^u_str\s+LISTEN\s+\d+\s+(\d+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+users:\((.*)\)\s*$/.exec(line)
      : /^LISTEN\s+\d+\s+(\d+)\s+(\S+)\s+\S+\s+users:\((.*)\)\s*$/.exec(line);
    if (!m || m[2] !== (unix ? at.path : `127.0.0.1:${at.port}`)) continue;
    const holders = [...m[3]!.matchAll(/\("[^"]*",pid=(\d+),fd=(\d+)\)/g)].map(([, pid, fd]) => {
      const name = names.get(Number(pid)) ?? `unknown pid ${pid}`;
      return name === "supervisord" ? name : `${name} fd=${fd}`;
    });
    return { backlog: Number(m[1]), holders: holders.sort() };
  }
  return null;
}

/** The socket file: type, permission bits (octal) and owner. */
export function socketFile(path: string): { socket: boolean; mode: string; uid: number; gid: number } | null {
  if (!existsSync(path)) return null;
  const s = lstatSync(path);
  return { socket: s.isSocket(), mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
}

/** Sends `hello` to a socket; resolves with the answer, or the connect error's code. */
export function ask(at: { path: string } | { port: number }): Promise<string> {
  return new Promise((done) => {
    const sock = "path" in at ? connect(at.path) : connect(at.port, "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => sock.destroy(new Error("ETIMEDOUT")), 10_000);
    sock.on("connect", () => sock.write("hello"));
    sock.setEncoding("utf8").on("data", (d: string) => answer += d);
    sock.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done(e.code ?? e.message);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      done(answer);
    });
  });
}

/** `pid N got hello` with the pid replaced by the process's name. */
export function answeredBy(answer: string, names: Map<number, string>): string {
  return answer.replace(/^pid (\d+)/, (_, pid) => names.get(Number(pid)) ?? `unknown pid ${pid}`);
}
