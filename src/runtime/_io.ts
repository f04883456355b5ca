/**
 * Small synchronous I/O helpers shared by the adapters: write a whole buffer
 * through a `write(2)`-like function, surviving partial writes and EAGAIN on
 * a non-blocking descriptor (Bun makes fd 1 non-blocking once `process.stdout`
 * is touched).
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.write`, a plain
 * `os.write`), which relies on blocking descriptors.
 * @module
 */

import { errnoCodeOf } from "./_map_error.ts";

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Calls `writeOnce` until all of `data` is written. EAGAIN waits 1 ms and
 * retries; other errors propagate.
 *
 * @param writeOnce Writes a prefix of its argument and returns the count.
 * @param data The bytes to write.
 */
export function writeAllSync(writeOnce: (chunk: Uint8Array) => number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeOnce(data.subarray(offset));
    } catch (e) {
      if (errnoCodeOf(e) !== "EAGAIN" && (e as { name?: unknown }).name !== "WouldBlock") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `data` (bytes pass through). */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** The first NUL-separated field of a /proc/<pid>/cmdline image (argv[0]). */
export function argv0FromCmdline(cmdline: Uint8Array): string | undefined {
  const end = cmdline.indexOf(0);
  const first = new TextDecoder().decode(end === -1 ? cmdline : cmdline.subarray(0, end));
  return first === "" ? undefined : first;
}

const S_IFMT = 0o170000;
const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;
const S_IFSOCK = 0o140000;

/**
 * Whether an open file can seek, from its `st_mode`: pipes and sockets
 * cannot, nor can a character device that is a terminal (`/dev/null` can).
 *
 * @param mode The file's `st_mode`.
 * @param isTerminal Asked only for a character device.
 */
export function seekable(mode: number, isTerminal: () => boolean): boolean {
  const type = mode & S_IFMT;
  if (type === S_IFIFO || type === S_IFSOCK) return false;
  return type !== S_IFCHR || !isTerminal();
}
