/**
 * Output buffers by size class, reused from one write to the next: the
 * runtime adapters copy bytes the kernel has not taken yet into one of
 * these instead of a new allocation per write. Pure.
 *
 * Python counterpart: none (Python's asynchat keeps one output buffer per
 * channel, `ac_out_buffer`).
 * @module
 */

/** Buffers up to this size are reused. */
export const POOLED_MAX = 1024 * 1024;
/** The pool keeps at most this many bytes of buffers for reuse. */
export const POOL_BYTES = 2 * 1024 * 1024;

/**
 * Output buffers by size class (powers of two from 4 KiB), given back once
 * their write is done: a busy server copies each response into a buffer
 * it already has instead of allocating one per write.
 */
export class BufferPool {
  readonly #free = new Map<number, Uint8Array[]>();
  #kept = 0;

  /** A buffer of at least `n` bytes (its size class). */
  take(n: number): Uint8Array {
    let size = 4096;
    while (size < n) size *= 2;
    const reused = this.#free.get(size)?.pop();
    if (reused === undefined) return new Uint8Array(size);
    this.#kept -= size;
    return reused;
  }

  /** Gives a buffer from `take()` back. */
  give(buf: Uint8Array): void {
    if (buf.length > POOLED_MAX || this.#kept + buf.length > POOL_BYTES) return;
    const list = this.#free.get(buf.length);
    if (list === undefined) this.#free.set(buf.length, [buf]);
    else list.push(buf);
    this.#kept += buf.length;
  }

  /** Bytes held for reuse. */
  get kept(): number {
    return this.#kept;
  }
}
