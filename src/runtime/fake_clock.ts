/**
 * A manual clock for unit tests: time moves only when the test calls
 * `advance()`, which fires due timers in order.
 *
 * Python counterpart: none (Python tests pass `now` into `transition()` or
 * patch `time.time`); it serves the same purpose.
 * @module
 */

import type { Clock } from "./types.ts";

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire during `advance()`. */
export class ManualClock implements Clock {
  #mono = 0;
  #wallOffset: number;
  #nextId = 1;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  /**
   * Creates the clock at monotonic 0.
   *
   * @param wallStart The wall-clock time (ms since the epoch) at monotonic 0.
   */
  constructor(wallStart = Date.UTC(2024, 0, 1)) {
    this.#wallOffset = wallStart;
  }

  now(): number {
    return this.#wallOffset + this.#mono;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#mono + Math.max(0, ms), seq: this.#seq++, fn });
    return id;
  }

  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }

  /** Number of timers not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the earliest pending timer is due (0 when overdue), or null when none is pending. */
  get nextDueIn(): number | null {
    let due: number | null = null;
    for (const t of this.#timers.values()) if (due === null || t.due < due) due = t.due;
    return due === null ? null : Math.max(0, due - this.#mono);
  }

  /**
   * Moves time forward by `ms`, firing due timers in due-time order (ties in
   * scheduling order), including timers scheduled by fired timers when they
   * fall due within the window. Each timer sees the clock at its due time.
   */
  advance(ms: number): void {
    const target = this.#mono + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers.values()) {
        if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq))) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#mono = Math.max(this.#mono, next.due);
      next.fn();
    }
    this.#mono = target;
  }

  /** Moves the wall clock alone (a clock jump); monotonic time is unaffected. */
  jumpWall(ms: number): void {
    this.#wallOffset += ms;
  }
}
