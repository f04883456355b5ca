/**
 * The one bounded queue between everything that goes to the daemon's
 * console (child lines, echoed main-log lines) and its stdout and stderr.
 * Pushing never blocks; the queue writes in order with `writeAsync`, so a
 * reader that stalls (`docker logs` behind) holds the writes, not the event
 * loop. Once more than `limit` bytes wait, `room()` hands the child readers
 * a promise to await before they read more: backpressure reaches the
 * children through their pipes, nothing is dropped, and memory stays
 * bounded by the limit plus one chunk per reader.
 *
 * Python counterpart: none (Python writes `stdout_logfile=/dev/stdout`
 * synchronously, blocking its whole loop on a slow reader).
 * @module
 */

import type { OutputStream } from "../runtime/types.ts";

/** Which of the daemon's streams a piece goes to. */
export type ConsoleTargetName = "stdout" | "stderr";

/** Small pieces for one stream are written together, up to this many bytes. */
const COALESCE_BYTES = 256 * 1024;

interface Piece {
  target: ConsoleTargetName;
  bytes: Uint8Array;
}

/** The console's queue and writer; see the module documentation. */
export class ConsoleQueue {
  readonly #targets: Readonly<Record<ConsoleTargetName, OutputStream>>;
  readonly #limit: number;
  readonly #onError: (error: unknown) => void;
  readonly #pieces: Piece[] = [];
  #head = 0;
  #queued = 0;
  #writing = false;
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

  /** Bytes waiting to be written (including the write in flight). */
  get queued(): number {
    return this.#queued;
  }

  /** Queues `bytes` for `target`; the caller must not change them afterwards. */
  push(target: ConsoleTargetName, bytes: Uint8Array): void {
    if (this.#broken || bytes.length === 0) return;
    this.#pieces.push({ target, bytes });
    this.#queued += bytes.length;
    if (!this.#writing) void this.#pump();
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

  async #pump(): Promise<void> {
    this.#writing = true;
    while (this.#head < this.#pieces.length) {
      const { target, bytes, count } = this.#take();
      try {
        await this.#targets[target].writeAsync(bytes);
      } catch (e) {
        this.#fail(e);
        break;
      }
      this.#queued -= count;
      if (this.#queued <= this.#limit) this.#wakeRoom();
    }
    this.#writing = false;
    if (this.#queued === 0) {
      for (const done of this.#drainWaiters.splice(0)) done();
    }
  }

  /** The next write: the first piece, with the small pieces after it for the same stream. */
  #take(): { target: ConsoleTargetName; bytes: Uint8Array; count: number } {
    const first = this.#pieces[this.#head++]!;
    let end = this.#head;
    let size = first.bytes.length;
    while (end < this.#pieces.length) {
      const next = this.#pieces[end]!;
      if (next.target !== first.target || size + next.bytes.length > COALESCE_BYTES) break;
      size += next.bytes.length;
      end++;
    }
    let bytes = first.bytes;
    if (end > this.#head) {
      bytes = new Uint8Array(size);
      bytes.set(first.bytes);
      let offset = first.bytes.length;
      for (let i = this.#head; i < end; i++) {
        const piece = this.#pieces[i]!.bytes;
        bytes.set(piece, offset);
        offset += piece.length;
      }
      this.#head = end;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#pieces.length) {
      this.#pieces.splice(0, this.#head);
      this.#head = 0;
    }
    return { target: first.target, bytes, count: size };
  }

  #wakeRoom(): void {
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #fail(error: unknown): void {
    this.#broken = true;
    this.#pieces.length = 0;
    this.#head = 0;
    this.#queued = 0;
    this.#wakeRoom();
    this.#onError(error);
  }
}
