/**
 * System log, the part both adapters share: the message is passed to libc
 * `syslog(3)` as its format string with every `%` doubled, which sends the
 * same text as Python's `syslog.syslog(msg)` (`syslog(LOG_INFO, "%s",
 * msg)`) without a variadic call through FFI. The log is opened once with
 * Python's defaults for supervisord: ident `supervisord` (the basename of
 * its argv[0]), no options, facility LOG_USER.
 *
 * Python counterpart: the `syslog` module as supervisor/loggers.py
 * (`SyslogHandler`) uses it.
 * @module
 */

/** LOG_USER, the facility Python's syslog module opens with. */
export const LOG_USER = 8;
/** LOG_INFO, the priority of `syslog.syslog(msg)`. */
export const LOG_INFO = 6;
/** The ident Python's syslog module takes from supervisord's argv[0]. */
export const SYSLOG_IDENT = "supervisord";

const encoder = new TextEncoder();

/** `text` as a NUL-terminated C string. */
export function cString(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * The format string that makes syslog(3) send `message` unchanged: `%`
 * doubled, and cut at a NUL (Python refuses such a message).
 */
export function syslogFormat(message: string): Uint8Array | null {
  if (message.includes("\0")) return null;
  return cString(message.replaceAll("%", "%%"));
}
