/**
 * Daemon mode without fork(): the first supervisord re-executes itself in a
 * new session with a marker in its environment and waits. The daemon child
 * does the whole startup; once it is ready (groups created, signal handlers
 * installed) it writes a ready line to its stdout pipe, and the parent exits
 * 0. If the child fails first (a config or socket error), the parent relays
 * what the child wrote to stderr and exits with the child's status, so the
 * user sees the same message and exit code as with Python's supervisord,
 * whose parent forks only after those checks passed.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.daemonize`,
 * `_daemonize`).
 * @module
 */

import type { Runtime } from "./runtime/types.ts";

/** Environment marker of the daemon child; removed before children are spawned. */
export const DAEMON_CHILD_ENV = "SUPERVISOR_TS_DAEMON_CHILD";

const READY_LINE = "supervisord-ready\n";

/** True when this process is the re-executed daemon child. */
export function isDaemonChild(env: Readonly<Record<string, string>>): boolean {
  return env[DAEMON_CHILD_ENV] === "1";
}

/** `env` without the daemon marker. */
export function stripDaemonMarker(env: Record<string, string>): Record<string, string> {
  const { [DAEMON_CHILD_ENV]: _, ...rest } = env;
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
export async function daemonizeParent(rt: Runtime): Promise<number> {
  const [command, ...prefix] = rt.selfCommand;
  const child = rt.spawn({
    path: command!,
    argv: [command!, ...prefix, ...rt.args],
    env: { ...rt.env(), [DAEMON_CHILD_ENV]: "1" },
    cwd: rt.cwd(),
    stdin: "null",
    stdout: "pipe",
    stderr: "pipe",
  });
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
