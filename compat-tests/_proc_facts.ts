/**
 * Facts about live processes and sockets for the daemon differential tests,
 * read from /proc and `ss`: session and process group, umask, liveness,
 * listening addresses, TIME-WAIT connections; plus waiting for a condition
 * and stopping a daemon by pid without touching anything else.
 *
 * Python counterpart: none (test support).
 * @module
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { killTree } from "./_ctl_process.ts";

/** Process group and session of `pid` (fields 5 and 6 of /proc/<pid>/stat). */
export function statOf(pid: number): { pgrp: number; session: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pgrp: Number(fields[2]), session: Number(fields[3]) };
}

export function umaskOf(pid: number): string {
  return /^Umask:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "?";
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export async function waitUntil(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Main-log lines without timestamps, with the temp dir masked. */
export function logLines(text: string, tmp: string): string[] {
  return text.split("\n").filter((l) => l !== "").map((l) =>
    l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, "").replaceAll(tmp, "<TMP>")
  );
}

/** Stops a daemon by pid (SIGTERM, generous wait), then kills whatever of its tree is left. */
export async function stopDaemon(pid: number, timeoutMs = 20_000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch { /* gone */ }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) killTree(pid);
}

/** A child of supervisord that must not survive the test (it sits in its own process group). */
export function killChild(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch { /* gone */ }
}

/** Listening sockets on `ports` as `ss` shows them: local address with the port masked. */
export function listening(ports: readonly number[]): string[] {
  const out = spawnSync("ss", ["-Hltn"], { encoding: "utf8" }).stdout;
  const found: string[] = [];
  for (const line of out.split("\n")) {
    const local = line.trim().split(/\s+/)[3] ?? "";
    const i = ports.findIndex((p) => local.endsWith(`:${p}`));
    if (i >= 0) found.push(`${local.slice(0, local.lastIndexOf(":"))}:<P${i}>`);
  }
  return found.sort();
}

/** True when a connection on `port` is in TIME-WAIT (left by a server that closed first). */
export function timeWait(port: number): boolean {
  const out = spawnSync("ss", ["-Htan", "state", "time-wait"], { encoding: "utf8" }).stdout;
  return out.split("\n").some((l) => (l.trim().split(/\s+/)[2] ?? "").endsWith(`:${port}`));
}
