/**
 * The health state of one process (EXTENSIONS.md §3): `starting` at each
 * spawn, then `healthy` ⇄ `unhealthy` by consecutive probe results, and
 * when the next probe is due. Time is passed in (monotonic ms); nothing here
 * runs a probe or sets a timer, so the engine's one timer serves it.
 *
 * Rules: no probe before `initial_delay` after the spawn; probes every
 * `start_interval` until the first success, every `interval` after; never
 * two at once (the next is due one period after the previous began, and not
 * before it ended); failures inside `start_period` before the first success
 * do not count; `retries` consecutive failures make the process unhealthy,
 * `successes` consecutive successes make an unhealthy one healthy again, and
 * the first success makes a starting one healthy.
 *
 * Python counterpart: none (the peers: Docker HEALTHCHECK's start period and
 * start interval, Kubernetes' failure and success thresholds).
 * @module
 */

import type { HealthCheckConfig } from "../config/schema.ts";

/** `starting` until the first success, then `healthy` or `unhealthy`. */
export type HealthStatus = "starting" | "healthy" | "unhealthy";

/** One probe's result as kept for views. */
export interface ProbeRecord {
  /** Monotonic ms at which the probe began. */
  readonly at: number;
  readonly ok: boolean;
  /** How long it took, ms. */
  readonly latency: number;
  /** What it answered (`HTTP 503`, `exit status 1`, the first bytes of output…), at most 4 KiB. */
  readonly detail: string;
}

/** A change of status that a probe result caused. */
export interface HealthTransition {
  readonly to: "healthy" | "unhealthy";
  /** Consecutive failures (for `unhealthy`) or successes (for `healthy`). */
  readonly count: number;
  /** The last probe's detail. */
  readonly detail: string;
}

const HISTORY = 5;

/** The health state machine of one process. */
export class HealthState {
  #status: HealthStatus = "starting";
  #active = false;
  #inFlight = false;
  #spawnAt = 0;
  #nextAt = 0;
  #startedAt = 0;
  #everOk = false;
  #failures = 0;
  #successes = 0;
  #seq = 0;
  readonly #history: ProbeRecord[] = [];

  /** @param config The program's health check. */
  constructor(readonly config: HealthCheckConfig) {}

  /** The current status. */
  get status(): HealthStatus {
    return this.#status;
  }

  /** True while a probe runs. */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.#failures;
  }

  /** The last results, oldest first (at most 5). */
  get history(): readonly ProbeRecord[] {
    return this.#history;
  }

  /** The process was spawned at `now`: status `starting`, probing after the initial delay. */
  spawned(now: number): void {
    this.#seq++;
    this.#status = "starting";
    this.#active = true;
    this.#inFlight = false;
    this.#spawnAt = now;
    this.#nextAt = now + this.config.initial_delay * 1000;
    this.#everOk = false;
    this.#failures = 0;
    this.#successes = 0;
  }

  /** The process stopped being STARTING or RUNNING: no more probes; a running one's result is dropped. */
  stopped(): void {
    this.#active = false;
    this.#inFlight = false;
  }

  /** When the next probe is due, or null (inactive, or one is running). */
  nextDue(): number | null {
    return this.#active && !this.#inFlight ? this.#nextAt : null;
  }

  /** A probe begins at `now` (the caller checked `nextDue() <= now`); returns its ticket for `finish`. */
  begin(now: number): number {
    this.#inFlight = true;
    this.#startedAt = now;
    return ++this.#seq;
  }

  /**
   * The probe with `ticket` ended at `now` with `ok`. Returns the transition
   * it caused, or null. Ignored (null) when it is not the running probe (the
   * process stopped or was spawned again meanwhile).
   */
  finish(ticket: number, ok: boolean, now: number, detail: string): HealthTransition | null {
    if (!this.#active || !this.#inFlight || ticket !== this.#seq) return null;
    this.#inFlight = false;
    this.#history.push({ at: this.#startedAt, ok, latency: now - this.#startedAt, detail: detail.slice(0, 4096) });
    if (this.#history.length > HISTORY) this.#history.shift();
    const graceful = !this.#everOk && now < this.#spawnAt + this.config.start_period * 1000;
    if (ok) {
      this.#everOk = true;
      this.#failures = 0;
      this.#successes += 1;
    } else if (!graceful) {
      this.#successes = 0;
      this.#failures += 1;
    }
    const period = (this.#everOk ? this.config.interval : this.config.start_interval) * 1000;
    this.#nextAt = Math.max(this.#startedAt + period, now);
    if (ok && this.#status === "starting") return this.#become("healthy", 1, detail);
    if (ok && this.#status === "unhealthy" && this.#successes >= this.config.successes) {
      return this.#become("healthy", this.#successes, detail);
    }
    if (!ok && this.#status !== "unhealthy" && this.#failures >= this.config.retries) {
      return this.#become("unhealthy", this.#failures, detail);
    }
    return null;
  }

  #become(to: "healthy" | "unhealthy", count: number, detail: string): HealthTransition {
    this.#status = to;
    return { to, count, detail };
  }
}
