/**
 * One supervised process and its state machine: spawn, stop and kill,
 * finish (the child was reaped), and `transition(now)`, which advances the
 * time-driven states (startsecs, backoff retries, stopwaitsecs escalation,
 * autostart, autorestart).
 *
 * Time is passed in (monotonic milliseconds), effects go through the
 * {@linkcode ProcessHost}, and `nextDue()` tells the engine when the next
 * time-driven change can happen, so nothing polls: a child's exit, a due
 * timer or a request is what moves a process. When to start again after a
 * failed start or an exit is the {@linkcode RestartPolicy}'s answer, and the
 * host's start gate (`mayStart`) can hold any automatic start (autostart,
 * autorestart, backoff retries); requested starts do not ask it. The
 * process's fields are read-only outside the engine: only its own methods
 * change them.
 *
 * Differences from Python that no client can observe: durations are measured
 * on the monotonic clock (so the wall-clock rollback guards of Python's
 * `_check_and_adjust_for_system_clock_rollback` are not needed), and the
 * times reported over RPC are wall-clock seconds taken at the same moments.
 *
 * Python counterpart: supervisor/process.py (`Subprocess`).
 * @module
 */

import type { ProcessConfig } from "../config/schema.ts";
import { signalName } from "../config/datatypes.ts";
import type { ChildOutput, Logger } from "../logging/types.ts";
import type { Child, ExitStatus, Runtime, SpawnOptions } from "../runtime/types.ts";
import type { ListenerProtocol } from "../events/listener_protocol.ts";
import { watchChild } from "./_child_pipes.ts";
import { decodeExitStatus, type RunEnd } from "./exit_status.ts";
import type { RestartPolicy } from "./restart_policy.ts";
import { restartPolicyFor } from "./backoff_policy.ts";
import { ResourceHold, type SpawnResource } from "./spawn_resource.ts";
import { startChild, startFailure } from "./_child_start.ts";
import { signalChild } from "./_child_signal.ts";
import { ProcessState, processStateName, SupervisorState } from "../states.ts";

/** What a process needs from the engine that owns it. */
export interface ProcessHost {
  readonly runtime: Runtime;
  readonly logger: Logger;
  /** supervisord's current state (Python `options.mood`). */
  mood(): SupervisorState;
  /** Builds what to spawn; throws SpawnError (exec_args.ts) with supervisord's spawnerr text. */
  prepare(proc: Subprocess): SpawnOptions;
  /** Called after every state change (events, RPC waiters). */
  stateChanged(proc: Subprocess, from: ProcessState, to: ProcessState, expected: boolean): void;
  /** Asks the engine for a transition pass soon (a child was finished). */
  wake(): void;
  /**
   * The start gate: false holds an automatic start (autostart, autorestart,
   * a backoff retry) until it turns true, when its owner calls the engine's
   * `wake()`. Absent: automatic starts are never held.
   */
  mayStart?(proc: Subprocess): boolean;
}

/** One program instance (SURFACE §4.2). */
export class Subprocess {
  #state: ProcessState = ProcessState.STOPPED;
  #pid = 0;
  #laststart: number | null = null;
  #laststartWall = 0;
  #laststopWall = 0;
  /** Monotonic ms before which nothing is due (backoff retry, startsecs, stop deadline); 0 = none. */
  #delay = 0;
  #backoff = 0;
  /** The policy said to give up after the current failed start. */
  #givingUp = false;
  /** Monotonic ms at which an EXITED process starts again; null = it stays EXITED. */
  #restartAt: number | null = null;
  #killing = false;
  #exitstatus: number | null = null;
  #spawnerr: string | null = null;
  #lastEnd: RunEnd | null = null;
  /** Monotonic ms of the last `waiting for <name> to stop` line; null = none since the stop request. */
  #laststopreport: number | null = null;
  #child: Child | null = null;
  #listener: ListenerProtocol | null = null;
  readonly #resource = new ResourceHold();
  /**
   * Stopped by an operator (RPC, web UI, ctl, API) and not started by one
   * since (extension, EXTENSIONS.md §7): automatic starts are held, the
   * statefile remembers it across restarts. Set and cleared by process control.
   */
  operatorStopped = false;
  #stdinClosed = false;

