/**
 * Process control for everything inside the daemon: start, stop, restart
 * and signal one process, a group or all of them, and wait until processes
 * have settled. Each operation answers with a typed
 * {@linkcode ControlOutcome}; the XML-RPC interface and the web UI map those
 * outcomes to faults and pages, and plugins use them as they are.
 *
 * The rules are supervisord's: a start first builds the spawn arguments (the
 * pre-check that reports a missing or non-executable command), refuses a
 * process that is already running or in an unknown state, and with `wait`
 * answers once the process is RUNNING (or has failed to get there); a stop
 * answers once the process is in a stopped state, logging `waiting for
 * <name> to stop` every 2 s meanwhile. A group or all processes are handled
 * in priority order; outcomes known at once come first, then waited ones as
 * they finish, batched as Python's 50 ms re-check batches them.
 *
 * Python counterpart: supervisor/rpcinterface.py (`startProcess`,
 * `stopProcess`, `signalProcess`, `make_allfunc`, `_getGroupAndProcess`)
 * and supervisor/web.py (`restartprocess`).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import { SpawnError } from "./exec_args.ts";
import { byPriority, type ProcessGroup } from "./group.ts";
import {
  ProcessState,
  processStateName,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  SupervisorState,
} from "../states.ts";
import type { Subprocess } from "./subprocess.ts";
import type { Supervisor } from "./supervisor.ts";

/**
 * Why an operation did not do what was asked, for one process:
 * - `shutting_down`: a start was asked while supervisord is stopping;
 * - `no_file`, `not_executable`: the spawn pre-check failed (the command is
 *   missing, or is not an executable file);
 * - `already_started`: a start found the process STARTING, RUNNING or in
 *   BACKOFF;
 * - `unknown_state`: a start found the process in the UNKNOWN state;
 * - `spawn_error`: the spawn itself failed;
 * - `abnormal_termination`: a waited start saw the process leave STARTING
 *   for anything but RUNNING;
 * - `not_running`: a stop found nothing running, or a signal found no pid;
 * - `failed`: the signal could not be sent.
 */
export type ControlFailure =
  | "shutting_down"
  | "no_file"
  | "not_executable"
  | "already_started"
  | "unknown_state"
  | "spawn_error"
  | "abnormal_termination"
  | "not_running"
  | "failed";

/** What an operation did to one process: done, or the reason it was not, with a human-readable text. */
export type ControlOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: ControlFailure; readonly message: string };

/** One process's outcome in a group or all-processes operation. */
export interface ControlResult {
  /** The group's name. */
  readonly group: string;
  /** The process's name within its group. */
  readonly name: string;
  /** What the operation did to this process. */
  readonly outcome: ControlOutcome;
}

/** Options of start, stop and restart. */
export interface ControlOptions {
  /**
   * Answer only once the operation is complete: RUNNING (or failed) for a
   * start, a stopped state for a stop. Default true, as supervisord's
   * `wait=True`.
   */
  readonly wait?: boolean;
}

/** A namespec resolved by {@linkcode ProcessControl.find}: a group, and its process or null for the whole group. */
export interface Found {
  readonly group: ProcessGroup;
  readonly process: Subprocess | null;
}

/** An outcome now, or a promise of it when it has to wait for the process. */
export type MaybeLater = ControlOutcome | Promise<ControlOutcome>;

/** How often Python re-checks a pending group or all-processes operation (`allfunc.delay`), in ms. */
export const POLL_MS = 50;

const OK: ControlOutcome = { ok: true };
const fail = (reason: ControlFailure, message: string): ControlOutcome => ({ ok: false, reason, message });

/**
 * The control surface of one {@linkcode Supervisor}. It keeps no state of its
 * own: construct one wherever needed.
 */
export class ProcessControl {
  /** @param supervisor The engine whose processes are controlled. */
  constructor(readonly supervisor: Supervisor) {}

