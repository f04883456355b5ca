/**
 * Carrying out a surgical apply (EXTENSIONS.md §7): the plan of
 * apply_plan.ts executed on the running engine, so only what changed moves.
 *
 * - `in place`: the new values are copied into the running process's config
 *   object, which the engine and the restart policy read as they go; no
 *   signal, no new pid.
 * - `restart`: the process is stopped (if it runs), replaced by one made from
 *   the new config, and started again only if it was running before.
 * - `add`: a new process of an existing group, or a new group; it starts as
 *   a new group's would (`autostart`, start gates such as dependencies).
 * - `remove`: stopped, then dropped (a whole group: removed, with its event).
 * - A group whose own settings changed, or that is not a `[program:x]` /
 *   `[group:x]` group (fcgi-program, eventlistener), is stopped, removed and
 *   added again, as `update` does.
 *
 * A process an operator stopped (`operatorStopped`), or one that was not
 * running, is never started by apply: the replacement is held from automatic
 * starts until something starts it.
 *
 * Python counterpart: none (supervisor/supervisorctl.py `do_update` is the
 * whole-group path stock clients keep using).
 * @module
 */

import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { RUNNING_STATES, STOPPED_STATES } from "../states.ts";
import { planApply, type PlannedChange } from "./apply_plan.ts";
import type { ProcessGroup } from "./group.ts";
import type { Subprocess } from "./subprocess.ts";
import type { Supervisor } from "./supervisor.ts";

/** Applies new group configs to one engine; one apply at a time. */
export class Applier {
  readonly #held = new WeakSet<Subprocess>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #off: Array<() => void> = [];

  constructor(readonly sup: Supervisor) {
    this.#off.push(sup.addStartGate((proc) => !this.#held.has(proc)));
    // A hold ends at the first start, whoever makes it.
    this.#off.push(sup.onStateChange(({ proc }) => void (RUNNING_STATES.has(proc.state) && this.#held.delete(proc))));
  }

  /** The plan for `next` against the running groups. */
  plan(next: readonly ProcessGroupConfig[]): PlannedChange[] {
    return planApply(this.#current(), next);
  }

  /** Applies `next`; resolves to the plan carried out. */
  apply(next: readonly ProcessGroupConfig[]): Promise<PlannedChange[]> {
    const run = this.#queue.then(() => this.#apply(next));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Detaches from the engine. */
  close(): void {
    for (const off of this.#off.splice(0)) off();
  }

  #current(): ProcessGroupConfig[] {
    return [...this.sup.groups.values()].map((g) =>
      ({ ...g.config, processes: [...g.processes.values()].map((p) => p.config) }) as ProcessGroupConfig
    );
  }

  async #apply(next: readonly ProcessGroupConfig[]): Promise<PlannedChange[]> {
    const plan = this.plan(next);
    const byName = new Map(next.map((g) => [g.name, g]));
    const whole = new Set<string>();
    for (const group of this.sup.groups.values()) {
      const ng = byName.get(group.name);
      if (ng === undefined) await this.#removeGroup(group);
      else if (ng.kind !== "program" || group.config.kind !== "program") {
        if (plan.some((c) => c.process.startsWith(`${group.name}:`))) whole.add(group.name);
      }
    }
    for (const name of whole) await this.#removeGroup(this.sup.groups.get(name)!);
    for (const ng of next) {
      const group = this.sup.groups.get(ng.name);
      if (group === undefined) await this.sup.addProcessGroup(ng);
      else await this.#applyGroup(group, ng, plan);
    }
    return plan;
  }

  async #removeGroup(group: ProcessGroup): Promise<void> {
    await Promise.all([...group.processes.values()].map((p) => stopped(this.sup, p)));
    await this.sup.removeProcessGroup(group.name);
  }

  async #applyGroup(group: ProcessGroup, ng: ProcessGroupConfig, plan: readonly PlannedChange[]): Promise<void> {
    const kinds = new Map(plan.filter((c) => c.process.startsWith(`${ng.name}:`)).map((c) => [c.process, c.kind]));
    const wanted = new Map(ng.processes.map((pc) => [pc.name, pc]));
    for (const proc of [...group.processes.values()]) {
      const kind = kinds.get(`${ng.name}:${proc.name}`);
      const pc = wanted.get(proc.name);
      if (kind === "remove" || pc === undefined) {
        await stopped(this.sup, proc);
        group.drop(proc.name);
        await proc.output?.close();
      } else if (kind === "in place") Object.assign(proc.config, pc);
      else if (kind === "restart") await this.#replace(group, proc, pc);
    }
    for (const pc of ng.processes) if (!group.processes.has(pc.name)) await this.sup.addProcess(group, pc);
    Object.assign(group.config, { ...ng, processes: [...group.processes.values()].map((p) => p.config) });
    this.sup.wake();
  }

  async #replace(group: ProcessGroup, old: Subprocess, pc: ProcessConfig): Promise<void> {
    const wasRunning = RUNNING_STATES.has(old.state);
    const operatorStopped = old.operatorStopped;
    await stopped(this.sup, old);
    await old.output?.close();
    const proc = await this.sup.addProcess(group, pc);
    proc.operatorStopped = operatorStopped;
    if (wasRunning && !operatorStopped) proc.spawn();
    else this.#held.add(proc);
  }
}

/** Stops `proc` unless it is stopped, and resolves once it is (no operator flag: apply is not an operator stop). */
function stopped(sup: Supervisor, proc: Subprocess): Promise<void> {
  if (STOPPED_STATES.has(proc.state)) return Promise.resolve();
  return new Promise((resolve) => {
    const off = sup.onStateChange(({ proc: p }) => {
      if (p !== proc || !STOPPED_STATES.has(p.state)) return;
      off();
      resolve();
    });
    const failed = RUNNING_STATES.has(proc.state) && proc.stop() !== null;
    if (failed || STOPPED_STATES.has(proc.state)) {
      off();
      resolve();
    }
  });
}
