/**
 * The `FakeRuntime`'s captured stdout and stderr: writes are kept
 * as text, and asynchronous writes can be held, as a reader that stops
 * reading holds them, until the test lets them through. `fake.ts` uses it.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyStream`).
 * @module
 */

import type { OutputStream } from "./types.ts";

/** A held stream: asynchronous writes wait in `pending` until the test lets them through. */
export interface Hold {
  held: boolean;
  pending: Array<{ data: Uint8Array; done: () => void }>;
}

/** An output stream that appends what is written to `sink`, holding asynchronous writes while `hold.held`. */
export function capture(
  sink: string[],
  hold: Hold,
  terminal: () => boolean,
  columns: () => number | null,
): OutputStream {
  const decode = (data: Uint8Array | string) => typeof data === "string" ? data : new TextDecoder().decode(data);
  return {
    write(data: Uint8Array | string) {
      sink.push(decode(data));
    },
    writeAsync(data: Uint8Array) {
      if (!hold.held) {
        sink.push(decode(data));
        return Promise.resolve();
      }
      return new Promise((resolve) => hold.pending.push({ data: data.slice(), done: resolve }));
    },
    isTerminal: terminal,
    columns,
  };
}

/** Starts holding `hold`; see `FakeRuntime.holdStdout`. Returns the function that lets the writes through. */
export function holdWrites(hold: Hold, sink: string[]): () => void {
  hold.held = true;
  return () => {
    hold.held = false;
    for (const { data, done } of hold.pending.splice(0)) {
      sink.push(new TextDecoder().decode(data));
      done();
    }
  };
}
