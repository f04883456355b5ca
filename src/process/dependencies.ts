/**
 * Dependencies between processes (EXTENSIONS.md §2), plugged into the
 * engine's seams: a start gate holds a dependent's automatic starts until
 * every `depends_on` target meets its condition, a stop gate makes the
 * shutdown, reload and `stop all` stop (and reap) every dependent before its
 * dependencies get their stop signal, a due-time source ends
 * `depends_timeout` waits and makes the starts of `on_dependency_failure`,
 * and a describer puts the wait or the failure in the RPC description.
 *
 * The gate looks at the targets' current state only: a dependent keeps
 * waiting while a target is STARTING or BACKOFF, and a target that is
 * FATAL, or EXITED with no restart coming while its condition is unmet,
 * makes the dependency failed. A config without `depends_on` is never held
 * and its shutdown stays supervisord's, group by group.
 *
 * Python counterpart: none (supervisord starts and stops by priority only;
 * the peers: process-compose's `depends_on` conditions, systemd's
 * `PartOf`, Horust's `start-after`/`shutdown-after`).
 * @module
 */

import { resolveTarget } from "../config/load_dependencies.ts";
import type { DependencyCondition, DependsOn, OnDependencyFailure } from "../config/schema.ts";
import { ProcessState, processStateName, STOPPED_STATES, SupervisorState } from "../states.ts";
import type { Subprocess } from "./subprocess.ts";
import type { StateChange, Supervisor } from "./supervisor.ts";

/** What one process's dependencies look like now, for the ctl, the web UI and the JSON API. */
export interface DependencyView {
  /** `depends_on` as configured. */
  readonly depends_on: readonly DependsOn[];
  /** The unmet entries an automatic start waits for, as `db (healthy)`. */
  readonly waiting_on: readonly string[];
  /** The failed dependency (target and its state name, or `timeout`), or null. */
  readonly dependency_failed: { readonly target: string; readonly state: string } | null;
}

/** The dependency graph of the live groups. */
interface Graph {
  readonly groups: readonly unknown[];
  /** Each target text as written, resolved. */
  readonly targets: ReadonlyMap<string, Subprocess[]>;
  readonly dependents: ReadonlyMap<Subprocess, Subprocess[]>;
  readonly configured: boolean;
}

/** How one `depends_on` entry stands now. */
type EntryStatus = "met" | "wait" | { failed: string };

/** Whether a process reports `healthy` (the health checks supply it). */
export type HealthyProbe = (proc: Subprocess) => boolean;

/** What the dependency machinery is plugged in with. */
export interface DependencyOptions {
  /** Whether a process is healthy; none is without health checks. */
  readonly healthy?: HealthyProbe;
  /**
   * Shuts supervisord down with a status (the daemon's essential watch);
   * an `essential` dependent whose dependency failed calls it with 1.
   * Without it, a plain shutdown.
   */
  readonly exit?: (line: string, status: number) => void;
}

/** True when `state` (and, for `succeeded`, the exit code) of `t` meets `cond`. */
export function conditionMet(
  t: Subprocess,
  cond: DependencyCondition,
  state: ProcessState,
  healthy: HealthyProbe,
): boolean {
  switch (cond) {
    case "started":
      return state === ProcessState.STARTING || state === ProcessState.RUNNING;
    case "running":
      return state === ProcessState.RUNNING;
    case "healthy":
      return state === ProcessState.RUNNING && healthy(t);
    case "completed":
      return state === ProcessState.EXITED;
    case "succeeded":
      return state === ProcessState.EXITED && t.config.exitcodes.includes(t.exitstatus ?? -1);
  }
}

/** True when `state` of `t` meets the entry's condition or any of its alternatives. */
export function entryMet(t: Subprocess, dep: DependsOn, state: ProcessState, healthy: HealthyProbe): boolean {
  return [dep.condition, ...dep.or ?? []].some((c) => conditionMet(t, c, state, healthy));
}

/** `running`, or `running or completed` for an entry with alternatives. */
export function conditionText(dep: DependsOn): string {
  return [dep.condition, ...dep.or ?? []].join(" or ");
}

