/**
 * Deno adapter, orphan reaping (see _orphans.ts): zombies among this
 * process's children that `denoSpawn` did not start are waited for by pid
 * with libc `waitpid` through `Deno.dlopen` (deno_libc.ts). Without FFI or
 * /proc (macOS) nothing is reaped.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.waitpid`).
 * @module
 */

import type { ExitStatus } from "./types.ts";
import { type ProcReader, reapOrphans, SpawnedPids } from "./_orphans.ts";
import { denoPlatform, openDenoLibc } from "./deno_libc.ts";

/** Children started by `denoSpawn` that have not exited yet. */
export const denoSpawned = new SpawnedPids();

const SYMBOLS = { waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" } } as const;
const WNOHANG = 1;

let waitpid: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"]["waitpid"] | null | undefined;

function openWaitpid(): typeof waitpid {
  if (waitpid !== undefined) return waitpid;
  waitpid = null;
  if (denoPlatform.procRoot === null) return waitpid;
  waitpid = openDenoLibc(SYMBOLS)?.waitpid ?? null;
  return waitpid;
}

const proc: ProcReader = {
  readText(path) {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return null;
    }
  },
  listDir(path) {
    try {
      return [...Deno.readDirSync(path)].map((e) => e.name);
    } catch {
      return null;
    }
  },
};

/** `Runtime.reapOrphans` on Deno. */
export function denoReapOrphans(): Array<{ pid: number; status: ExitStatus }> {
  const fn = openWaitpid();
  if (fn === null || fn === undefined) return [];
  const status = new Int32Array(1);
  return reapOrphans(proc, Deno.pid, denoSpawned, (pid) => (fn(pid, status, WNOHANG) === pid ? status[0]! : null));
}
