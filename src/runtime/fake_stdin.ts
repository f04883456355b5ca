/**
 * The standard input of `FakeRuntime`: chunks the test queues, handed out one
 * per `read()`, then null once the test has ended the stream.
 *
 * Python counterpart: none (test support; Python's tests swap `sys.stdin`).
 * @module
 */

import type { InputStream } from "./types.ts";

/** The fake's standard input: chunks queued by the test, handed out one per read. */
export class FakeStdinStream implements InputStream {
  readonly #chunks: Uint8Array[] = [];
  readonly #waiting: Array<(chunk: Uint8Array | null) => void> = [];
  #ended = false;
  /** What `isTerminal()` reports. */
  terminal = false;
  /** The mode `setRaw` last set. */
  raw = false;

  /** Queues a chunk (or hands it to a pending read). */
  feed(chunk: Uint8Array): void {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(chunk.slice());
    else this.#chunks.push(chunk.slice());
  }

  /** Marks the end of input. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiting.splice(0)) waiter(null);
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) return Promise.resolve(chunk);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  isTerminal(): boolean {
    return this.terminal;
  }

  setRaw(raw: boolean): boolean {
    if (!this.terminal) return false;
    this.raw = raw;
    return true;
  }
}
