/**
 * Cron programs in the engine (EXTENSIONS.md §9): one due-time source that
 * starts each scheduled process at its `cron` times and stops it at its
 * `cron_stop` times (starts through {@linkcode ProcessControl}; stops are
 * the schedule's, not an operator's, so a statefile does not record them). A fire time that
 * finds the job still running skips the run (`cron_overlap=skip`) or stops
 * it and starts it again (`restart`). Missed runs are not caught up: after
 * a fire the next time is computed from the current wall time. Times of a
 * field expression follow the wall clock (a wall-clock jump moves them);
 * `@every` follows the monotonic clock from the daemon's start (or the
 * schedule's enable). An operator's stop does not disable the schedule;
 * `setEnabled` does. A scheduled process that is not running is described
 * with its next run.
 *
 * Nothing is registered unless a program has `cron`: without one the
 * source is never due and sets no timer.
 *
 * Python counterpart: none (cron is out of scope in supervisord, #122; the
 * peers: the Go port's and rsupervisord's `cron`, process-compose's
 * `schedule`).
 * @module
 */

import type { CronSpec } from "../config/cron_expr.ts";
import type { CronConfig } from "../config/schema.ts";
import { ProcessState, RUNNING_STATES, SupervisorState } from "../states.ts";
import { ProcessControl } from "./control.ts";
import { formatWall, localTimeZone, nextFire } from "./cron_next.ts";
import type { Subprocess } from "./subprocess.ts";
import type { StateChange, Supervisor } from "./supervisor.ts";

/** When a timed action is next due: a wall-clock time (field expressions) or a monotonic one (`@every`). */
interface Due {
  readonly wall: number | null;
  readonly mono: number | null;
}

interface Job {
  readonly config: CronConfig;
  readonly tz: string;
  enabled: boolean;
  start: Due | null;
  stop: Due | null;
  /** Stopped by `cron_overlap=restart`: started again once stopped. */
  restartPending: boolean;
}

/** A scheduled process's schedule, for the JSON API and our ctl. */
export interface ScheduleView {
  readonly cron: string;
  readonly cron_stop: string | null;
  readonly timezone: string;
  readonly overlap: "skip" | "restart";
  readonly enabled: boolean;
  /** The next start, ms since the epoch; null when disabled or never. */
  readonly next_run: number | null;
}

/** The cron jobs of one engine; `install()` plugs them in. */
export class CronJobs {
  readonly #jobs = new WeakMap<Subprocess, Job>();
  readonly #control: ProcessControl;

  /** @param sup The engine. */
  constructor(readonly sup: Supervisor) {
    this.#control = new ProcessControl(sup);
  }

  /** Plugs the source, the state listener and the describer in; returns the undo. */
  install(): () => void {
    const offs = [
      this.sup.addSource({ nextDue: (now) => this.#nextDue(now), run: (now) => this.#run(now) }),
      this.sup.onStateChange((change) => this.#changed(change)),
      this.sup.addDescriber((proc, base) => this.#describe(proc, base)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** The schedule of `proc`, or null when it has none. */
  view(proc: Subprocess): ScheduleView | null {
    const job = this.#job(proc, this.#mono());
    if (job === null) return null;
    return {
      cron: job.config.start.source,
      cron_stop: job.config.stop?.source ?? null,
      timezone: job.tz,
      overlap: job.config.overlap,
      enabled: job.enabled,
      next_run: job.enabled ? this.#wallOf(job.start) : null,
    };
  }

  /** Enables or disables the schedule of `proc`; false when it has none. Enabling computes the next times afresh. */
  setEnabled(proc: Subprocess, enabled: boolean): boolean {
    const now = this.#mono();
    const job = this.#job(proc, now);
    if (job === null) return false;
    if (enabled && !job.enabled) {
      job.start = this.#next(job.config.start, job.tz, now);
      job.stop = job.config.stop === null ? null : this.#next(job.config.stop, job.tz, now);
    }
    job.enabled = enabled;
    this.sup.host.logger.info(`cron: schedule of '${proc.name}' ${enabled ? "enabled" : "disabled"}`);
    this.sup.wake();
    return true;
  }

  #mono(): number {
    return this.sup.host.runtime.clock.monotonic();
  }

  #job(proc: Subprocess, now: number): Job | null {
    const config = proc.config.cron;
    if (config === undefined || config === null) return null;
    let job = this.#jobs.get(proc);
    // A new config (an in-place apply) starts the schedule afresh.
    if (job === undefined || job.config !== config) {
      const tz = config.timezone ?? localTimeZone();
      job = {
        config,
        tz,
        enabled: true,
        start: this.#next(config.start, tz, now),
        stop: config.stop === null ? null : this.#next(config.stop, tz, now),
        restartPending: false,
      };
      this.#jobs.set(proc, job);
    }
    return job;
  }

  #scheduled(now: number): Array<[Subprocess, Job]> {
    const out: Array<[Subprocess, Job]> = [];
    for (const g of this.sup.groups.values()) {
      for (const p of g.processes.values()) {
        const job = this.#job(p, now);
        if (job !== null) out.push([p, job]);
      }
    }
    return out;
  }

  /** The next time of `spec` after now. */
  #next(spec: CronSpec, tz: string, now: number): Due | null {
    if (spec.kind === "every") return { wall: null, mono: now + spec.ms };
    const wall = nextFire(spec, tz, this.sup.host.runtime.clock.now());
    return wall === null ? null : { wall, mono: null };
  }

  /** `due` as a monotonic time. */
  #monoOf(due: Due, now: number): number {
    return due.mono ?? now + Math.max(0, due.wall! - this.sup.host.runtime.clock.now());
  }

  #wallOf(due: Due | null): number | null {
    if (due === null) return null;
    return due.wall ?? this.sup.host.runtime.clock.now() + (due.mono! - this.#mono());
  }

  #isDue(due: Due | null, now: number): boolean {
    if (due === null) return false;
    return due.mono !== null ? due.mono <= now : due.wall! <= this.sup.host.runtime.clock.now();
  }

