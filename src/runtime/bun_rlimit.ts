/**
 * Bun adapter, resource limits: getrlimit(2)/setrlimit(2) from libc
 * through `bun:ffi` (bun_libc.ts); the errno of a failed call is read at once from
 * `__errno_location()`. Where FFI is not available, limits are read from
 * /proc/self/limits and set by running util-linux `prlimit --pid <own pid>`.
 *
 * Python counterpart: the `resource` module (`getrlimit`, `setrlimit`) as
 * supervisor/options.py (`set_rlimits_or_exit`) uses it.
 * @module
 */

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import nodeProcess from "node:process";
import type { Rlimit, RlimitResource } from "./types.ts";
import { errnoName, RuntimeError } from "./errors.ts";
import { bunPlatform, openBunLibc } from "./bun_libc.ts";
import { numberToRlim, rlimToNumber } from "./_platform.ts";
import {
  checkRlimitArgs,
  parseProcLimits,
  prlimitArgs,
  prlimitErrnoCode,
  RESOURCES,
  type RlimitFunctions,
  type RlimitMechanism,
  setRlimitError,
} from "./_rlimit.ts";

interface Libc {
  getrlimit(resource: number, buf: BigUint64Array): number;
  setrlimit(resource: number, buf: BigUint64Array): number;
  errno(): number;
}

let libc: Libc | null | undefined;

/** libc's rlimit functions, opened once; null when FFI cannot reach them. */
function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  if (bunPlatform.rlimitNumbers === null) return libc = null;
  const lib = openBunLibc({
    getrlimit: { args: ["i32", "ptr"], returns: "i32" },
    setrlimit: { args: ["i32", "ptr"], returns: "i32" },
  });
  libc = lib === null ? null : {
    getrlimit: (r, buf) => lib.symbols.getrlimit!(r, buf) as number,
    setrlimit: (r, buf) => lib.symbols.setrlimit!(r, buf) as number,
    errno: lib.errno,
  };
  return libc;
}

function ffiGet(lib: Libc, resource: RlimitResource): Rlimit | null {
  const buf = new BigUint64Array(2);
  if (lib.getrlimit(resourceNumber(resource), buf) !== 0) return null;
  return { soft: rlimToNumber(bunPlatform, buf[0]!), hard: rlimToNumber(bunPlatform, buf[1]!) };
}

function ffiSet(lib: Libc, resource: RlimitResource, soft: number, hard: number): void {
  const buf = new BigUint64Array([numberToRlim(bunPlatform, soft), numberToRlim(bunPlatform, hard)]);
  if (lib.setrlimit(resourceNumber(resource), buf) === 0) return;
  throw setRlimitError(resource, soft, hard, errnoName(lib.errno()) ?? "EPERM");
}

function resourceNumber(resource: RlimitResource): number {
  return bunPlatform.rlimitNumbers![resource];
}

function procGet(resource: RlimitResource): Rlimit | null {
  if (bunPlatform.selfLimits === null) return null;
  try {
    return parseProcLimits(fs.readFileSync(bunPlatform.selfLimits, "utf8"), resource);
  } catch {
    return null;
  }
}

function prlimitSet(resource: RlimitResource, soft: number, hard: number): void {
  if (bunPlatform.prlimit === null) {
    throw new RuntimeError(`setrlimit ${RESOURCES[resource].name}: not available on ${bunPlatform.os}`, "ENOSYS");
  }
  const args = prlimitArgs(nodeProcess.pid, resource, soft, hard);
  const out = spawnSync(bunPlatform.prlimit, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (out.error !== undefined) {
    throw new RuntimeError(`setrlimit ${RESOURCES[resource].name}: cannot run ${bunPlatform.prlimit}`, "ENOSYS", {
      cause: out.error,
    });
  }
  if (out.status !== 0) throw setRlimitError(resource, soft, hard, prlimitErrnoCode(out.stderr ?? ""));
}

/**
 * The resource-limit methods of the Bun Runtime.
 *
 * @param mechanism "ffi" (the default) uses libc and falls back to
 *   "prlimit" when FFI is unavailable; "prlimit" forces the fallback.
 */
export function bunRlimits(mechanism: RlimitMechanism = "ffi"): RlimitFunctions {
  const lib = () => (mechanism === "ffi" ? openLibc() : null);
  return {
    getRlimit(resource) {
      const l = lib();
      return l !== null ? ffiGet(l, resource) : procGet(resource);
    },
    setRlimit(resource, soft, hard) {
      checkRlimitArgs(resource, soft, hard);
      const l = lib();
      if (l !== null) ffiSet(l, resource, soft, hard);
      else prlimitSet(resource, soft, hard);
    },
  };
}
