/**
 * Bun adapter, libc through `bun:ffi`: the one place that opens the C
 * library (the names _platform.ts gives for this platform, tried in order)
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
import { type PlatformProfile, platformProfile } from "./_platform.ts";

/** This host's platform choices. */
export const bunPlatform: PlatformProfile = platformProfile(nodeProcess.platform, nodeProcess.arch);

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

let opened: string | null | undefined;

/** The C library name FFI opened on this host, or null when none did. */
export function bunLibcName(): string | null {
  if (opened === undefined) openBunLibc({});
  return opened ?? null;
}

/**
 * Opens `declarations` from the platform's C library (with its errno
 * function added), trying each of the platform's names.
 *
 * @returns The functions, or null where FFI cannot reach libc.
 */
export function openBunLibc(declarations: Record<string, FfiDeclaration>): BunLibc | null {
  let ffi: BunFfi;
  try {
    ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
  } catch {
    opened = null;
    return null;
  }
  const errnoSymbol = bunPlatform.errnoSymbol;
  for (const name of opened ? [opened] : bunPlatform.libcNames) {
    try {
      const { symbols } = ffi.dlopen(name, { ...declarations, [errnoSymbol]: { args: [], returns: "ptr" } });
      opened = name;
      return {
        symbols,
        errno: () => {
          const where = symbols[errnoSymbol]!() as number | null;
          return where === null || where === 0 ? 0 : ffi.read.i32(where, 0);
        },
      };
    } catch {
      // the next name
    }
  }
  opened ??= null;
  return null;
}

let isattyFn: ((fd: number) => boolean) | undefined;

/**
 * isatty(3) through libc, so the daemon does not load node:tty (about
 * 2 MiB of resident memory) just to ask; node:tty where FFI cannot reach
 * libc.
 */
export function bunIsatty(fd: number): boolean {
  if (isattyFn === undefined) {
    const lib = openBunLibc({ isatty: { args: ["i32"], returns: "i32" } });
    isattyFn = lib === null
      ? (import.meta as unknown as { require(id: string): { isatty(fd: number): boolean } }).require("node:tty").isatty
      : (n) => lib.symbols.isatty!(n) === 1;
  }
  return isattyFn(fd);
}