  /**
   * @param policy When to start again on its own: supervisord's, or the `backoff*` keys' (backoff_policy.ts).
   */
  constructor(
    readonly config: ProcessConfig,
    readonly groupName: string,
    readonly host: ProcessHost,
    readonly output: ChildOutput | null = null,
    readonly policy: RestartPolicy = restartPolicyFor(config, { clock: host.runtime.clock, logger: host.logger }),
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** The current state. */
  get state(): ProcessState {
    return this.#state;
  }

  /** The running child's pid, 0 when none. */
  get pid(): number {
    return this.#pid;
  }

  /** Monotonic ms of the last spawn; null when never started (Python `laststart == 0`). */
  get laststart(): number | null {
    return this.#laststart;
  }

  /** Wall-clock seconds of the last spawn, 0 when never (RPC `start`). */
  get laststartWall(): number {
    return this.#laststartWall;
  }

  /** Wall-clock seconds of the last exit, 0 when never (RPC `stop`). */
  get laststopWall(): number {
    return this.#laststopWall;
  }

  /** Failed starts in a row (events' `tries`); 0 once RUNNING. */
  get backoff(): number {
    return this.#backoff;
  }

  /** True when an EXITED process will be started again on its own (autorestart). */
  get restartPending(): boolean {
    return this.#state === ProcessState.EXITED && this.#restartAt !== null;
  }

  /** How the last start or run ended (an exit status or a spawn error); null before any. */
  get lastEnd(): RunEnd | null {
    return this.#lastEnd;
  }

  /** True while a stop signal has been sent and the child has not yet exited. */
  get killing(): boolean {
    return this.#killing;
  }

  /** The last exit code, null when unknown (RPC `exitstatus`). */
  get exitstatus(): number | null {
    return this.#exitstatus;
  }

  /** Why the last start failed, null when it did not (RPC `spawnerr`). */
  get spawnerr(): string | null {
    return this.#spawnerr;
  }

  /** The running child, if any. */
  get child(): Child | null {
    return this.#child;
  }

  /** Replaces the running child's handle (tests substitute one with other pipes). */
  set child(child: Child | null) {
    this.#child = child;
  }

  /** Makes the process hold `resource` from each spawn until it is finished (fcgi_sockets.ts calls this). */
  attachResource(resource: SpawnResource): void {
    this.#resource.attach(resource);
  }

  /** Makes this process an event listener speaking `protocol` on its stdout (its pool calls this). */
  attachListener(protocol: ListenerProtocol): void {
    this.#listener = protocol;
  }

  #now(): number {
    return this.host.runtime.clock.monotonic();
  }

  #changeState(to: ProcessState, expected = true): void {
    const from = this.#state;
    if (to === from) return;
    this.#state = to;
    if (to === ProcessState.BACKOFF) {
      this.#backoff += 1;
      const wait = this.policy.retryDelay(this.#backoff);
      this.#givingUp = wait === null;
      this.#delay = this.#now() + (wait ?? 0);
    }
    this.host.stateChanged(this, from, to, expected);
  }

  #assertIn(...states: ProcessState[]): void {
    if (!states.includes(this.#state)) {
      throw new Error(
        `Assertion failed for ${this.name}: ${processStateName(this.#state)} not in ${
          states.map(processStateName).join(" ")
        }`,
      );
    }
  }

  /**
   * Starts the process (PROC.spawn.allowed). Returns the pid, or null when
   * nothing was started (already running, or a spawn error: spawnerr
   * recorded and logged, BACKOFF).
   */
  spawn(): number | null {
    const logger = this.host.logger;
    if (this.#pid) {
      logger.warn(`process '${this.name}' already running`);
      return null;
    }
    this.#killing = false;
    this.#spawnerr = null;
    this.#exitstatus = null;
    this.#laststart = this.#now();
    this.#laststartWall = this.host.runtime.clock.now() / 1000;
    this.#assertIn(ProcessState.EXITED, ProcessState.FATAL, ProcessState.BACKOFF, ProcessState.STOPPED);
    this.#changeState(ProcessState.STARTING);
    let child: Child;
    try {
      child = startChild({
        name: this.name,
        runtime: this.host.runtime,
        output: this.output,
        resource: this.#resource,
        prepare: () => this.host.prepare(this),
      });
    } catch (e) {
      const failure = startFailure(this.name, e);
      this.#lastEnd = failure.end;
      this.#spawnerr = failure.spawnerr;
      this.host.logger.info(`spawnerr: ${this.#spawnerr}`);
      this.#changeState(ProcessState.BACKOFF);
      this.output?.close();
      this.#resource.release();
      return null;
    }
    this.#child = child;
    this.#pid = child.pid;
    this.#stdinClosed = false;
    this.#listener?.reset();
    logger.info(`spawned: '${this.name}' with pid ${child.pid}`);
    this.#spawnerr = null;
    this.#delay = this.#now() + this.config.startsecs * 1000;
    this.#watch(child);
    return child.pid;
  }

