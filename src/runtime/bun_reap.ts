/**
 * Bun adapter, orphan reaping (see _orphans.ts): zombies among this
 * process's children that `bunSpawn` did not start are waited for by pid
 * with libc `waitpid` through `bun:ffi` (loaded lazily, so Deno can
 * type-check this file; works in `bun build --compile` binaries). Without
 * FFI nothing is reaped.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.waitpid`).
 * @module
 */

import fs from "node:fs";
import nodeProcess from "node:process";
import type { ExitStatus } from "./types.ts";
import { type ProcReader, reapOrphans, SpawnedPids } from "./_orphans.ts";
import { ffiPlatform } from "./_rlimit.ts";

/** Children started by `bunSpawn` that have not exited yet. */
export const bunSpawned = new SpawnedPids();

/** The slice of `bun:ffi` used here. */
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
}

const WNOHANG = 1;

type WaitpidFn = (pid: number, status: Int32Array, options: number) => number;

let waitpid: WaitpidFn | null | undefined;

function openWaitpid(): typeof waitpid {
  if (waitpid !== undefined) return waitpid;
  waitpid = null;
  if (!ffiPlatform(nodeProcess.platform, nodeProcess.arch)) return waitpid;
  try {
    const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
    const { symbols } = ffi.dlopen("libc.so.6", { waitpid: { args: ["i32", "ptr", "i32"], returns: "i32" } });
    waitpid = (symbols["waitpid"] as unknown as WaitpidFn | undefined) ?? null;
  } catch {
    waitpid = null;
  }
  return waitpid;
}

const proc: ProcReader = {
  readText(path) {
    try {
      return fs.readFileSync(path, "utf8");
    } catch {
      return null;
    }
  },
  listDir(path) {
    try {
      return fs.readdirSync(path);
    } catch {
      return null;
    }
  },
};

/** `Runtime.reapOrphans` on Bun. */
export function bunReapOrphans(): Array<{ pid: number; status: ExitStatus }> {
  const fn = openWaitpid();
  if (fn === null || fn === undefined) return [];
  const status = new Int32Array(1);
  return reapOrphans(
    proc,
    nodeProcess.pid,
    bunSpawned,
    (pid) => (fn(pid, status, WNOHANG) === pid ? status[0]! : null),
  );
}
