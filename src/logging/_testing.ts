/**
 * Test helpers for the logging folder: a child pipe the test feeds, and
 * byte/text shorthands.
 *
 * Python counterpart: none (Python's tests read from real pipes).
 * @module
 */

/**
 * A byte stream like Deno's child pipes (64 KiB auto-allocated reads), fed
 * by the test; records the size of the buffer each pull was asked to fill.
 */
export function bytePipe() {
  const asked: number[] = [];
  const pending: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const stream = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 65536,
    async pull(controller) {
      const request = controller.byobRequest!;
      const view = request.view as Uint8Array;
      asked.push(view.byteLength);
      while (pending.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      const next = pending.shift();
      if (next === undefined) {
        controller.close();
        request.respond(0);
        return;
      }
      const n = Math.min(next.length, view.byteLength);
      view.set(next.subarray(0, n));
      if (n < next.length) pending.unshift(next.subarray(n));
      request.respond(n);
    },
  });
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    stream,
    asked,
    write(data: Uint8Array) {
      pending.push(data);
      poke();
    },
    end() {
      ended = true;
      poke();
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 text of `data`. */
export function t(data: Uint8Array): string {
  return decoder.decode(data);
}
