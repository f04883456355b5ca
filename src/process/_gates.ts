/**
 * The engine's registries of start gates, stop gates and describers: what
 * extensions (depends_on, ordered shutdown, health in descriptions) hook into
 * the engine with, kept out of the `Supervisor` class, which delegates to it.
 *
 * Python counterpart: none; supervisor/supervisord.py starts and stops
 * processes ungated and supervisor/rpcinterface.py describes them itself
 * (the hooks carry the extensions of EXTENSIONS.md §2 and §3).
 * @module
 */

import type { Subprocess } from "./subprocess.ts";

/**
 * Answers whether a process may be started automatically now (see
 * `Supervisor.addStartGate`): true, false (held for now), or a text saying
 * why it is held until something changes (a failed dependency).
 */
export type StartGate = (proc: Subprocess) => boolean | string;

/**
 * Orders stops (see `Supervisor.addStopGate`). While `active()`, the
 * shutdown stops each process once `mayStop(proc, true)` allows it instead
 * of group by group, and `stop all` holds each stop until
 * `mayStop(proc, false)` allows it.
 */
export interface StopGate {
  active(): boolean;
  mayStop(proc: Subprocess, shutdown: boolean): boolean;
}

/** Rewrites a process's RPC description (`base` is supervisord's own text). */
export type Describer = (proc: Subprocess, base: string) => string;

/** The gates and describers of one engine; `wake` asks the engine for a pass. */
export class Gates {
  readonly #startGates = new Set<StartGate>();
  readonly #stopGates = new Set<StopGate>();
  readonly #describers = new Set<Describer>();
  readonly #wake: () => void;

  constructor(wake: () => void) {
    this.#wake = wake;
  }

  /** See `Supervisor.addStartGate`. */
  addStartGate(gate: StartGate): () => void {
    this.#startGates.add(gate);
    return () => {
      this.#startGates.delete(gate);
      this.#wake();
    };
  }

  /** See `Supervisor.startGate`. */
  startGate(proc: Subprocess): boolean | string {
    for (const gate of this.#startGates) {
      const answer = gate(proc);
      if (answer !== true) return answer;
    }
    return true;
  }

  /** See `Supervisor.addStopGate`. */
  addStopGate(gate: StopGate): () => void {
    this.#stopGates.add(gate);
    return () => {
      this.#stopGates.delete(gate);
      this.#wake();
    };
  }

  /** True when a stop gate orders the stops. */
  get stopsOrdered(): boolean {
    for (const gate of this.#stopGates) if (gate.active()) return true;
    return false;
  }

  /** True when every active stop gate lets `proc` get its stop signal now. */
  mayStop(proc: Subprocess, shutdown: boolean): boolean {
    for (const gate of this.#stopGates) if (gate.active() && !gate.mayStop(proc, shutdown)) return false;
    return true;
  }

  /** Adds a describer of RPC descriptions; returns the function that removes it. */
  addDescriber(describer: Describer): () => void {
    this.#describers.add(describer);
    return () => void this.#describers.delete(describer);
  }

  /** True when a describer is registered. */
  get rewritesDescriptions(): boolean {
    return this.#describers.size > 0;
  }

  /** `base` as the describers rewrite it. */
  describe(proc: Subprocess, base: string): string {
    let text = base;
    for (const d of this.#describers) text = d(proc, text);
    return text;
  }
}
