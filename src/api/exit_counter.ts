/**
 * Counts, per process, exits (expected or not) and automatic restarts: the
 * `restarts` of the JSON API and the counters of the native metric
 * families. It subscribes to the engine's state changes only when a server
 * serves the API or `/metrics`; counting is one map update per state
 * change, with no timer.
 *
 * An exit is a change to EXITED (`expected` as supervisord decides it from
 * `exitcodes`) or to BACKOFF (a process that died while STARTING: never
 * expected). An automatic restart is a change to STARTING from EXITED or
 * BACKOFF (operator starts come from STOPPED or FATAL).
 *
 * Python counterpart: none (the PROCESS_STATE events of supervisor/events.py
 * carry the same transitions).
 * @module
 */

import { ProcessState } from "../process/states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { Supervisor } from "../process/supervisor.ts";

/** One process's counters. */
export interface ProcessCounts {
  exitsExpected: number;
  exitsUnexpected: number;
  restarts: number;
}

/** The counters of every process, kept from construction until `close()`. */
export class ExitCounter {
  readonly #counts = new WeakMap<Subprocess, ProcessCounts>();
  readonly #off: () => void;

  constructor(sup: Supervisor) {
    this.#off = sup.onStateChange((c) => {
      if (c.to === ProcessState.EXITED || (c.to === ProcessState.BACKOFF && c.from === ProcessState.STARTING)) {
        const n = this.#of(c.proc);
        if (c.to === ProcessState.EXITED && c.expected) n.exitsExpected++;
        else n.exitsUnexpected++;
      } else if (
        c.to === ProcessState.STARTING && (c.from === ProcessState.EXITED || c.from === ProcessState.BACKOFF)
      ) {
        this.#of(c.proc).restarts++;
      }
    });
  }

  /** The counters of `proc` (zeros when nothing was counted). */
  counts(proc: Subprocess): Readonly<ProcessCounts> {
    return this.#counts.get(proc) ?? { exitsExpected: 0, exitsUnexpected: 0, restarts: 0 };
  }

  /** Stops counting. */
  close(): void {
    this.#off();
  }

  #of(proc: Subprocess): ProcessCounts {
    let n = this.#counts.get(proc);
    if (n === undefined) this.#counts.set(proc, n = { exitsExpected: 0, exitsUnexpected: 0, restarts: 0 });
    return n;
  }
}