  /**
   * Resolves a namespec as supervisord does: `name` (group and process
   * share it), `group:process`, or `group:*` / `group:` for a whole group.
   *
   * @returns The group and process (null for a whole group), or null when
   *   either is unknown.
   */
  find(namespec: string): Found | null {
    const { group: groupName, process: processName } = splitNamespec(namespec);
    const group = this.supervisor.groups.get(groupName);
    if (group === undefined) return null;
    if (processName === null) return { group, process: null };
    const process = group.processes.get(processName);
    return process === undefined ? null : { group, process };
  }

  /**
   * The processes of `group`, or of every group when it is omitted, with
   * their groups: groups by priority, then processes by priority (ties in
   * config order). This is the order group and all operations follow.
   */
  processes(group?: ProcessGroup): Array<[ProcessGroup, Subprocess]> {
    return group === undefined ? this.supervisor.sortedGroups().flatMap((g) => inGroup(g)) : inGroup(group);
  }

  /**
   * Starts one process. Outcomes known at once (refusals, no `wait`, a
   * process RUNNING straight away) are returned as they are, the others as
   * a promise.
   */
  startProcess(proc: Subprocess, opts: ControlOptions = {}): MaybeLater {
    if (this.supervisor.mood < SupervisorState.RUNNING) return fail("shutting_down", "supervisord is shutting down");
    try {
      this.supervisor.host.prepare(proc);
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      // An env file (extension) is no part of Python's command check: it fails the spawn itself (SPAWN_ERROR).
      if (e.kind !== "EnvFile") return fail(e.kind === "NotFound" ? "no_file" : "not_executable", e.message);
    }
    if (RUNNING_STATES.has(proc.state)) return fail("already_started", `${proc.name} is already started`);
    if (proc.state === ProcessState.UNKNOWN) {
      return fail("unknown_state", `${proc.name} is in an unknown process state`);
    }
    proc.operatorStopped = false;
    proc.spawn();
    if (proc.spawnerr) return fail("spawn_error", proc.spawnerr);
    proc.transition(this.supervisor.host.runtime.clock.monotonic());
    if (opts.wait === false || proc.state === ProcessState.RUNNING) return OK;
    return this.#until(proc, () => {
      if (proc.spawnerr) return fail("spawn_error", proc.spawnerr);
      if (proc.state === ProcessState.RUNNING) return OK;
      if (proc.state !== ProcessState.STARTING) {
        return fail("abnormal_termination", `${proc.name} left STARTING for ${processStateName(proc.state)}`);
      }
      return null;
    });
  }

  /** Stops one process; with `wait`, answers once it is in a stopped state. */
  stopProcess(proc: Subprocess, opts: ControlOptions = {}): MaybeLater {
    if (!RUNNING_STATES.has(proc.state)) {
      // EXITED and waiting out a restart delay (backoff=fixed/exponential): the stop cancels the restart.
      proc.cancelRestart();
      return fail("not_running", `${proc.name} is not running`);
    }
    // Flagged before the stop, so the state changes it causes already see the flag (statefile).
    const was = proc.operatorStopped;
    proc.operatorStopped = true;
    const msg = proc.stop();
    if (msg !== null) {
      proc.operatorStopped = was;
      return fail("failed", msg);
    }
    if (opts.wait === false || STOPPED_STATES.has(proc.state)) return OK;
    return this.#untilStopped(proc);
  }

  /**
   * Stops one process unless it is not running, then starts it. The outcome
   * is the stop's when the stop failed, else the start's.
   */
  async restartProcess(proc: Subprocess, opts: ControlOptions = {}): Promise<ControlOutcome> {
    const stopped = await this.stopProcess(proc, opts);
    if (!stopped.ok && stopped.reason !== "not_running") return stopped;
    return await this.startProcess(proc, opts);
  }

  /** Sends signal number `sig` to one process (a running, starting or stopping one). */
  signalProcess(proc: Subprocess, sig: number): ControlOutcome {
    if (!SIGNALLABLE_STATES.has(proc.state)) return fail("not_running", `${proc.name} is not running`);
    const msg = proc.signal(sig);
    return msg === null ? OK : fail("failed", msg);
  }

  /** Starts every process of `group` that is not running (see {@linkcode forEach} for the order). */
  startGroup(group: ProcessGroup, opts: ControlOptions = {}): Promise<ControlResult[]> {
    return this.forEach(inGroup(group), isNotRunning, (p) => this.startProcess(p, opts));
  }

  /**
   * Starts every process that is not running. A process the start gates
   * hold (a dependency not met yet) is started once they let it; one whose
   * dependency failed is not started (`spawn_error`).
   */
  startAll(opts: ControlOptions = {}): Promise<ControlResult[]> {
    return this.forEach(this.processes(), isNotRunning, (p) => {
      const gate = () => this.supervisor.startGate(p);
      if (gate() === true) return this.startProcess(p, opts);
      return this.#afterGate(gate, () => this.startProcess(p, opts), true);
    });
  }

  /** Stops every running process of `group`. */
  stopGroup(group: ProcessGroup, opts: ControlOptions = {}): Promise<ControlResult[]> {
    return this.forEach(inGroup(group), isRunning, (p) => this.stopProcess(p, opts));
  }

  /**
   * Stops every running process. Under a stop gate (dependencies) each
   * process is stopped once the gate lets it: its dependents are stopped.
   */
  stopAll(opts: ControlOptions = {}): Promise<ControlResult[]> {
    return this.forEach(this.processes(), isRunning, (p) => {
      const gate = () => this.supervisor.mayStop(p, false);
      if (gate()) return this.stopProcess(p, opts);
      return this.#afterGate(gate, () => this.stopProcess(p, opts), false);
    });
  }

  /**
   * Runs `op` once `gate` answers true, checked after the other operations
   * of the same call have begun and then every {@linkcode POLL_MS}; a text
   * answer ends the wait with that text as a `spawn_error`.
   */
  async #afterGate(gate: () => boolean | string, op: () => MaybeLater, starting: boolean): Promise<ControlOutcome> {
    const clock = this.supervisor.host.runtime.clock;
    await Promise.resolve();
    for (;;) {
      const answer = gate();
      if (answer === true) return await op();
      if (typeof answer === "string") return fail("spawn_error", answer);
      if (starting && this.supervisor.mood < SupervisorState.RUNNING) {
        return fail("shutting_down", "supervisord is shutting down");
      }
      await new Promise<void>((wake) => clock.setTimeout(wake, POLL_MS));
    }
  }

  /**
   * Stops the running processes of `group`, then starts its processes. The
   * results are those of the stop when any of them failed (nothing is then
   * started), else those of the start.
   */
  async restartGroup(group: ProcessGroup, opts: ControlOptions = {}): Promise<ControlResult[]> {
    const stopped = await this.stopGroup(group, opts);
    if (stopped.some((r) => !r.outcome.ok)) return stopped;
    return await this.startGroup(group, opts);
  }

  /** {@linkcode restartGroup} for every process. */
  async restartAll(opts: ControlOptions = {}): Promise<ControlResult[]> {
    const stopped = await this.stopAll(opts);
    if (stopped.some((r) => !r.outcome.ok)) return stopped;
    return await this.startAll(opts);
  }

  /** Sends `sig` to every process of `group` that can be signalled. */
  signalGroup(group: ProcessGroup, sig: number): Promise<ControlResult[]> {
    return this.forEach(inGroup(group), isSignallable, (p) => this.signalProcess(p, sig));
  }

  /** Sends `sig` to every process that can be signalled. */
  signalAll(sig: number): Promise<ControlResult[]> {
    return this.forEach(this.processes(), isSignallable, (p) => this.signalProcess(p, sig));
  }

  /**
   * Resolves with the process's state once it is settled: not STARTING,
   * STOPPING or BACKOFF (at once when it already is).
   */
  waitUntilSettled(proc: Subprocess): Promise<ProcessState> {
    return this.#until(proc, () => (isSettled(proc) ? proc.state : null));
  }

  /** {@linkcode waitUntilSettled} for every process of `group`, or of every group when `group` is omitted. */
  async waitUntilAllSettled(group?: ProcessGroup): Promise<void> {
    await Promise.all(this.processes(group).map(([, p]) => this.waitUntilSettled(p)));
  }

  /**
   * Python `make_allfunc`: applies `op` to each process for which `wanted`
   * holds (checked just before its turn). Outcomes known at once come
   * first, in list order; then waited ones: Python re-checks the pending
   * calls in list order every {@linkcode POLL_MS}, so calls that finish
   * within one poll are listed in list (priority) order, and `stop all`
   * lists processes that died together in priority order.
   */
  async forEach(
    procs: ReadonlyArray<readonly [ProcessGroup, Subprocess]>,
    wanted: (proc: Subprocess) => boolean,
    op: (proc: Subprocess) => MaybeLater,
  ): Promise<ControlResult[]> {
    const results: ControlResult[] = [];
    let pending: Array<{ done: Promise<unknown>; result?: ControlResult }> = [];
    for (const [group, proc] of procs) {
      if (!wanted(proc)) continue;
      const outcome = op(proc);
      if (!(outcome instanceof Promise)) {
        results.push({ group: group.name, name: proc.name, outcome });
        continue;
      }
      const entry: { done: Promise<unknown>; result?: ControlResult } = { done: outcome };
      entry.done = outcome.then((o) => (entry.result = { group: group.name, name: proc.name, outcome: o }));
      pending.push(entry);
    }
    const clock = this.supervisor.host.runtime.clock;
    while (pending.length > 0) {
      await Promise.race(pending.map((p) => p.done));
      await new Promise<void>((wake) => clock.setTimeout(wake, POLL_MS));
      for (const p of pending) if (p.result !== undefined) results.push(p.result);
      pending = pending.filter((p) => p.result === undefined);
    }
    return results;
  }

  /** Waits for a stopped state, logging `waiting for <name> to stop` every 2 s meanwhile. */
  #untilStopped(proc: Subprocess): Promise<ControlOutcome> {
    const clock = this.supervisor.host.runtime.clock;
    let timer = 0;
    const report = () => {
      proc.stopReport();
      // Just past the 2 s throttle of stopReport(), which needs strictly more than 2 s.
      timer = clock.setTimeout(report, 2001);
    };
    report();
    const done = this.#until(proc, () => (STOPPED_STATES.has(proc.state) ? OK : null));
    return done.finally(() => clock.clearTimeout(timer));
  }

  /** Resolves with `check()`'s first non-null answer, asked now and after each state change of `proc`. */
  #until<T>(proc: Subprocess, check: () => T | null): Promise<T> {
    return new Promise((resolve, reject) => {
      const answer = (): boolean => {
        let value: T | null;
        try {
          value = check();
        } catch (e) {
          reject(e);
          return true;
        }
        if (value === null) return false;
        resolve(value);
        return true;
      };
      if (answer()) return;
      const off = this.supervisor.onStateChange((change) => {
        if (change.proc === proc && answer()) off();
      });
    });
  }
}

/** True when a process is in none of the passing states STARTING, STOPPING and BACKOFF. */
export function isSettled(proc: Subprocess): boolean {
  return proc.state !== ProcessState.STARTING && proc.state !== ProcessState.STOPPING &&
    proc.state !== ProcessState.BACKOFF;
}

function inGroup(group: ProcessGroup): Array<[ProcessGroup, Subprocess]> {
  return byPriority([...group.processes.values()]).map((p) => [group, p]);
}

const isRunning = (p: Subprocess) => RUNNING_STATES.has(p.state);
const isNotRunning = (p: Subprocess) => !RUNNING_STATES.has(p.state);
const isSignallable = (p: Subprocess) => SIGNALLABLE_STATES.has(p.state);
