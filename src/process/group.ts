/**
 * A group of processes made from one `[program:x]`, `[group:x]`,
 * `[fcgi-program:x]` or `[eventlistener:x]` config: its processes in config
 * order, group-wide transitions and the group half of ordered shutdown.
 *
 * Python counterpart: supervisor/process.py (`ProcessGroupBase`,
 * `ProcessGroup`, `EventListenerPool.transition`).
 * @module
 */

import type { ProcessGroupConfig } from "../config/schema.ts";
import type { EventListenerPool } from "../events/pool.ts";
import { ProcessState, STOPPED_STATES } from "../states.ts";
import type { Subprocess } from "./subprocess.ts";

/** A live process group. */
export class ProcessGroup {
  /** Processes by name, in config order (Python's dict order). */
  readonly processes: ReadonlyMap<string, Subprocess>;
  readonly #processes: Map<string, Subprocess>;

  /** The event listener pool, for an `[eventlistener:x]` group. */
  pool: EventListenerPool | null = null;

  constructor(readonly config: ProcessGroupConfig, processes: readonly Subprocess[]) {
    this.processes = this.#processes = new Map(processes.map((p) => [p.name, p]));
  }

  /** Adds `proc`, or replaces the process of its name in place (a surgical apply). */
  put(proc: Subprocess): void {
    this.#processes.set(proc.name, proc);
  }

  /** Drops a process by name (a surgical apply; the caller stopped it and closes its output). */
  drop(name: string): boolean {
    return this.#processes.delete(name);
  }

  get name(): string {
    return this.config.name;
  }

  get priority(): number {
    return this.config.priority;
  }

  /** Runs every process's transition at monotonic time `now`. */
  transition(now: number): void {
    for (const proc of this.processes.values()) proc.transition(now);
    this.pool?.dispatchIfReady();
  }

  /** The earliest time any process has something due, or null. */
  nextDue(now: number): number | null {
    let due: number | null = null;
    for (const proc of this.processes.values()) {
      const d = proc.nextDue(now);
      if (d !== null && (due === null || d < due)) due = d;
    }
    return due;
  }

  /**
   * Stops the group for shutdown, highest priority first: RUNNING and
   * STARTING processes get their stop signal, BACKOFF ones go to FATAL.
   */
  stopAll(): void {
    for (const proc of byPriority([...this.processes.values()]).reverse()) {
      if (proc.state === ProcessState.RUNNING || proc.state === ProcessState.STARTING) proc.stop();
      else if (proc.state === ProcessState.BACKOFF) proc.giveUp();
    }
  }

  /** Processes not in a stopped state. */
  unstopped(): Subprocess[] {
    return [...this.processes.values()].filter((p) => !STOPPED_STATES.has(p.state));
  }

  /** Reopens every process's log files (SIGUSR2). */
  async reopenLogs(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.output?.reopen()));
  }

  /** Closes every process's log files (the group is removed or supervisord ends). */
  async close(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.output?.close()));
  }
}

/** Sorts by priority only, keeping the given order for ties (Python's stable sort on `__lt__`). */
export function byPriority<T extends { readonly config: { priority: number } }>(items: T[]): T[] {
  return items.sort((a, b) => a.config.priority - b.config.priority);
}
