/**
 * Deno adapter, system log (see _syslog.ts): libc `openlog`/`syslog`
 * through `Deno.dlopen` (needs `--allow-ffi`, included in `-A`). Without FFI
 * nothing is sent.
 *
 * Python counterpart: the `syslog` module (`syslog.syslog`).
 * @module
 */

import { cString, LOG_INFO, LOG_USER, SYSLOG_IDENT, syslogFormat } from "./_syslog.ts";
import { openDenoLibc } from "./deno_libc.ts";

const SYMBOLS = {
  openlog: { parameters: ["buffer", "i32", "i32"], result: "void" },
  syslog: { parameters: ["i32", "buffer"], result: "void" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** openlog keeps the ident pointer: the buffer lives as long as the process. */
const IDENT = cString(SYSLOG_IDENT);
let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = openDenoLibc(SYMBOLS);
  libc?.openlog(IDENT, 0, LOG_USER);
  return libc;
}

/** `Runtime.syslog` on Deno. */
export function denoSyslog(message: string): void {
  const lib = openLibc();
  const format = syslogFormat(message);
  if (lib !== null && format !== null) lib.syslog(LOG_INFO, format);
}