  /** Drains the child's output, then finishes it once it is reaped. */
  #watch(child: Child): void {
    watchChild(child, {
      output: this.output,
      listener: this.#listener,
      clock: this.host.runtime.clock,
      isCurrent: () => this.#child === child,
      fed: () => this.host.wake(),
      reaped: async (status) => {
        if (this.#child === child) {
          this.finish(status, this.#now());
          await this.output?.close();
        }
        this.host.wake();
      },
    });
  }

  /**
   * Queues `data` on the child's stdin without waiting (event envelopes).
   * Returns false where Python's write raises EPIPE: no pid, being stopped,
   * no stdin, or stdin known to be closed.
   */
  writeStdin(data: Uint8Array): boolean {
    const stdin = this.#child?.stdin ?? null;
    if (!this.#pid || this.#killing || stdin === null || this.#stdinClosed) return false;
    stdin.write(data).catch(() => {
      this.#stdinClosed = true;
    });
    return true;
  }

  /** Administrative stop (RPC stop, group stop, shutdown). */
  stop(): string | null {
    this.#laststopreport = null;
    return this.kill(this.config.stopsignal);
  }

  /** Logs `waiting for <name> to stop`, at most every 2 s. */
  stopReport(): void {
    if (this.#state !== ProcessState.STOPPING) return;
    const now = this.#now();
    if (this.#laststopreport === null || now > this.#laststopreport + 2000) {
      this.host.logger.info(`waiting for ${this.name} to stop`);
      this.#laststopreport = now;
    }
  }

  /** Drops a pending automatic restart of an EXITED process (an operator's stop). */
  cancelRestart(): void {
    if (this.#state === ProcessState.EXITED) this.#restartAt = null;
  }

  /** BACKOFF → FATAL. */
  giveUp(): void {
    this.#delay = 0;
    this.#backoff = 0;
    this.#givingUp = false;
    this.#assertIn(ProcessState.BACKOFF);
    this.#changeState(ProcessState.FATAL);
  }

  /**
   * Sends `sig` meaning to end the process (PROC.stop, PROC.kill9). Returns
   * null when the signal was sent (or the process was in BACKOFF), else an
   * error text.
   */
  kill(sig: number): string | null {
    const logger = this.host.logger;
    if (this.#state === ProcessState.BACKOFF) {
      logger.debug(`Attempted to kill ${this.name}, which is in BACKOFF state.`);
      this.#changeState(ProcessState.STOPPED);
      return null;
    }
    if (!this.#pid) {
      const msg = `attempted to kill ${this.name} with sig ${signalName(sig)} but it wasn't running`;
      logger.debug(msg);
      return msg;
    }
    const asGroup = this.#state === ProcessState.STOPPING ? this.config.killasgroup : this.config.stopasgroup;
    logger.debug(
      `killing ${this.name} (pid ${this.#pid}) ${asGroup ? "process group " : ""}with signal ${signalName(sig)}`,
    );
    this.#killing = true;
    this.#delay = this.#now() + this.config.stopwaitsecs * 1000;
    this.#assertIn(ProcessState.RUNNING, ProcessState.STARTING, ProcessState.STOPPING);
    this.#changeState(ProcessState.STOPPING);
    return this.#send(asGroup ? -this.#pid : this.#pid, sig, "killing", () => {
      this.#killing = false;
      this.#delay = 0;
    });
  }

  /** Sends `sig` without meaning to stop the process (PROC.signal). */
  signal(sig: number): string | null {
    if (!this.#pid) {
      const msg = `attempted to send ${this.name} sig ${signalName(sig)} but it wasn't running`;
      this.host.logger.debug(msg);
      return msg;
    }
    this.host.logger.debug(`sending ${this.name} (pid ${this.#pid}) sig ${signalName(sig)}`);
    this.#assertIn(ProcessState.RUNNING, ProcessState.STARTING, ProcessState.STOPPING);
    return this.#send(this.#pid, sig, "sending sig", () => {});
  }

  #send(pid: number, sig: number, what: "killing" | "sending sig", onUnknown: () => void): string | null {
    const target = { name: this.name, pid: this.#pid, runtime: this.host.runtime, logger: this.host.logger };
    const msg = signalChild(target, pid, sig, what);
    if (msg !== null) {
      this.#changeState(ProcessState.UNKNOWN);
      onUnknown();
    }
    return msg;
  }

  /** The child was reaped with `status` at monotonic time `now` (PROC.exit, PROC.tooquick, PROC.stopped). */
  finish(status: ExitStatus, now: number): void {
    const { exitstatus: es, text } = decodeExitStatus(status);
    this.#lastEnd = { status };
    this.#laststopWall = this.host.runtime.clock.now() / 1000;
    const started = this.#laststart ?? now;
    const tooQuickly = now - started < this.config.startsecs * 1000;
    const expected = this.config.exitcodes.includes(es);
    const logger = this.host.logger;
    if (this.#killing) {
      this.#killing = false;
      this.#delay = 0;
      this.#exitstatus = es;
      this.#assertIn(ProcessState.STOPPING);
      this.#changeState(ProcessState.STOPPED);
      logger.log(expected ? "info" : "warn", `stopped: ${this.name} (${text})`);
    } else if (tooQuickly) {
      this.#exitstatus = null;
      this.#spawnerr = "Exited too quickly (process log may have details)";
      this.#assertIn(ProcessState.STARTING);
      this.#changeState(ProcessState.BACKOFF);
      logger.warn(`exited: ${this.name} (${text}; not expected)`);
    } else {
      this.#delay = 0;
      this.#backoff = 0;
      this.#exitstatus = es;
      if (this.#state === ProcessState.STARTING) this.#changeState(ProcessState.RUNNING);
      this.#assertIn(ProcessState.RUNNING);
      const restart = this.policy.restartDelay(es, now - started);
      this.#restartAt = restart === null ? null : now + restart;
      if (expected) {
        this.#changeState(ProcessState.EXITED, true);
        logger.info(`exited: ${this.name} (${text}; expected)`);
      } else {
        this.#spawnerr = `Bad exit code ${es}`;
        this.#changeState(ProcessState.EXITED, false);
        logger.warn(`exited: ${this.name} (${text}; not expected)`);
      }
    }
    this.#pid = 0;
    this.#child = null;
    // A listener that dies before answering gets its event rejected (rebuffered).
    this.#listener?.exited();
    this.#resource.release();
  }

  /** True unless the host's start gate holds automatic starts of this process. */
  #mayStart(): boolean {
    return this.host.mayStart?.(this) ?? true;
  }

  /** Advances the time-driven states at monotonic time `now` (Python `Subprocess.transition`). */
  transition(now: number): void {
    const state = this.#state;
    if (this.host.mood() > SupervisorState.RESTARTING && this.#automaticStartDue(now) && this.#mayStart()) {
      this.spawn();
    }
    if (state === ProcessState.STARTING) {
      if (now - (this.#laststart ?? now) >= this.config.startsecs * 1000) {
        this.#delay = 0;
        this.#backoff = 0;
        this.#changeState(ProcessState.RUNNING);
        this.host.logger.info(
          `success: ${this.name} entered RUNNING state, process has stayed up for > than ${this.config.startsecs} seconds (startsecs)`,
        );
      }
    }
    if (state === ProcessState.BACKOFF) {
      if (this.#givingUp) {
        this.giveUp();
        this.host.logger.info(`gave up: ${this.name} entered FATAL state, too many start retries too quickly`);
      }
    } else if (state === ProcessState.STOPPING) {
      if (this.#delay - now <= 0) {
        this.host.logger.warn(`killing '${this.name}' (${this.#pid}) with SIGKILL`);
        this.kill(9);
      }
    }
  }

  /**
   * When an automatic start (autorestart after EXITED, autostart of a
   * process never started, a backoff retry) is due, or null when none is.
   */
  #automaticStart(): number | null {
    switch (this.#state) {
      case ProcessState.EXITED:
        return this.#restartAt;
      case ProcessState.STOPPED:
        return this.#laststart === null && this.config.autostart ? 0 : null;
      case ProcessState.BACKOFF:
        return this.#givingUp ? null : this.#delay;
      default:
        return null;
    }
  }

  #automaticStartDue(now: number): boolean {
    const at = this.#automaticStart();
    return at !== null && now >= at;
  }

  /**
   * The monotonic time at which `transition()` next has something to do, or
   * null when only an outside event (exit, request, an opening start gate)
   * can change this process.
   */
  nextDue(now: number): number | null {
    switch (this.#state) {
      case ProcessState.STARTING:
        return (this.#laststart ?? now) + this.config.startsecs * 1000;
      case ProcessState.STOPPING:
        return this.#delay;
      case ProcessState.BACKOFF:
        if (this.#givingUp) return now;
    }
    const at = this.#automaticStart();
    if (at === null || this.host.mood() <= SupervisorState.RESTARTING || !this.#mayStart()) return null;
    return at > now ? at : now;
  }
}