  #nextDue(now: number): number | null {
    let next: number | null = null;
    for (const [, job] of this.#scheduled(now)) {
      if (!job.enabled) continue;
      for (const due of [job.start, job.stop]) {
        if (due === null) continue;
        const at = this.#monoOf(due, now);
        if (next === null || at < next) next = at;
      }
    }
    return next;
  }

  #run(now: number): void {
    for (const [proc, job] of this.#scheduled(now)) {
      if (!job.enabled) continue;
      if (this.#isDue(job.stop, now)) {
        job.stop = this.#next(job.config.stop!, job.tz, now);
        this.#fireStop(proc);
      }
      if (this.#isDue(job.start, now)) {
        const label = this.#label(job.start!, job.tz);
        job.start = this.#next(job.config.start, job.tz, now);
        this.#fireStart(proc, job, label);
      }
    }
  }

  #label(due: Due, tz: string): string {
    return due.wall !== null ? formatWall(due.wall, tz) : `@every`;
  }

  #fireStart(proc: Subprocess, job: Job, label: string): void {
    if (this.sup.mood !== SupervisorState.RUNNING) return;
    const logger = this.sup.host.logger;
    if (RUNNING_STATES.has(proc.state) || proc.state === ProcessState.STOPPING) {
      if (job.config.overlap === "skip") {
        logger.info(`cron: '${proc.name}' is still running: run of ${label} skipped`);
        return;
      }
      logger.info(`cron: '${proc.name}' is still running: restarting it for the run of ${label}`);
      job.restartPending = true;
      if (proc.state !== ProcessState.STOPPING) proc.stop();
      return;
    }
    logger.info(`cron: starting '${proc.name}' (run of ${label})`);
    this.#start(proc);
  }

  #start(proc: Subprocess): void {
    void Promise.resolve(this.#control.startProcess(proc, { wait: false })).then((outcome) => {
      if (!outcome.ok) this.sup.host.logger.warn(`cron: cannot start '${proc.name}': ${outcome.message}`);
    });
  }

  #fireStop(proc: Subprocess): void {
    if (this.sup.mood !== SupervisorState.RUNNING || !RUNNING_STATES.has(proc.state)) return;
    this.sup.host.logger.info(`cron: stopping '${proc.name}' (cron_stop)`);
    proc.stop();
  }

  #changed({ proc, to }: StateChange): void {
    const job = proc.config.cron ? this.#jobs.get(proc) : undefined;
    if (job === undefined || !job.restartPending) return;
    if (to === ProcessState.STARTING) job.restartPending = false;
    if (to !== ProcessState.STOPPED && to !== ProcessState.EXITED && to !== ProcessState.FATAL) return;
    job.restartPending = false;
    queueMicrotask(() => {
      if (this.sup.mood === SupervisorState.RUNNING && !RUNNING_STATES.has(proc.state)) this.#start(proc);
    });
  }

  #describe(proc: Subprocess, base: string): string {
    if (!proc.config.cron) return base;
    if (RUNNING_STATES.has(proc.state) || proc.state === ProcessState.STOPPING) return base;
    const job = this.#job(proc, this.#mono());
    if (job === null) return base;
    const next = !job.enabled
      ? "schedule disabled"
      : job.start === null
      ? "no next run"
      : `next run ${formatWall(this.#wallOf(job.start)!, job.tz)}`;
    return base === "Not started" ? next : `${base}, ${next}`;
  }
}

const installed = new WeakMap<Supervisor, CronJobs>();

/** Plugs cron jobs into `sup`; {@linkcode cronJobs} finds them again. */
export function installCronJobs(sup: Supervisor): CronJobs {
  const jobs = new CronJobs(sup);
  jobs.install();
  installed.set(sup, jobs);
  return jobs;
}

/** The cron jobs installed in `sup`, or null. */
export function cronJobs(sup: Supervisor): CronJobs | null {
  return installed.get(sup) ?? null;
}
