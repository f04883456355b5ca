/**
 * Health checks plugged into the engine (EXTENSIONS.md §3): a due-time
 * source runs each checked process's probes while it is STARTING or
 * RUNNING (on the engine's one timer, so nothing runs and no timer is set
 * when no program has a check), a state listener resets the health at each
 * spawn and cancels probing at a stop, a describer adds the health to a
 * RUNNING process's description, and `healthcheck_action` acts on entering
 * `unhealthy`. Only transitions are logged.
 *
 * Python counterpart: none (superlance's `httpok` restarts a process that
 * stops answering; the peers: Docker HEALTHCHECK, Kubernetes probes).
 * @module
 */

import { ProcessState, SupervisorState } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { StateChange, Supervisor } from "../process/supervisor.ts";
import { HealthState, type HealthStatus, type HealthTransition, type ProbeRecord } from "./health_state.ts";
import { type ProbeResult, runProbe } from "./probes.ts";
import { ReadyLog } from "./ready_log.ts";

/** One process's health, for the ctl, the web UI and the JSON API. */
export interface HealthView {
  readonly status: HealthStatus;
  /** Consecutive failures counted now. */
  readonly failures: number;
  /** The last results, oldest first. */
  readonly history: readonly ProbeRecord[];
}

/** Runs a probe for a process (the default goes through the runtime seam). */
export type ProbeRunner = (proc: Subprocess) => Promise<ProbeResult>;

/** What the health checks are plugged in with. */
export interface HealthOptions {
  /** Runs a probe; the runtime's by default. */
  readonly run?: ProbeRunner;
  /**
   * Shuts supervisord down with a status (the daemon's essential watch), for
   * `healthcheck_action=shutdown`, which ends with 1. Without it, a plain
   * shutdown.
   */
  readonly exit?: (line: string, status: number) => void;
  /** Told of every health transition (the dependencies act on `unhealthy`). */
  readonly onTransition?: (proc: Subprocess, healthy: boolean) => void;
}

/** The health checks of one engine; `install()` plugs them in. */
export class HealthChecks {
  readonly #states = new WeakMap<Subprocess, HealthState>();
  readonly #ready = new WeakMap<Subprocess, ReadyLog>();
  /** Stopped by `healthcheck_action=restart`: started again once stopped. */
  readonly #restartAfterStop = new Set<Subprocess>();
  /** Stopped by `healthcheck_action=stop`: described `stopped: unhealthy` until started again. */
  readonly #stoppedUnhealthy = new Set<Subprocess>();
  readonly #run: ProbeRunner;
  readonly #exit: (line: string, status: number) => void;
  readonly #onTransition: (proc: Subprocess, healthy: boolean) => void;

