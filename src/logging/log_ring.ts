/**
 * A channel's log kept in memory (container mode, EXTENSIONS.md §1): the
 * last bytes of output in a fixed ring (1 MiB by default), addressed like a
 * file that only grows, so `tail`, `readProcessLog`, `/logtail` and the web
 * UI read it by offset as they read a log file. Offsets older than the ring
 * holds are gone: a read returns the part that is still kept. Clearing it
 * (RPC `clearProcessLogs`) starts a new "file": size 0 and a new
 * generation, which followers see as a replaced file.
 *
 * Python counterpart: supervisor/loggers.py (`BoundIO`, the bounded buffer
 * behind capture mode) as the model of a bounded in-memory log.
 * @module
 */

/** The default capacity: 1 MiB. */
export const LOG_RING_BYTES = 1024 * 1024;

/** A bounded in-memory log; see the module documentation. */
export class LogRing {
  readonly #buf: Uint8Array;
  #size = 0;
  #generation = 1;
  #mtime: number;
  readonly #now: () => number;

  /**
   * @param now Wall-clock ms (the log's modification time).
   * @param capacity Bytes kept.
   */
  constructor(now: () => number, capacity = LOG_RING_BYTES) {
    this.#buf = new Uint8Array(capacity);
    this.#now = now;
    this.#mtime = now();
  }

  /** Bytes written since the last clear: the log's size as a file would report it. */
  get size(): number {
    return this.#size;
  }

  /** Changes at every clear, as a recreated file gets a new inode. */
  get generation(): number {
    return this.#generation;
  }

  /** Wall-clock ms of the last write or clear. */
  get mtime(): number {
    return this.#mtime;
  }

  /** Appends `data` (copied), dropping the oldest bytes beyond the capacity. */
  write(data: Uint8Array): void {
    const cap = this.#buf.length;
    const keep = data.length > cap ? data.subarray(data.length - cap) : data;
    this.#size += data.length - keep.length;
    const at = this.#size % cap;
    const first = Math.min(keep.length, cap - at);
    this.#buf.set(keep.subarray(0, first), at);
    if (first < keep.length) this.#buf.set(keep.subarray(first), 0);
    this.#size += keep.length;
    this.#mtime = this.#now();
  }

  /** The kept bytes of `[offset, offset + length)`. */
  read(offset: number, length: number): Uint8Array {
    const cap = this.#buf.length;
    const lo = Math.max(offset, this.#size - cap, 0);
    const hi = Math.min(offset + length, this.#size);
    if (hi <= lo) return new Uint8Array(0);
    const out = new Uint8Array(hi - lo);
    const at = lo % cap;
    const first = Math.min(out.length, cap - at);
    out.set(this.#buf.subarray(at, at + first));
    if (first < out.length) out.set(this.#buf.subarray(0, out.length - first), first);
    return out;
  }

  /** Forgets everything: size 0, a new generation. */
  clear(): void {
    this.#size = 0;
    this.#generation++;
    this.#mtime = this.#now();
  }
}
