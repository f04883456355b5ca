/**
 * The engine's timed work: registered sources of due times, run in every
 * pass, and the one timer that wakes the engine at the earliest due time
 * of any of them (none when nothing is due, so an idle supervisord sets no
 * timer at all).
 *
 * The engine registers three sources: the group transitions (startsecs,
 * backoff retries, stop deadlines, autostart and autorestart), the shutdown
 * report, and the TICK events. Health probes, cron, watch polling and
 * time-based rotation plug in the same way, and are as deterministic under
 * the manual clock.
 *
 * Python counterpart: supervisor/supervisord.py (`runforever`: the
 * one-second select timeout that drives `transition`, `shutdown_report` and
 * `tick`; here the timeout is the earliest due time instead of a period).
 * @module
 */

import type { Clock } from "../runtime/types.ts";

/**
 * A source of timed work. Times are monotonic milliseconds
 * (`clock.monotonic()`).
 */
export interface DueSource {
  /**
   * When `run` next has something to do, or null when nothing is due until
   * something outside the clock happens (then the source asks for a pass
   * with the engine's `wake()`). A time at or before `now` means at once.
   */
  nextDue(now: number): number | null;
  /**
   * Does what is due by `now`. Called in every pass, in registration order,
   * whether or not this source was the one due: a pass also runs for other
   * reasons (a child exited, a request arrived), so the source checks its
   * own times.
   */
  run(now: number): void;
}

/** The registered sources and the single timer set for the earliest of their due times. */
export class Schedule {
  readonly #sources: DueSource[] = [];
  readonly #clock: Clock;
  readonly #onDue: () => void;
  #timer: number | null = null;
  #timerDue = 0;

  /**
   * @param clock Where the timer is set.
   * @param onDue Called when the timer fires (the engine runs a pass).
   */
  constructor(clock: Clock, onDue: () => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Registers `source` after the ones already registered; returns the function that removes it. */
  add(source: DueSource): () => void {
    this.#sources.push(source);
    return () => {
      const i = this.#sources.indexOf(source);
      if (i >= 0) this.#sources.splice(i, 1);
    };
  }

  /** Runs every source at `now`, in registration order. */
  run(now: number): void {
    for (const source of [...this.#sources]) source.run(now);
  }

  /** The earliest due time of any source, or null when none is due. */
  nextDue(now: number): number | null {
    let due: number | null = null;
    for (const source of this.#sources) {
      const d = source.nextDue(now);
      if (d !== null && (due === null || d < due)) due = d;
    }
    return due;
  }

  /** Sets the one timer for the earliest due time (keeping it when that is unchanged), or clears it when none. */
  arm(now: number): void {
    const due = this.nextDue(now);
    if (this.#timer !== null) {
      if (due !== null && this.#timerDue === due) return;
      this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (due === null) return;
    this.#timerDue = due;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#onDue();
    }, Math.max(0, due - now));
  }

  /** Clears the timer (the engine stopped). */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
