/**
 * A process channel's log as the readers see it (RPC `readProcessLog` and
 * `tailProcessLog`, `/logtail`, the web UI's tail): its log file, or, for a
 * channel without a file in container mode, its in-memory {@linkcode
 * LogRing}. Both answer `stat` (size, and an identity that changes when the
 * log is replaced) and `readRange`, the two calls the readers make.
 *
 * Python counterpart: supervisor/options.py (`readFile`, `tailFile` read
 * log files by path); the ring is an extension.
 * @module
 */

import type { FileSystem } from "../runtime/types.ts";
import type { LogRing } from "./log_ring.ts";
import type { Channel, ChildOutput } from "./types.ts";

/** What a reader learns of a log: as `FileSystem.stat` reports a file. */
export interface LogStat {
  isFile: boolean;
  size: number;
  /** With `dev`, identifies the log: a new value means a new log (rotated, cleared). */
  ino: number;
  dev: number;
  /** Wall-clock ms of the last change. */
  mtime: number;
}

/** A log read by offset. */
export interface LogSource {
  /** The size and identity now; null when the log does not exist. Rejects when it cannot be read. */
  stat(): Promise<LogStat | null>;
  /** Up to `length` bytes from `offset`. Rejects when the log cannot be read. */
  readRange(offset: number, length: number): Promise<Uint8Array>;
}

/** A log file at `path`. */
export function fileLogSource(fs: FileSystem, path: string): LogSource {
  return { stat: () => fs.stat(path), readRange: (offset, length) => fs.readRange(path, offset, length) };
}

/** An in-memory log. */
export function ringLogSource(ring: LogRing): LogSource {
  return {
    stat: () => Promise.resolve({ isFile: true, size: ring.size, ino: ring.generation, dev: -1, mtime: ring.mtime }),
    readRange: (offset, length) => Promise.resolve(ring.read(offset, length)),
  };
}

/**
 * A process channel's log: its file when it has one, else its ring (in
 * container mode), else null (no log: Python's NO_FILE).
 */
export function processLogSource(fs: FileSystem, output: ChildOutput | null, channel: Channel): LogSource | null {
  if (output === null) return null;
  const path = output.logfile(channel);
  if (path !== "") return fileLogSource(fs, path);
  const ring = output.memoryLog?.(channel) ?? null;
  return ring === null ? null : ringLogSource(ring);
}
