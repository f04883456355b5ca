/**
 * The engine: the live process groups, supervisord's mood, the transition
 * passes that move processes, signal handling and the ordered shutdown (its
 * state and report in _shutdown.ts; gates in _gates.ts).
 *
 * There is no fixed-period loop. A pass runs when something happened (a
 * child was finished, a request or signal arrived) or when the earliest due
 * time of a registered {@linkcode DueSource} comes (schedule.ts): the group
 * transitions, the shutdown report and the TICK events are three such
 * sources, and other components add their own with `addSource()`. After each
 * pass one timer is set for the next due time, and none when nothing is
 * due, so an idle supervisord does no work at all.
 *
 * Python counterpart: supervisor/supervisord.py (`Supervisor.runforever`,
 * `handle_signal`, `shutdown_report`, the ordered stop phases,
 * `add_process_group`, `remove_process_group`).
 * @module
 */

import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import {
  EventBus,
  processGroupEvent,
  processStateEvent,
  type SupervisorEvent,
  supervisorStateChangeEvent,
  TickClock,
} from "../events/events.ts";
import { decodeExitStatus } from "./exit_status.ts";
import type { ChildOutput, Logger } from "../logging/types.ts";
import type { Runtime, SpawnOptions } from "../runtime/types.ts";
import { attachFcgiSocket } from "./fcgi_sockets.ts";
import { byPriority, ProcessGroup } from "./group.ts";
import { type ProcessState, SupervisorState } from "../states.ts";
import { type DueSource, Schedule } from "./schedule.ts";
import { type ProcessHost, Subprocess } from "./subprocess.ts";
import { ShutdownOrder, stopGated } from "./_shutdown.ts";
import { type Describer, Gates, type StartGate, type StopGate } from "./_gates.ts";
import { emitLogEvents, makeListenerPool } from "./_group_events.ts";

export type { Describer, StartGate, StopGate } from "./_gates.ts";

/** What the engine needs from the daemon around it. */
export interface EngineHost {
  readonly runtime: Runtime;
  readonly logger: Logger;
  /**
   * Creates a process's output sink (AUTO log files are created now); null
   * discards output. An event listener's stdout carries the listener
   * protocol: it is logged but never captured.
   */
  createOutput(config: ProcessConfig, listener: boolean, group: string): Promise<ChildOutput | null>;
  /** Builds what to spawn for a process; throws SpawnError. */
  prepare(proc: Subprocess): SpawnOptions;
  /** The daemon's event bus, kept across reloads; a fresh one when absent. */
  readonly bus?: EventBus;
  /** `[supervisord] identifier`, sent in event envelopes. */
  readonly identifier?: string;
}

/** A process state change, as events and RPC waiters see it. */
export interface StateChange {
  proc: Subprocess;
  from: ProcessState;
  to: ProcessState;
  expected: boolean;
}

/** How a run of the engine ended. */
export type RunOutcome = "shutdown" | "restart";

/** Signals supervisord acts on (SURFACE SIG.handled). */
export type EngineSignal = "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGHUP" | "SIGUSR2" | "SIGCHLD";

/** The supervision engine (Python `Supervisor`). */
export class Supervisor {
  #mood: SupervisorState = SupervisorState.RUNNING;
  readonly groups = new Map<string, ProcessGroup>();
  readonly #stateListeners = new Set<(change: StateChange) => void>();
  readonly #gates = new Gates(() => this.wake());
  readonly #processHost: ProcessHost;
  readonly #shutdown = new ShutdownOrder();
  #passQueued = false;
  readonly #schedule: Schedule;
  #running = false;
  #finished: ((outcome: RunOutcome) => void) | null = null;
  /** Where events go (SURFACE §10); pools subscribe to it. */
  readonly bus: EventBus;
  readonly #ticks = new TickClock();

