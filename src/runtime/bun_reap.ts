/**
 * Bun adapter, orphan reaping (see _orphans.ts): zombies among this
 * process's children that `bunSpawn` did not start are waited for by pid
 * with libc `waitpid` through `bun:ffi` (bun_libc.ts). Without FFI nothing
 * is reaped.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.waitpid`).
 * @module
 */

import fs from "node:fs";
import nodeProcess from "node:process";
import type { ExitStatus } from "./types.ts";
import { type ProcReader, reapOrphans, SpawnedPids } from "./_orphans.ts";
import { bunPlatform, openBunLibc } from "./bun_libc.ts";

/** Children started by `bunSpawn` that have not exited yet. */
export const bunSpawned = new SpawnedPids();

const WNOHANG = 1;

type WaitpidFn = (pid: number, status: Int32Array, options: number) => number;

let waitpid: WaitpidFn | null | undefined;

function openWaitpid(): typeof waitpid {
  if (waitpid !== undefined) return waitpid;
  if (bunPlatform.procRoot === null) return waitpid = null;
  const lib = openBunLibc({ waitpid: { args: ["i32", "ptr", "i32"], returns: "i32" } });
  waitpid = (lib?.symbols["waitpid"] as unknown as WaitpidFn | undefined) ?? null;
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
