/**
 * Deno adapter, resource limits: getrlimit(2)/setrlimit(2) from libc.so.6
 * through `Deno.dlopen` (needs `--allow-ffi`, included in `-A`); the errno
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
  ffiPlatform,
  fromRlim,
  parseProcLimits,
  prlimitArgs,
  prlimitErrnoCode,
  RESOURCES,
  type RlimitFunctions,
  type RlimitMechanism,
  setRlimitError,
  toRlim,
} from "./_rlimit.ts";

const SYMBOLS = {
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;

/** libc's rlimit functions, opened once; null when FFI cannot reach them. */
function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (!ffiPlatform(Deno.build.os, Deno.build.arch)) return libc;
  try {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch {
    libc = null;
  }
  return libc;
}

function ffiGet(lib: Libc, resource: RlimitResource): Rlimit | null {
  const buf = new BigUint64Array(2);
  if (lib.getrlimit(RESOURCES[resource].number, buf) !== 0) return null;
  return { soft: fromRlim(buf[0]!), hard: fromRlim(buf[1]!) };
}

function ffiSet(lib: Libc, resource: RlimitResource, soft: number, hard: number): void {
  const buf = new BigUint64Array([toRlim(soft), toRlim(hard)]);
  if (lib.setrlimit(RESOURCES[resource].number, buf) === 0) return;
  const where = lib.__errno_location();
  const errno = where === null ? 0 : new Deno.UnsafePointerView(where).getInt32();
  throw setRlimitError(resource, soft, hard, errnoName(errno) ?? "EPERM");
}

function procGet(resource: RlimitResource): Rlimit | null {
  try {
    return parseProcLimits(Deno.readTextFileSync("/proc/self/limits"), resource);
  } catch {
    return null;
  }
}

function prlimitSet(resource: RlimitResource, soft: number, hard: number): void {
  let out: Deno.CommandOutput;
  try {
    const args = prlimitArgs(Deno.pid, resource, soft, hard);
    out = new Deno.Command("prlimit", { args, stdin: "null", stdout: "null", stderr: "piped" }).outputSync();
  } catch (e) {
    throw new RuntimeError(`setrlimit ${RESOURCES[resource].name}: cannot run prlimit`, "ENOSYS", { cause: e });
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
