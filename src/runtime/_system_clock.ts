/**
 * The real clock both adapters share: wall time from `Date.now()`,
 * monotonic time from `performance.now()`, and timers keyed by plain numbers
 * (Bun's and Node's `setTimeout` return objects, Deno's a number).
 *
 * Python counterpart: `time.time()` and the poll timeout of
 * supervisor/supervisord.py's main loop.
 * @module
 */

import type { Clock } from "./types.ts";

const timers = new Map<number, ReturnType<typeof setTimeout>>();
let nextId = 1;

/** Wall clock, monotonic clock and timers of the host. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    const id = nextId++;
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        fn();
      }, ms),
    );
    return id;
  },
  clearTimeout(id) {
    const handle = timers.get(id);
    if (handle === undefined) return;
    timers.delete(id);
    clearTimeout(handle);
  },
};
