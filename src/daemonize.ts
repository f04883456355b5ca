/**
 * Daemon mode and dropping privileges without fork() or setuid(): supervisord
 * re-executes itself and lets the child do the whole startup.
 *
 * Daemon mode: the first supervisord starts a copy of itself in a new
 * session with a marker in its environment and waits. Once the copy is ready
 * (groups created, servers open, signal handlers installed) it writes a
 * ready line to its stdout pipe and the parent exits 0. If the copy fails
 * first (a config or socket error), the parent relays what it wrote to
 * stderr and exits with its status, so the user sees the same message and
 * exit code as with Python's supervisord, whose parent forks only after those
 * checks passed.
 *
 * `user=` (SURFACE DAEMON.user): a root supervisord whose config names
 * another user starts the copy as that user (uid, primary gid and the
 * supplementary groups Python sets). In the foreground the parent stays
 * as a thin relay: the copy shares its stdio, the parent forwards the
 * signals supervisord handles and exits with the copy's status.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.daemonize`,
 * `_daemonize`, `set_uid_or_exit`, `drop_privileges`).
 * @module
 */

import type { HandledSignal, Runtime, SpawnOptions } from "./runtime/types.ts";
import { NOFILE_SOFT_ENV } from "./daemon_rlimits.ts";

/** Environment marker of a re-executed copy ("daemon" or "relay"); removed before children are spawned. */
export const DAEMON_CHILD_ENV = "SUPERVISOR_TS_DAEMON_CHILD";

/** Who the copy runs as, when supervisord drops privileges. */
export interface CopyUser {
  uid: number;
  gid: number;
  groups: number[];
}

const READY_LINE = "supervisord-ready\n";

/** True when this process is the re-executed daemon copy. */
export function isDaemonChild(env: Readonly<Record<string, string>>): boolean {
  return env[DAEMON_CHILD_ENV] === "daemon";
}

/** True when this process is any re-executed copy (it must not re-execute again). */
export function isCopy(env: Readonly<Record<string, string>>): boolean {
  return env[DAEMON_CHILD_ENV] !== undefined;
}

function copyOptions(rt: Runtime, kind: "daemon" | "relay", user: CopyUser | null): SpawnOptions {
  const [command, ...prefix] = rt.selfCommand;
  const opts: SpawnOptions = {
    path: command!,
    argv: [command!, ...prefix, ...rt.args],
    env: { ...rt.env(), [DAEMON_CHILD_ENV]: kind },
    cwd: rt.cwd(),
    stdin: kind === "daemon" ? "null" : "inherit",
    stdout: kind === "daemon" ? "pipe" : "inherit",
    stderr: kind === "daemon" ? "pipe" : "inherit",
  };
  if (user !== null) {
    opts.uid = user.uid;
    opts.gid = user.gid;
    opts.groups = user.groups;
  }
  return opts;
}

const RELAYED: readonly HandledSignal[] = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR2"];

/**
 * Runs supervisord as `user` in the foreground: starts the copy sharing our
 * stdio, forwards signals to it, and resolves to its exit status.
 */
export async function relayAsUser(rt: Runtime, user: CopyUser): Promise<number> {
  const child = rt.spawn(copyOptions(rt, "relay", user));
  const offs = RELAYED.map((sig) =>
    rt.onSignal(sig, () => {
      try {
        rt.kill(child.pid, sig);
      } catch { /* already gone */ }
    })
  );
  const status = await child.exited;
  for (const off of offs) off();
  return status.code ?? 1;
}

/**
 * `env` without the daemon marker and the record of the starting open-files
 * limit (daemon_rlimits.ts), which a copy inherits with the rest of the
 * environment but programs must not see.
 */
export function stripDaemonMarker(env: Record<string, string>): Record<string, string> {
  const { [DAEMON_CHILD_ENV]: _, [NOFILE_SOFT_ENV]: _record, ...rest } = env;
  return rest;
}

/** Tells the waiting parent that the daemon is up. */
export function signalReady(rt: Runtime): void {
  try {
    rt.stdout.write(READY_LINE);
  } catch {
    // The parent is gone; nothing to tell.
  }
}

/**
 * Starts the daemon child and waits for it to be ready or to fail; resolves
 * to the exit status of this (parent) process.
 */
export async function daemonizeParent(rt: Runtime, user: CopyUser | null): Promise<number> {
  const child = rt.spawn(copyOptions(rt, "daemon", user));
  const errText = child.stderr ? collect(child.stderr) : Promise.resolve("");
  const ready = child.stdout ? waitForLine(child.stdout, READY_LINE) : Promise.resolve(false);
  const outcome = await Promise.race([
    ready.then((ok) => (ok ? "ready" as const : "closed" as const)),
    child.exited.then(() => "exited" as const),
  ]);
  if (outcome === "ready") return 0;
  const status = await child.exited;
  rt.stderr.write(await errText);
  return status.code ?? 1;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

async function waitForLine(stream: ReadableStream<Uint8Array>, line: string): Promise<boolean> {
  let text = "";
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    text += decoder.decode(value, { stream: true });
    if (text.includes(line)) {
      reader.releaseLock();
      return true;
    }
  }
}
