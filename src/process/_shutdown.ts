/**
 * The engine's ordered shutdown: the groups still to stop, highest priority
 * first, one at a time; the stop of each process under a stop gate instead;
 * and the `waiting for ... to die` report while stopping. The `Supervisor`
 * pass drives it.
 *
 * Python counterpart: supervisor/supervisord.py (`stop_groups`,
 * `ordered_stop_groups_phase_1`, `ordered_stop_groups_phase_2`,
 * `shutdown_report`).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import { ProcessState, processStateName } from "../states.ts";
import { byPriority, type ProcessGroup } from "./group.ts";
import type { Subprocess } from "./subprocess.ts";

/** Where one engine's shutdown stands. */
export class ShutdownOrder {
  #stopping = false;
  #stopGroups: ProcessGroup[] | null = null;
  #lastReport: number | null = null;

  /** True once the shutdown (or restart) began. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Begins stopping `groups`, sorted by priority (the last is stopped first). */
  begin(groups: ProcessGroup[]): void {
    this.#stopping = true;
    this.#stopGroups = groups;
  }

  /** Phase 1: asks every process of the group stopped next to stop. */
  stopLast(): void {
    this.#stopGroups?.at(-1)?.stopAll();
  }

  /** Phase 2: drops the group stopped next once it has stopped; true when one was dropped. */
  dropStopped(): boolean {
    if (this.#stopGroups === null) return false;
    const last = this.#stopGroups.at(-1);
    if (last === undefined || last.unstopped().length > 0) return false;
    this.#stopGroups.pop();
    return true;
  }

  /** While stopping, logs who is still running (`unstopped`), at most every 3 s. */
  report(now: number, unstopped: Subprocess[], logger: Logger): void {
    if (unstopped.length > 0 && (this.#lastReport === null || now > this.#lastReport + 3000)) {
      logger.info(`waiting for ${unstopped.map((p) => p.name).join(", ")} to die`);
      this.#lastReport = now;
      for (const p of unstopped) logger.blather(`${p.name} state: ${processStateName(p.state)}`);
    }
  }

  /** Just past the 3 s throttle of the report, which needs strictly more than 3 s. */
  nextReport(): number | null {
    return this.#stopping && this.#lastReport !== null ? this.#lastReport + 3001 : null;
  }
}

/**
 * The shutdown under a stop gate: each process of `groups` (sorted by
 * priority) gets its signal once `mayStop` lets it, highest priority first.
 */
export function stopGated(groups: ProcessGroup[], mayStop: (proc: Subprocess) => boolean): void {
  for (const group of groups.reverse()) {
    for (const proc of byPriority([...group.processes.values()]).reverse()) {
      if (proc.state === ProcessState.BACKOFF) proc.giveUp();
      else if ((proc.state === ProcessState.RUNNING || proc.state === ProcessState.STARTING) && mayStop(proc)) {
        proc.stop();
      }
    }
  }
}
