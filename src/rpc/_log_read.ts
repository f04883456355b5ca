/**
 * Reading log files for the RPC methods: supervisord's `readFile` (a slice
 * by offset and length, negative offsets from the end) and `tailFile` (the
 * end of a file from where a follower stopped, with an overflow flag), plus
 * Python's `int()` of a parameter and the decoding of log bytes into reply
 * text.
 *
 * Logs are read through a {@linkcode LogSource} (`stat` for the size,
 * `readRange` for the bytes): a file, or a channel's in-memory ring in
 * container mode; a read never asks for more bytes than the log holds, so
 * a client's huge `length` costs nothing.
 *
 * Log text (SURFACE XMLRPC.badtext, decision in §11.1): supervisord decodes
 * strictly and answers HTTP 500 for bytes that are not UTF-8 (also for a
 * character cut by the requested offset). Here invalid bytes become U+FFFD;
 * characters XML forbids are replaced by the codec (`escapeXmlText`). A
 * leading byte order mark is kept, as Python keeps it.
 *
 * Python counterpart: supervisor/options.py (`readFile`, `tailFile`) and
 * `as_string` in supervisor/compat.py.
 * @module
 */

import { integer } from "../config/datatypes.ts";
import type { LogSource } from "../logging/log_source.ts";
import type { FileSystem } from "../runtime/types.ts";
import { Faults, RpcError } from "./faults.ts";
import { Double, pyTypeName, type XmlRpcValue } from "./xmlrpc_value.ts";

const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Log bytes as reply text: UTF-8, invalid sequences replaced by U+FFFD. */
export function decodeLogText(data: Uint8Array): string {
  return lenientUtf8.decode(data);
}

/**
 * Python `int(value)` of a decoded XML-RPC parameter: integers as they are,
 * doubles truncated, booleans 0/1, numeric strings parsed as Python does.
 * Anything else throws a plain error (not a fault), so the request gets
 * supervisord's HTTP 500 (SURFACE XMLRPC.500).
 */
export function pyInt(value: XmlRpcValue | undefined): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`cannot convert float ${value} to integer`);
    return Math.trunc(value);
  }
  if (value instanceof Double) return pyInt(value.value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") return integer(value);
  throw new TypeError(`int() argument must be a string or a real number, not '${pyTypeName(value)}'`);
}

/** Python `os.path.exists`: false for any failure to stat. */
export async function exists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)) !== null;
  } catch {
    return false;
  }
}

/** The log's size; throws when it cannot be stat'ed (gone, no permission). */
async function sizeOf(log: LogSource): Promise<number> {
  const info = await log.stat();
  if (info === null) throw new Error("stat: No such file or directory");
  return info.size;
}

/**
 * Python `readFile`: `length` bytes from `offset`; `length` 0 reads to the
 * end; a negative `offset` means the last `-offset` bytes (then `length`
 * must be 0); past the end gives nothing.
 *
 * @throws {RpcError} BAD_ARGUMENTS for a negative offset with a non-zero
 *   length or a negative length; FAILED when the file cannot be read
 *   (checked first, as Python opens the file before looking at the
 *   arguments).
 */
export async function readFile(log: LogSource, offset: number, length: number): Promise<Uint8Array> {
  const bad = (offset < 0 && length !== 0) || (offset >= 0 && length < 0);
  try {
    if (bad) await log.readRange(0, 0);
    else {
      const size = await sizeOf(log);
      const start = offset < 0 ? Math.max(0, size + offset) : offset;
      const wanted = offset < 0 || length === 0 ? size - start : length;
      return await log.readRange(start, Math.max(0, Math.min(wanted, size - start)));
    }
  } catch {
    throw new RpcError(Faults.FAILED);
  }
  throw new RpcError(Faults.BAD_ARGUMENTS);
}

/** What `tailProcess*Log` returns: the text, the file size (next offset), and whether bytes were skipped. */
export type TailResult = [text: string, offset: number, overflow: boolean];

/**
 * Python `tailFile`: at most `length` bytes ending at the end of the file,
 * unless the caller's `offset` is already there. When the file holds more
 * than `offset + length` bytes the overflow flag is set and the read moves
 * to the end. Never faults: an unreadable file gives `['', offset, false]`.
 */
export async function tailFile(log: LogSource, offset: number, length: number): Promise<TailResult> {
  try {
    const size = await sizeOf(log);
    let at = offset;
    let len = length;
    let overflow = false;
    if (size > at + len) {
      overflow = true;
      at = size - 1;
    }
    if (at + len > size) {
      if (at > size - 1) len = 0;
      at = size - len;
    }
    at = Math.max(0, at);
    len = Math.max(0, len);
    // Always read (even 0 bytes): an unreadable file is an error, as Python's open() fails.
    const data = await log.readRange(at, Math.min(len, Math.max(0, size - at)));
    return [decodeLogText(data), size, overflow];
  } catch {
    return ["", offset, false];
  }
}