const VERB: Readonly<Record<DependencyCondition, string>> = {
  started: "has not started",
  running: "is not running",
  healthy: "is not healthy",
  completed: "has not completed",
  succeeded: "has not succeeded",
};

/** The dependency machinery of one engine; `install()` plugs it in. */
export class Dependencies {
  /** Monotonic ms at which a held automatic start began to wait. */
  readonly #waitingSince = new Map<Subprocess, number>();
  /** Processes whose `depends_timeout` elapsed: failed until they start. */
  readonly #timedOut = new Map<Subprocess, string>();
  /** Stopped by `on_dependency_failure`: started again once their dependencies are met. */
  readonly #restartWhenMet = new Map<Subprocess, OnDependencyFailure>();
  #cache: Graph | null = null;

  readonly healthy: HealthyProbe;
  readonly #exit: (line: string, status: number) => void;

  /**
   * @param sup The engine.
   * @param opts Health and exit hooks.
   */
  constructor(readonly sup: Supervisor, opts: DependencyOptions = {}) {
    this.healthy = opts.healthy ?? (() => false);
    this.#exit = opts.exit ?? ((line) => {
      sup.host.logger.critical(line);
      sup.shutdown();
    });
  }

  /** Plugs the gates, the due-time source, the describer and the state listener in; returns the undo. */
  install(): () => void {
    const offs = [
      this.sup.addStartGate((proc) => this.#gate(proc)),
      this.sup.addStopGate({ active: () => this.#configured(), mayStop: (proc, sd) => this.mayStop(proc, sd) }),
      this.sup.addSource({ nextDue: (now) => this.#nextDue(now), run: (now) => this.#run(now) }),
      this.sup.addDescriber((proc, base) => this.#describe(proc, base)),
      this.sup.onStateChange((change) => this.#changed(change)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** The view of `proc`'s dependencies now. */
  view(proc: Subprocess): DependencyView {
    const waiting_on: string[] = [];
    let failed: DependencyView["dependency_failed"] = null;
    const timedOut = this.#timedOut.get(proc);
    if (timedOut !== undefined) failed = { target: timedOut, state: "timeout" };
    for (const dep of proc.config.depends_on) {
      const status = this.#entry(dep);
      if (status === "met") continue;
      if (status === "wait") waiting_on.push(`${dep.target} (${conditionText(dep)})`);
      else failed ??= { target: dep.target, state: status.failed };
    }
    return { depends_on: proc.config.depends_on, waiting_on, dependency_failed: failed };
  }

  /** The processes a target names now (none when its group was removed). */
  targets(target: string): Subprocess[] {
    return this.#graph().targets.get(target) ?? [];
  }

  /** Resolved targets and dependents, rebuilt when the set of groups changed. */
  #graph(): Graph {
    const groups = [...this.sup.groups.values()];
    const cached = this.#cache;
    if (cached !== null && cached.groups.length === groups.length && cached.groups.every((g, i) => g === groups[i])) {
      return cached;
    }
    const byName = groups.map((g) => ({ name: g.name, members: [...g.processes.values()] }));
    const targets = new Map<string, Subprocess[]>();
    const dependents = new Map<Subprocess, Subprocess[]>();
    for (const g of byName) {
      for (const p of g.members) {
        for (const dep of p.config.depends_on) {
          if (!targets.has(dep.target)) targets.set(dep.target, resolveTarget(dep.target, byName) ?? []);
          for (const t of targets.get(dep.target)!) {
            const list = dependents.get(t) ?? [];
            if (!list.includes(p)) list.push(p);
            dependents.set(t, list);
          }
        }
      }
    }
    this.#cache = { groups, targets, dependents, configured: targets.size > 0 };
    return this.#cache;
  }

  /** How `dep` stands: met by every target process, failed by one, else waiting. */
  #entry(dep: DependsOn): EntryStatus {
    const procs = this.targets(dep.target);
    if (procs.length === 0) return "wait";
    let status: EntryStatus = "met";
    for (const t of procs) {
      if (entryMet(t, dep, t.state, this.healthy)) continue;
      const dead = t.state === ProcessState.FATAL || t.state === ProcessState.UNKNOWN ||
        (t.state === ProcessState.EXITED && !t.restartPending);
      if (dead) return { failed: processStateName(t.state) };
      status = "wait";
    }
    return status;
  }

  /** The start gate: true when every entry is met; a failure text when one failed; else false. */
  #gate(proc: Subprocess): boolean | string {
    if (proc.config.depends_on.length === 0) return true;
    const view = this.view(proc);
    if (view.dependency_failed === null && view.waiting_on.length === 0) return true;
    if (!this.#waitingSince.has(proc)) this.#waitingSince.set(proc, this.sup.host.runtime.clock.monotonic());
    const f = view.dependency_failed;
    if (f === null) return false;
    const failure = `dependency ${f.target} failed (${f.state})`;
    if (proc.config.essential && this.sup.mood === SupervisorState.RUNNING) {
      this.#exit(`essential program '${proc.name}' cannot start: ${failure}`, 1);
    }
    return failure;
  }

  /** True when any live process has `depends_on` (the stop gate is active then). */
  #configured(): boolean {
    return this.#graph().configured;
  }

  /** The live processes that depend on `proc`. */
  dependents(proc: Subprocess): readonly Subprocess[] {
    return this.#graph().dependents.get(proc) ?? [];
  }

  /**
   * The stop gate: every dependent of `proc` is stopped (reaped). At
   * shutdown a process outside the dependency graph also waits for the
   * others outside it in groups of higher priority, as supervisord orders.
   */
  mayStop(proc: Subprocess, shutdown: boolean): boolean {
    const dependents = this.dependents(proc);
    if (dependents.some((d) => !STOPPED_STATES.has(d.state))) return false;
    if (!shutdown || dependents.length > 0 || proc.config.depends_on.length > 0) return true;
    const groups = this.sup.sortedGroups();
    const mine = groups.findIndex((g) => [...g.processes.values()].includes(proc));
    return groups.slice(mine + 1).every((g) =>
      [...g.processes.values()].every((p) =>
        STOPPED_STATES.has(p.state) || p.config.depends_on.length > 0 || this.dependents(p).length > 0
      )
    );
  }

  #describe(proc: Subprocess, base: string): string {
    if (proc.config.depends_on.length === 0) return base;
    if (proc.state !== ProcessState.STOPPED && proc.state !== ProcessState.EXITED) return base;
    if (!this.#waitingSince.has(proc) && !this.#restartWhenMet.has(proc)) return base;
    const view = this.view(proc);
    const f = view.dependency_failed;
    if (f !== null) return `dependency ${f.target} failed (${f.state})`;
    return view.waiting_on.length > 0 ? `waiting for ${view.waiting_on.join(", ")}` : base;
  }

  #changed({ proc, from, to }: StateChange): void {
    if (to === ProcessState.STARTING) this.#started(proc);
    if (to === ProcessState.STOPPING || to === ProcessState.STOPPED || to === ProcessState.STARTING) return;
    if (this.sup.mood !== SupervisorState.RUNNING) return;
    for (const dependent of this.dependents(proc)) {
      const mode = dependent.config.on_dependency_failure;
      if (mode === "ignore") continue;
      const lost = dependent.config.depends_on.find((d) =>
        this.targets(d.target).includes(proc) && entryMet(proc, d, from, this.healthy) &&
        !entryMet(proc, d, to, this.healthy)
      );
      if (lost === undefined) continue;
      this.#dependencyLost(dependent, mode, lost, processStateName(to));
    }
  }

  /**
   * The health of `proc` changed (the health checks call this): a dependent
   * gated on `proc:healthy` with `on_dependency_failure` stop or restart
   * loses its dependency when `proc` turns unhealthy.
   */
  healthChanged(proc: Subprocess, healthy: boolean): void {
    this.sup.wake();
    if (healthy || this.sup.mood !== SupervisorState.RUNNING) return;
    for (const dependent of this.dependents(proc)) {
      const mode = dependent.config.on_dependency_failure;
      if (mode === "ignore") continue;
      const lost = dependent.config.depends_on.find((d) =>
        this.targets(d.target).includes(proc) && [d.condition, ...d.or ?? []].includes("healthy")
      );
      if (lost !== undefined) this.#dependencyLost(dependent, mode, lost, "unhealthy");
    }
  }

  /** `on_dependency_failure` stop or restart: stop the dependent, start it again once met. */
  #dependencyLost(dependent: Subprocess, mode: OnDependencyFailure, dep: DependsOn, state: string): void {
    if (mode === "restart" || dependent.config.autostart) this.#restartWhenMet.set(dependent, mode);
    if (dependent.state !== ProcessState.RUNNING && dependent.state !== ProcessState.STARTING) return;
    this.sup.host.logger.info(`stopping '${dependent.name}': dependency '${dep.target}' failed (${state})`);
    dependent.stop();
  }

  /** A process entered STARTING: its wait is over; a start while held is an operator's override. */
  #started(proc: Subprocess): void {
    this.#waitingSince.delete(proc);
    this.#timedOut.delete(proc);
    this.#restartWhenMet.delete(proc);
    const unmet = proc.config.depends_on.find((d) => this.#entry(d) !== "met");
    if (unmet !== undefined) {
      this.sup.host.logger.info(
        `starting '${proc.name}' although dependency '${unmet.target}' ${VERB[unmet.condition]}`,
      );
    }
  }

  #nextDue(now: number): number | null {
    let due: number | null = null;
    const consider = (t: number) => (due = due === null || t < due ? t : due);
    for (const [proc, since] of this.#waitingSince) {
      const timeout = proc.config.depends_timeout * 1000;
      if (timeout > 0 && !this.#timedOut.has(proc)) consider(since + timeout);
    }
    if (this.sup.mood === SupervisorState.RUNNING) {
      for (const proc of this.#restartWhenMet.keys()) if (this.#startable(proc)) consider(now);
    }
    return due;
  }

  #startable(proc: Subprocess): boolean {
    return (proc.state === ProcessState.STOPPED || proc.state === ProcessState.EXITED) &&
      this.sup.startGate(proc) === true;
  }

  #run(now: number): void {
    for (const [proc, since] of this.#waitingSince) {
      const timeout = proc.config.depends_timeout * 1000;
      if (timeout <= 0 || this.#timedOut.has(proc) || now < since + timeout) continue;
      const view = this.view(proc);
      if (view.waiting_on.length === 0 && view.dependency_failed === null) continue;
      const target = proc.config.depends_on.find((d) => this.#entry(d) !== "met")?.target ?? "";
      this.#timedOut.set(proc, target);
      this.sup.host.logger.warn(
        `dependency ${target} of '${proc.name}' failed: not met within depends_timeout (${proc.config.depends_timeout}s)`,
      );
    }
    if (this.sup.mood !== SupervisorState.RUNNING) return;
    for (const proc of [...this.#restartWhenMet.keys()]) {
      if (!this.#startable(proc)) continue;
      this.#restartWhenMet.delete(proc);
      this.sup.host.logger.info(`starting '${proc.name}' again: its dependencies are met`);
      proc.spawn();
    }
  }
}

const installed = new WeakMap<Supervisor, Dependencies>();

/** Plugs dependencies into `sup`; returns the machinery, which {@linkcode dependencyView} finds again. */
export function installDependencies(sup: Supervisor, opts: DependencyOptions = {}): Dependencies {
  const deps = new Dependencies(sup, opts);
  deps.install();
  installed.set(sup, deps);
  return deps;
}

/**
 * The dependency view of `proc` (for the JSON API, our ctl and the web UI),
 * or null when dependencies are not installed in `sup`.
 */
export function dependencyView(sup: Supervisor, proc: Subprocess): DependencyView | null {
  return installed.get(sup)?.view(proc) ?? null;
}
