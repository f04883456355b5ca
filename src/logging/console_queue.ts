/**
 * The one bounded queue between everything that goes to the daemon's
 * console (child lines, echoed main-log lines) and its stdout and stderr.
 * Nothing waits to queue: bytes are framed straight into 1 MiB batches,
 * and each stream writes its batches in order with `writeAsync`, so a
 * reader that stalls (`docker logs` behind) holds the writes, not the event
 * loop. Once more than `limit` bytes wait, `room()` hands the child readers
 * a promise to await before they read more: backpressure reaches the
 * children through their pipes, nothing is dropped, and memory stays
 * bounded by the limit plus a batch per stream.
 *
 * Batches are reused once written, and a batch being filled is written
 * whole when the previous write completes: many small writes become one,
 * with no extra copy and no allocation per chunk.
 *
 * Python counterpart: none (Python writes `stdout_logfile=/dev/stdout`
 * synchronously, blocking its whole loop on a slow reader).
 * @module
 */

import type { OutputStream } from "../runtime/types.ts";

/** Which of the daemon's streams a piece goes to. */
export type ConsoleTargetName = "stdout" | "stderr";

/** The size of a batch (a larger piece gets a batch of its own size). */
const BATCH_BYTES = 1024 * 1024;
/** Written batches kept for reuse, per stream. */
const SPARE_BATCHES = 2;

interface Batch {
  buf: Uint8Array;
  used: number;
}

/** One stream's batches: written in order, the last one still filling. */
class TargetQueue {
  readonly batches: Batch[] = [];
  readonly spare: Uint8Array[] = [];
  writing = false;

  /** Space for `n` bytes at the end of the batch being filled (a new batch when it has no room). */
  reserve(n: number): { buf: Uint8Array; at: number } {
    let last = this.batches.at(-1);
    if (last === undefined || last.buf.length - last.used < n) {
      const buf = n <= BATCH_BYTES ? this.spare.pop() ?? new Uint8Array(BATCH_BYTES) : new Uint8Array(n);
      last = { buf, used: 0 };
      this.batches.push(last);
    }
    const at = last.used;
    last.used += n;
    return { buf: last.buf, at };
  }

  /** The batch written back (its buffer is kept for reuse when it is a standard one). */
  release(batch: Batch): void {
    if (batch.buf.length === BATCH_BYTES && this.spare.length < SPARE_BATCHES) this.spare.push(batch.buf);
  }
}

/** The console's queue and writers; see the module documentation. */
export class ConsoleQueue {
  readonly #targets: Readonly<Record<ConsoleTargetName, OutputStream>>;
  readonly #limit: number;
  readonly #onError: (error: unknown) => void;
  readonly #queues: Record<ConsoleTargetName, TargetQueue> = { stdout: new TargetQueue(), stderr: new TargetQueue() };
  #queued = 0;
  #broken = false;
  #roomWaiters: Array<() => void> = [];
  #drainWaiters: Array<() => void> = [];

  /**
   * @param targets The daemon's stdout and stderr.
   * @param limit Bytes that may wait before readers are held.
   * @param onError Told about the first failed write; the queue then drops
   *   everything (nobody reads any more) and never holds a reader again.
   */
  constructor(
    targets: Readonly<Record<ConsoleTargetName, OutputStream>>,
    limit: number,
    onError: (error: unknown) => void,
  ) {
    this.#targets = targets;
    this.#limit = limit;
    this.#onError = onError;
  }

  /** Bytes waiting to be written (including the writes in flight). */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Space for `n` bytes for `target`, which the caller fills before it
   * returns to the event loop (the writer looks at it only after an await).
   * Null once the console failed (the bytes are dropped).
   */
  reserve(target: ConsoleTargetName, n: number): { buf: Uint8Array; at: number } | null {
    if (this.#broken || n === 0) return null;
    const queue = this.#queues[target];
    const space = queue.reserve(n);
    this.#queued += n;
    if (!queue.writing) {
      queue.writing = true;
      queueMicrotask(() => void this.#pump(target));
    }
    return space;
  }

  /** Queues a copy of `bytes` for `target`. */
  push(target: ConsoleTargetName, bytes: Uint8Array): void {
    const space = this.reserve(target, bytes.length);
    space?.buf.set(bytes, space.at);
  }

  /** Null while there is room; otherwise a promise that resolves once the queue is below its limit. */
  room(): Promise<void> | null {
    if (this.#queued <= this.#limit) return null;
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Resolves once everything queued so far is written (or dropped after a failure). */
  drained(): Promise<void> {
    if (this.#queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Writes `target`'s batches in order, each whole, until none is left. */
  async #pump(target: ConsoleTargetName): Promise<void> {
    const queue = this.#queues[target];
    while (!this.#broken && queue.batches.length > 0) {
      const batch = queue.batches.shift()!;
      try {
        await this.#targets[target].writeAsync(batch.buf.subarray(0, batch.used));
      } catch (e) {
        this.#fail(e);
        break;
      }
      this.#queued -= batch.used;
      queue.release(batch);
      if (this.#queued <= this.#limit) this.#wakeRoom();
    }
    queue.writing = false;
    if (this.#queued === 0) {
      for (const done of this.#drainWaiters.splice(0)) done();
    }
  }

  #wakeRoom(): void {
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #fail(error: unknown): void {
    this.#broken = true;
    for (const q of Object.values(this.#queues)) q.batches.length = 0;
    this.#queued = 0;
    this.#wakeRoom();
    for (const done of this.#drainWaiters.splice(0)) done();
    this.#onError(error);
  }
}
