/**
 * Bun adapter, system log (see _syslog.ts): libc `openlog`/`syslog`
 * through `bun:ffi` (bun_libc.ts). Without FFI nothing is sent.
 *
 * Python counterpart: the `syslog` module (`syslog.syslog`).
 * @module
 */

import { cString, LOG_INFO, LOG_USER, SYSLOG_IDENT, syslogFormat } from "./_syslog.ts";
import { openBunLibc } from "./bun_libc.ts";

interface Libc {
  openlog(ident: Uint8Array, option: number, facility: number): void;
  syslog(priority: number, format: Uint8Array): void;
}

/** openlog keeps the ident pointer: the buffer lives as long as the process. */
const IDENT = cString(SYSLOG_IDENT);
let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  const opened = openBunLibc({
    openlog: { args: ["ptr", "i32", "i32"], returns: "void" },
    syslog: { args: ["i32", "ptr"], returns: "void" },
  });
  if (opened === null) return libc = null;
  const lib = opened.symbols as unknown as Libc;
  lib.openlog(IDENT, 0, LOG_USER);
  return libc = lib;
}

/** `Runtime.syslog` on Bun. */
export function bunSyslog(message: string): void {
  const lib = openLibc();
  const format = syslogFormat(message);
  if (lib !== null && format !== null) lib.syslog(LOG_INFO, format);
}
