/**
 * Bun adapter, system log (see _syslog.ts): libc `openlog`/`syslog`
 * through `bun:ffi` (loaded lazily, so Deno can type-check this file; works
 * in `bun build --compile` binaries). Without FFI nothing is sent.
 *
 * Python counterpart: the `syslog` module (`syslog.syslog`).
 * @module
 */

import nodeProcess from "node:process";
import { cString, LOG_INFO, LOG_USER, SYSLOG_IDENT, syslogFormat } from "./_syslog.ts";
import { ffiPlatform } from "./_rlimit.ts";

/** The slice of `bun:ffi` used here. */
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
}

interface Libc {
  openlog(ident: Uint8Array, option: number, facility: number): void;
  syslog(priority: number, format: Uint8Array): void;
}

/** openlog keeps the ident pointer: the buffer lives as long as the process. */
const IDENT = cString(SYSLOG_IDENT);
let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (!ffiPlatform(nodeProcess.platform, nodeProcess.arch)) return libc;
  try {
    const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
    const { symbols } = ffi.dlopen("libc.so.6", {
      openlog: { args: ["ptr", "i32", "i32"], returns: "void" },
      syslog: { args: ["i32", "ptr"], returns: "void" },
    });
    const lib = symbols as unknown as Libc;
    lib.openlog(IDENT, 0, LOG_USER);
    libc = lib;
  } catch {
    libc = null;
  }
  return libc;
}

/** `Runtime.syslog` on Bun. */
export function bunSyslog(message: string): void {
  const lib = openLibc();
  const format = syslogFormat(message);
  if (lib !== null && format !== null) lib.syslog(LOG_INFO, format);
}
