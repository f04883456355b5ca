/**
 * Deno adapter, libc through `Deno.dlopen` (needs `--allow-ffi`, included
 * in `-A`): the one place that opens the C library for the Deno adapter's
 * system calls, trying the names _platform.ts gives for this platform in
 * order. Where none opens (no permission, another platform), callers fall
 * back or do without.
 *
 * Python counterpart: none (Python calls these through its `os`,
 * `resource` and `syslog` modules).
 * @module
 */

import { type PlatformProfile, platformProfile } from "./_platform.ts";

const hostBuild = (globalThis as { Deno?: { build?: { os: string; arch: string } } }).Deno?.build;

/**
 * This host's platform choices. The module is also evaluated where Deno is
 * absent (mod.ts re-exports both adapters, so Bun loads this file too, where
 * its test runner's `Deno` has no `build`); the profile is then Linux's and
 * nothing here is called.
 */
export const denoPlatform: PlatformProfile = platformProfile(hostBuild?.os ?? "linux", hostBuild?.arch ?? "x86_64");

/** The declaration of the platform's errno function, to add to a symbol table as `__errno_location`. */
export const ERRNO_SYMBOL = { name: denoPlatform.errnoSymbol, parameters: [], result: "pointer" } as const;

let opened: string | null | undefined;

/** The C library name FFI opened on this host, or null when none did. */
export function denoLibcName(): string | null {
  if (opened === undefined) openDenoLibc({ __errno_location: ERRNO_SYMBOL });
  return opened ?? null;
}

/**
 * Opens `symbols` from the platform's C library.
 *
 * @returns The functions, or null where FFI cannot reach libc.
 */
export function openDenoLibc<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] | null {
  for (const name of opened ? [opened] : denoPlatform.libcNames) {
    try {
      const lib = Deno.dlopen(name, symbols).symbols;
      opened = name;
      return lib;
    } catch {
      // the next name, or no FFI permission
    }
  }
  opened ??= null;
  return null;
}