  constructor(readonly host: EngineHost) {
    this.bus = host.bus ?? new EventBus();
    this.#processHost = {
      runtime: host.runtime,
      logger: host.logger,
      mood: () => this.#mood,
      prepare: (proc) => host.prepare(proc),
      stateChanged: (proc, from, to, expected) => {
        this.notify(processStateEvent(to, {
          processname: proc.name,
          groupname: proc.groupName,
          from_state: from,
          tries: proc.backoff,
          pid: proc.pid,
          expected,
        }));
        for (const l of [...this.#stateListeners]) l({ proc, from, to, expected });
      },
      wake: () => this.wake(),
      mayStart: (proc) => this.startGate(proc) === true,
    };
    this.#schedule = new Schedule(host.runtime.clock, () => this.#pass());
    this.#schedule.add({
      nextDue: () => this.#shutdown.nextReport(),
      run: (now) => {
        if (this.#shutdown.stopping) this.#shutdown.report(now, this.#unstopped(), this.host.logger);
      },
    });
    this.#schedule.add({
      nextDue: (now) => this.#nextTransition(now),
      run: (now) => {
        for (const group of this.sortedGroups()) group.transition(now);
      },
    });
    this.#schedule.add({
      nextDue: (now) => this.#nextTick(now),
      run: () => {
        for (const event of this.#ticks.check(this.host.runtime.clock.now() / 1000)) this.bus.notify(event);
      },
    });
  }

  /**
   * Registers a source of timed work, run in every pass after the engine's
   * own (group transitions, shutdown report, TICK); the engine's one timer
   * then also serves its due times. Returns the function that removes it.
   */
  addSource(source: DueSource): () => void {
    const remove = this.#schedule.add(source);
    this.wake();
    return () => {
      remove();
      this.wake();
    };
  }

  /**
   * Adds a start gate: while it answers false for a process, that process's
   * automatic starts (autostart, autorestart, backoff retries) are held;
   * starts requested through process control are not. When the answer may
   * have turned true, the gate's owner calls {@linkcode wake}. Returns the
   * function that removes the gate.
   */
  addStartGate(gate: StartGate): () => void {
    return this.#gates.addStartGate(gate);
  }

  /**
   * What the start gates answer for `proc`: true when every gate lets it
   * start, else the first other answer (false, or a failure text).
   */
  startGate(proc: Subprocess): boolean | string {
    return this.#gates.startGate(proc);
  }

  /**
   * Adds a stop gate (see {@linkcode StopGate}); returns the function that
   * removes it. Without an active gate the shutdown stops groups one at a
   * time, highest priority first, as supervisord does.
   */
  addStopGate(gate: StopGate): () => void {
    return this.#gates.addStopGate(gate);
  }

  /** True when a stop gate orders the stops (see {@linkcode StopGate}). */
  get stopsOrdered(): boolean {
    return this.#gates.stopsOrdered;
  }

  /** True when every active stop gate lets `proc` get its stop signal now. */
  mayStop(proc: Subprocess, shutdown: boolean): boolean {
    return this.#gates.mayStop(proc, shutdown);
  }

  /** Adds a describer of RPC descriptions; returns the function that removes it. */
  addDescriber(describer: Describer): () => void {
    return this.#gates.addDescriber(describer);
  }

  /** True when a describer is registered (else {@linkcode describe} returns its base text). */
  get rewritesDescriptions(): boolean {
    return this.#gates.rewritesDescriptions;
  }

  /** `base`, supervisord's description of `proc`, as the describers rewrite it. */
  describe(proc: Subprocess, base: string): string {
    return this.#gates.describe(proc, base);
  }

  /** supervisord's state (RPC getState). */
  get mood(): SupervisorState {
    return this.#mood;
  }

  /** Subscribes to process state changes; returns the unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.#stateListeners.add(listener);
    return () => void this.#stateListeners.delete(listener);
  }

  /** Emits an event to every subscribed pool, then lets a pass dispatch it. */
  notify(event: SupervisorEvent): void {
    this.bus.notify(event);
    this.wake();
  }

  /** Adds a group unless one of that name exists (Python `add_process_group`). */
  async addProcessGroup(config: ProcessGroupConfig): Promise<boolean> {
    if (this.groups.has(config.name)) return false;
    const procs: Subprocess[] = [];
    const listener = config.kind === "eventlistener";
    for (const pc of config.processes) {
      const proc = new Subprocess(
        pc,
        config.name,
        this.#processHost,
        await this.host.createOutput(pc, listener, config.name),
      );
      emitLogEvents(proc, listener, (event) => this.notify(event));
      procs.push(proc);
    }
    if (this.groups.has(config.name)) return false;
    if (config.kind === "fcgi-program") {
      try {
        attachFcgiSocket(config.socket, procs, this.host);
      } catch (e) {
        await Promise.all(procs.map((p) => p.output?.close()));
        throw e;
      }
    }
    const group = new ProcessGroup(config, procs);
    if (config.kind === "eventlistener") {
      group.pool = makeListenerPool(group, config, {
        bus: this.bus,
        logger: this.host.logger,
        identifier: this.host.identifier ?? "supervisor",
        wake: () => this.wake(),
      });
    }
    this.groups.set(config.name, group);
    this.notify(processGroupEvent("ADDED", config.name));
    return true;
  }

  /** Removes a group whose processes are all stopped (Python `remove_process_group`). */
  /**
   * Adds (or replaces by name) one process of a program group, without a
   * group event (process/apply.ts); the caller calls `wake()` once it has
   * set the process up.
   */
  async addProcess(group: ProcessGroup, config: ProcessConfig): Promise<Subprocess> {
    const output = await this.host.createOutput(config, false, group.name);
    const proc = new Subprocess(config, group.name, this.#processHost, output);
    emitLogEvents(proc, false, (event) => this.notify(event));
    group.put(proc);
    return proc;
  }

  async removeProcessGroup(name: string): Promise<boolean> {
    const group = this.groups.get(name);
    if (group === undefined || group.unstopped().length > 0) return false;
    group.pool?.close();
    this.groups.delete(name);
    await group.close();
    this.notify(processGroupEvent("REMOVED", name));
    return true;
  }

  /** Ends event delivery of this run's pools (before a reload builds new ones). */
  closePools(): void {
    for (const group of this.groups.values()) group.pool?.close();
  }

  /** Groups sorted by priority, ties in insertion order. */
  sortedGroups(): ProcessGroup[] {
    return byPriority([...this.groups.values()]);
  }

  /** Starts moving processes; resolves when a shutdown or restart has stopped everything. */
  run(): Promise<RunOutcome> {
    this.#running = true;
    const done = new Promise<RunOutcome>((resolve) => (this.#finished = resolve));
    this.notify(supervisorStateChangeEvent("RUNNING"));
    return done;
  }

  /** Requests an orderly shutdown (SIGTERM, RPC shutdown). */
  shutdown(): void {
    this.#mood = SupervisorState.SHUTDOWN;
    this.wake();
  }

  /** Requests a restart: stop everything, then reload (SIGHUP, RPC restart). */
  restart(): void {
    this.#mood = SupervisorState.RESTARTING;
    this.wake();
  }

  /** Acts on a signal supervisord received (Python `handle_signal`). */
  handleSignal(sig: EngineSignal): void {
    const logger = this.host.logger;
    if (sig === "SIGTERM" || sig === "SIGINT" || sig === "SIGQUIT") {
      logger.warn(`received ${sig} indicating exit request`);
      this.shutdown();
    } else if (sig === "SIGHUP") {
      if (this.#mood === SupervisorState.SHUTDOWN) {
        logger.warn(`ignored ${sig} indicating restart request (shutdown in progress)`);
      } else {
        logger.warn(`received ${sig} indicating restart request`);
        this.restart();
      }
    } else if (sig === "SIGCHLD") {
      this.#reapOrphans();
      logger.debug(`received ${sig} indicating a child quit`);
    } else {
      logger.info(`received ${sig} indicating log reopen request`);
      this.reopenLogs();
    }
  }

  /**
   * Waits for exited children that are none of ours (orphans reparented to
   * a PID 1 supervisord), as Python's `reap` does for unknown pids.
   */
  #reapOrphans(): void {
    for (const { pid, status } of this.host.runtime.reapOrphans()) {
      this.host.logger.info(`reaped unknown pid ${pid} (${decodeExitStatus(status).text})`);
    }
  }

  /** Reopens the main log and every child log (SIGUSR2). */
  reopenLogs(): Promise<void> {
    this.host.logger.info("supervisord logreopen");
    return Promise.all([this.host.logger.reopen(), ...[...this.groups.values()].map((g) => g.reopenLogs())]).then(
      () => {},
    );
  }

  /** Asks for a transition pass as soon as possible; passes are coalesced. */
  wake(): void {
    if (!this.#running || this.#passQueued) return;
    this.#passQueued = true;
    queueMicrotask(() => {
      this.#passQueued = false;
      this.#pass();
    });
  }

  /** One pass: shutdown bookkeeping, every registered source, then the next timer. */
  #pass(): void {
    if (!this.#running) return;
    const now = this.host.runtime.clock.monotonic();
    if (this.#mood < SupervisorState.RUNNING) {
      if (!this.#shutdown.stopping) {
        this.#shutdown.begin(this.sortedGroups());
        this.bus.notify(supervisorStateChangeEvent("STOPPING"));
      }
      if (this.stopsOrdered) stopGated(this.sortedGroups(), (proc) => this.mayStop(proc, true));
      else this.#shutdown.stopLast();
      if (this.#unstopped().length === 0) return this.#finish();
    }
    this.#schedule.run(now);
    if (this.#mood < SupervisorState.RUNNING && this.#shutdown.dropStopped()) this.wake();
    this.#schedule.arm(now);
  }

  #unstopped(): Subprocess[] {
    return [...this.groups.values()].flatMap((g) => g.unstopped());
  }

  /** The earliest time any process has something due, or null. */
  #nextTransition(now: number): number | null {
    let due: number | null = null;
    for (const g of this.groups.values()) {
      const d = g.nextDue(now);
      if (d !== null && (due === null || d < due)) due = d;
    }
    return due;
  }

  /** When the next TICK_5 boundary passes, if any pool listens for ticks (no timer otherwise). */
  #nextTick(now: number): number | null {
    if (
      !this.bus.hasSubscribers("TICK_5") && !this.bus.hasSubscribers("TICK_60") && !this.bus.hasSubscribers("TICK_3600")
    ) {
      return null;
    }
    const wall = this.host.runtime.clock.now();
    return now + (5000 - (wall % 5000)) + 1;
  }

  #finish(): void {
    this.#running = false;
    this.#schedule.stop();
    const outcome: RunOutcome = this.#mood === SupervisorState.RESTARTING ? "restart" : "shutdown";
    this.#finished?.(outcome);
  }

  /** Every process of every group, groups by priority. */
  allProcesses(): Subprocess[] {
    return this.sortedGroups().flatMap((g) => [...g.processes.values()]);
  }
}
