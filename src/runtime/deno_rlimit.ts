/**
 * Deno adapter, resource limits: getrlimit(2)/setrlimit(2) from libc
 * (deno_libc.ts) through `Deno.dlopen` (needs `--allow-ffi`, included in `-A`); the errno
 * of a failed call is read at once from `__errno_location()`. Where FFI is
 * not available (no permission, another libc or platform), limits are read
 * from /proc/self/limits and set by running util-linux
 * `prlimit --pid <own pid>`.
 *
 * Python counterpart: the `resource` module (`getrlimit`, `setrlimit`) as
 * supervisor/options.py (`set_rlimits_or_exit`) uses it.
 * @module
 */

import type { Rlimit, RlimitResource } from "./types.ts";
import { errnoName, RuntimeError } from "./errors.ts";
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
import { numberToRlim, rlimToNumber } from "./_platform.ts";
import { denoPlatform, ERRNO_SYMBOL, openDenoLibc } from "./deno_libc.ts";

const SYMBOLS = {
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  __errno_location: ERRNO_SYMBOL,
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;

/** libc's rlimit functions, opened once; null when FFI cannot reach them. */
function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = denoPlatform.rlimitNumbers === null ? null : openDenoLibc(SYMBOLS);
  return libc;
}

function ffiGet(lib: Libc, resource: RlimitResource): Rlimit | null {
  const buf = new BigUint64Array(2);
  if (lib.getrlimit(resourceNumber(resource), buf) !== 0) return null;
  return { soft: rlimToNumber(denoPlatform, buf[0]!), hard: rlimToNumber(denoPlatform, buf[1]!) };
}

function ffiSet(lib: Libc, resource: RlimitResource, soft: number, hard: number): void {
  const buf = new BigUint64Array([numberToRlim(denoPlatform, soft), numberToRlim(denoPlatform, hard)]);
  if (lib.setrlimit(resourceNumber(resource), buf) === 0) return;
  const where = lib.__errno_location();
  const errno = where === null ? 0 : new Deno.UnsafePointerView(where).getInt32();
  throw setRlimitError(resource, soft, hard, errnoName(errno) ?? "EPERM");
}

function resourceNumber(resource: RlimitResource): number {
  return denoPlatform.rlimitNumbers![resource];
}

function procGet(resource: RlimitResource): Rlimit | null {
  if (denoPlatform.selfLimits === null) return null;
  try {
    return parseProcLimits(Deno.readTextFileSync(denoPlatform.selfLimits), resource);
  } catch {
    return null;
  }
}

function prlimitSet(resource: RlimitResource, soft: number, hard: number): void {
  if (denoPlatform.prlimit === null) {
    throw new RuntimeError(`setrlimit ${RESOURCES[resource].name}: not available on ${denoPlatform.os}`, "ENOSYS");
  }
  let out: Deno.CommandOutput;
  try {
    const args = prlimitArgs(Deno.pid, resource, soft, hard);
    out = new Deno.Command(denoPlatform.prlimit, { args, stdin: "null", stdout: "null", stderr: "piped" }).outputSync();
  } catch (e) {
    throw new RuntimeError(`setrlimit ${RESOURCES[resource].name}: cannot run ${denoPlatform.prlimit}`, "ENOSYS", {
      cause: e,
    });
  }
  if (!out.success) throw setRlimitError(resource, soft, hard, prlimitErrnoCode(new TextDecoder().decode(out.stderr)));
}

/**
 * The resource-limit methods of the Deno Runtime.
 *
 * @param mechanism "ffi" (the default) uses libc and falls back to
 *   "prlimit" when FFI is unavailable; "prlimit" forces the fallback.
 */
export function denoRlimits(mechanism: RlimitMechanism = "ffi"): RlimitFunctions {
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