  /**
   * @param sup The engine.
   * @param opts The probe runner and the exit and transition hooks.
   */
  constructor(readonly sup: Supervisor, opts: HealthOptions = {}) {
    this.#onTransition = opts.onTransition ?? (() => {});
    this.#run = opts.run ??
      ((proc) => runProbe(sup.host.runtime, proc.config.healthcheck!, () => sup.host.prepare(proc)));
    this.#exit = opts.exit ?? ((line) => {
      sup.host.logger.critical(line);
      sup.shutdown();
    });
  }

  /** Plugs the source, the state listener and the describer in; returns the undo. */
  install(): () => void {
    const offs = [
      this.sup.addSource({ nextDue: () => this.#nextDue(), run: (now) => this.#probeDue(now) }),
      this.sup.onStateChange((change) => this.#changed(change)),
      this.sup.addDescriber((proc, base) => this.#describe(proc, base)),
    ];
    return () => offs.forEach((off) => off());
  }

  /**
   * True when `proc` has a check and its status is `healthy`, or, without a
   * check, has `ready_log` and printed its ready line since its spawn.
   */
  healthy(proc: Subprocess): boolean {
    if (proc.config.healthcheck === null) return this.#ready.get(proc)?.matched ?? false;
    return this.#states.get(proc)?.status === "healthy";
  }

  /** Starts watching `proc`'s output for its `ready_log` line (again at each spawn). */
  #watchReadyLog(proc: Subprocess): void {
    const pattern = proc.config.ready_log;
    if (pattern === null || proc.output === null) return;
    const known = this.#ready.get(proc);
    if (known !== undefined && known.pattern === pattern) return known.reset();
    const ready = new ReadyLog(pattern);
    this.#ready.set(proc, ready);
    if (known !== undefined) return; // the observer below reads the current ReadyLog
    const output = proc.output;
    const previous = output.onOutput;
    output.onOutput = (channel, data) => {
      previous?.(channel, data);
      if (!this.#ready.get(proc)?.feed(channel, data)) return;
      this.sup.host.logger.info(`health: '${proc.name}' is ready (ready_log matched)`);
      if (proc.config.healthcheck === null) this.#onTransition(proc, true);
      this.sup.wake();
    };
  }

  /** The health of `proc`, or null when it has no check. */
  view(proc: Subprocess): HealthView | null {
    if (proc.config.healthcheck === null) return null;
    const s = this.#state(proc);
    return { status: s.status, failures: s.failures, history: s.history };
  }

  #state(proc: Subprocess): HealthState {
    let s = this.#states.get(proc);
    if (s === undefined || s.config !== proc.config.healthcheck) {
      const changed = s !== undefined;
      s = new HealthState(proc.config.healthcheck!);
      this.#states.set(proc, s);
      // A check changed in place on a live process starts over as at a spawn.
      const live = proc.state === ProcessState.STARTING || proc.state === ProcessState.RUNNING;
      if (changed && live) s.spawned(this.sup.host.runtime.clock.monotonic());
    }
    return s;
  }

  #checked(): Subprocess[] {
    const out: Subprocess[] = [];
    for (const g of this.sup.groups.values()) {
      for (const p of g.processes.values()) if (p.config.healthcheck !== null) out.push(p);
    }
    return out;
  }

  #nextDue(): number | null {
    let due: number | null = null;
    for (const proc of this.#checked()) {
      const d = this.#states.has(proc) ? this.#state(proc).nextDue() : null;
      if (d !== null && (due === null || d < due)) due = d;
    }
    return due;
  }

  #probeDue(now: number): void {
    for (const proc of this.#checked()) {
      const state = this.#states.has(proc) ? this.#state(proc) : undefined;
      const due = state?.nextDue() ?? null;
      if (state === undefined || due === null || due > now) continue;
      const ticket = state.begin(now);
      this.#run(proc).then((result) => {
        const at = this.sup.host.runtime.clock.monotonic();
        const transition = state.finish(ticket, result.ok, at, result.detail);
        if (transition !== null) this.#transition(proc, transition);
        this.sup.wake();
      });
    }
  }

  #transition(proc: Subprocess, t: HealthTransition): void {
    const logger = this.sup.host.logger;
    if (t.to === "healthy") {
      logger.info(`health: '${proc.name}' is healthy`);
      this.#onTransition(proc, true);
      return;
    }
    const plural = t.count === 1 ? "failure" : "consecutive failures";
    logger.warn(`health: '${proc.name}' is unhealthy (${t.count} ${plural}: ${t.detail})`);
    this.#onTransition(proc, false);
    const action = proc.config.healthcheck!.action;
    if (action === "none" || this.sup.mood !== SupervisorState.RUNNING) return;
    if (proc.state !== ProcessState.RUNNING && proc.state !== ProcessState.STARTING) return;
    if (action === "shutdown") {
      this.#exit(`health: '${proc.name}' is unhealthy (healthcheck_action=shutdown)`, 1);
      return;
    }
    logger.info(`health: ${action === "restart" ? "restarting" : "stopping"} '${proc.name}'`);
    if (action === "restart") this.#restartAfterStop.add(proc);
    else this.#stoppedUnhealthy.add(proc);
    proc.stop();
  }

  #changed({ proc, to }: StateChange): void {
    if (to === ProcessState.STARTING) this.#watchReadyLog(proc);
    if (proc.config.healthcheck === null) return;
    const state = this.#state(proc);
    if (to === ProcessState.STARTING) {
      this.#removeStaleFile(proc);
      this.#stoppedUnhealthy.delete(proc);
      this.#restartAfterStop.delete(proc);
      state.spawned(this.sup.host.runtime.clock.monotonic());
      return;
    }
    if (to === ProcessState.RUNNING) return;
    state.stopped();
    if (
      to === ProcessState.STOPPED && this.#restartAfterStop.delete(proc) && this.sup.mood === SupervisorState.RUNNING
    ) {
      queueMicrotask(() => {
        if (proc.state === ProcessState.STOPPED && this.sup.mood === SupervisorState.RUNNING) proc.spawn();
      });
    }
  }

  /**
   * A `file:` check's file left from an earlier run is removed as the
   * process enters STARTING, which comes before its child is created.
   */
  #removeStaleFile(proc: Subprocess): void {
    const probe = proc.config.healthcheck!.probe;
    if (probe.kind !== "file") return;
    try {
      this.sup.host.runtime.fs.unlinkSync(probe.path);
    } catch { /* none left, or not ours to remove */ }
  }

  #describe(proc: Subprocess, base: string): string {
    if (proc.config.healthcheck === null) return base;
    if (proc.state === ProcessState.RUNNING) return `${base}, ${this.#state(proc).status}`;
    if (proc.state === ProcessState.STOPPED && this.#stoppedUnhealthy.has(proc)) return "stopped: unhealthy";
    return base;
  }
}

const installed = new WeakMap<Supervisor, HealthChecks>();

/** Plugs health checks into `sup`; {@linkcode healthView} finds them again. */
export function installHealthChecks(sup: Supervisor, opts: HealthOptions = {}): HealthChecks {
  const checks = new HealthChecks(sup, opts);
  checks.install();
  installed.set(sup, checks);
  return checks;
}

/** The health of `proc`, or null when it has no check or checks are not installed in `sup`. */
export function healthView(sup: Supervisor, proc: Subprocess): HealthView | null {
  return installed.get(sup)?.view(proc) ?? null;
}
