/**
 * Bun adapter, libc through `bun:ffi`: the one place that opens libc.so.6
 * for the Bun adapter's system calls (waitpid, getrlimit/setrlimit, syslog,
 * pipe2/fcntl/close). `bun:ffi` is loaded lazily with `import.meta.require`,
 * so Deno can import and type-check the files that use it, and it works in
 * `bun build --compile` binaries. Where FFI cannot reach libc (another
 * platform or libc, a failed dlopen) the callers fall back or do without.
 *
 * Python counterpart: none (Python calls these through its `os`,
 * `resource` and `syslog` modules).
 * @module
 */

import nodeProcess from "node:process";
import { ffiPlatform } from "./_rlimit.ts";

/** A C function declaration as `bun:ffi` takes it. */
export interface FfiDeclaration {
  args: string[];
  returns: string;
}

/** The slice of `bun:ffi` used by the adapter. */
interface BunFfi {
  dlopen(path: string, symbols: Record<string, FfiDeclaration>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
  read: { i32(ptr: number, offset: number): number };
}

/** Functions opened from libc, plus the calling thread's `errno`. */
export interface BunLibc {
  readonly symbols: Record<string, (...args: unknown[]) => unknown>;
  /** `errno` as the last failed call left it; read it at once after the call. */
  errno(): number;
}

/**
 * Opens `declarations` from libc.so.6 (with `__errno_location` added).
 *
 * @returns The functions, or null where FFI cannot reach libc.
 */
export function openBunLibc(declarations: Record<string, FfiDeclaration>): BunLibc | null {
  if (!ffiPlatform(nodeProcess.platform, nodeProcess.arch)) return null;
  try {
    const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
    const { symbols } = ffi.dlopen("libc.so.6", {
      ...declarations,
      __errno_location: { args: [], returns: "ptr" },
    });
    return {
      symbols,
      errno: () => {
        const where = symbols.__errno_location!() as number | null;
        return where === null || where === 0 ? 0 : ffi.read.i32(where, 0);
      },
    };
  } catch {
    return null;
  }
}
