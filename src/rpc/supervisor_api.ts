/**
 * The `supervisor.*` methods about supervisord itself, process info, and
 * process control (start, stop, signal: one process, a group, or all),
 * with Python's reply shapes, faults and waiting rules. Long operations are
 * `async` and wait on process state changes instead of Python's polled
 * `NOT_DONE_YET` deferreds.
 *
 * Python counterpart: supervisor/rpcinterface.py
 * (`SupervisorNamespaceRPCInterface`: the version/state methods,
 * getProcessInfo, start*, stop*, signal*, `make_allfunc`).
 * @module
 */

import { makeNamespec } from "../config/namespec.ts";
import { SUPERVISOR_VERSION } from "../cli/supervisord_args.ts";
import type { ProcessGroup } from "../process/group.ts";
import {
  ProcessState,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  supervisorStateName,
} from "../process/states.ts";
import { SpawnError } from "../process/exec_args.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { allProcesses, type ApiContext, guard, requestStop, resolve } from "./api_context.ts";
import type { RpcHandler } from "./dispatcher.ts";
import { Faults, RpcError } from "./faults.ts";
import { processInfo } from "./process_info.ts";
import { groupParam, namespecParam, signalParam, truthParam } from "./_py_params.ts";
import { pyStr, type XmlRpcValue } from "./xmlrpc_value.ts";
import type { Clock } from "../runtime/types.ts";

/** The RPC API version clients check (SURFACE GEN.apiversion). */
export const API_VERSION = "3.0";

/** One entry of a group/all result array. */
interface ResultStruct {
  name: string;
  group: string;
  status: number;
  description: string;
}

const ok = (proc: Subprocess, group: ProcessGroup): ResultStruct => ({
  name: proc.name,
  group: group.name,
  status: Faults.SUCCESS,
  description: "OK",
});

const failed = (proc: Subprocess, group: ProcessGroup, e: RpcError): ResultStruct => ({
  name: proc.name,
  group: group.name,
  status: e.code,
  description: e.message,
});

/** Resolves once `done(proc)` returns true or throws, re-checked on each of its state changes. */
function untilSettled(ctx: ApiContext, proc: Subprocess, done: () => boolean): Promise<true> {
  return new Promise((resolvePromise, reject) => {
    const check = (): boolean => {
      try {
        if (!done()) return false;
        resolvePromise(true);
      } catch (e) {
        reject(e);
      }
      return true;
    };
    if (check()) return;
    const off = ctx.supervisor.onStateChange((change) => {
      if (change.proc === proc && check()) off();
    });
  });
}

/** How often Python re-checks a pending group/all operation (`allfunc.delay`). */
export const POLL_MS = 50;

interface Pending {
  settled: Promise<void>;
  result?: ResultStruct;
  error?: unknown;
}

/**
 * Python `make_allfunc`: applies `fn` to each process that `wanted`;
 * immediate outcomes come first, then waited ones as they finish. Like
 * Python, which re-checks the pending calls in list order every
 * {@linkcode POLL_MS}, calls that finish within one poll are reported in
 * list (priority) order, so `stop all` lists processes that died together
 * in priority order.
 */
async function forAll(
  clock: Clock,
  pairs: Array<[ProcessGroup, Subprocess]>,
  wanted: (p: Subprocess) => boolean,
  fn: (namespec: string) => Promise<unknown> | unknown,
): Promise<ResultStruct[]> {
  const results: ResultStruct[] = [];
  let pending: Pending[] = [];
  for (const [group, proc] of pairs) {
    if (!wanted(proc)) continue;
    let outcome: unknown;
    try {
      outcome = fn(makeNamespec(group.name, proc.name));
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      results.push(failed(proc, group, e));
      continue;
    }
    if (!(outcome instanceof Promise)) {
      results.push(ok(proc, group));
      continue;
    }
    const p: Pending = { settled: Promise.resolve() };
    p.settled = outcome.then(
      () => void (p.result = ok(proc, group)),
      (e) => void (e instanceof RpcError ? p.result = failed(proc, group, e) : p.error = e ?? new Error(String(e))),
    );
    pending.push(p);
  }
  while (pending.length > 0) {
    await Promise.race(pending.map((p) => p.settled));
    await new Promise<void>((wake) => clock.setTimeout(wake, POLL_MS));
    for (const p of pending) {
      if (p.error !== undefined) throw p.error;
      if (p.result !== undefined) results.push(p.result);
    }
    pending = pending.filter((p) => p.result === undefined);
  }
  return results;
}

function groupPairs(group: ProcessGroup): Array<[ProcessGroup, Subprocess]> {
  const procs = [...group.processes.values()].sort((a, b) => a.config.priority - b.config.priority);
  return procs.map((p) => [group, p]);
}

const isRunning = (p: Subprocess) => RUNNING_STATES.has(p.state);

/** Control and info methods; see the module documentation. */
export class SupervisorApi {
  constructor(readonly ctx: ApiContext) {}

  getState(): { statecode: number; statename: string } {
    guard(this.ctx);
    const mood = this.ctx.supervisor.mood;
    return { statecode: mood, statename: supervisorStateName(mood) };
  }

  getProcessInfo(name: string) {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) throw new RpcError(Faults.BAD_NAME, name);
    return processInfo(group, proc, this.ctx.runtime.clock.now());
  }

  getAllProcessInfo() {
    guard(this.ctx);
    const now = this.ctx.runtime.clock.now();
    return allProcesses(this.ctx, true).map(([group, proc]) => processInfo(group, proc, now));
  }

  /** Python `startProcess`: true once RUNNING (or at once with `wait` false). */
  startProcess(name: string, wait = true): Promise<unknown> | true {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.startProcessGroup(group.name, wait);
    try {
      this.ctx.supervisor.host.prepare(proc);
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      throw new RpcError(e.kind === "NotFound" ? Faults.NO_FILE : Faults.NOT_EXECUTABLE, e.message);
    }
    if (RUNNING_STATES.has(proc.state)) throw new RpcError(Faults.ALREADY_STARTED, name);
    if (proc.state === ProcessState.UNKNOWN) {
      throw new RpcError(Faults.FAILED, `${name} is in an unknown process state`);
    }
    proc.spawn();
    if (proc.spawnerr) throw new RpcError(Faults.SPAWN_ERROR, name);
    proc.transition(this.ctx.runtime.clock.monotonic());
    if (!wait || proc.state === ProcessState.RUNNING) return true;
    return untilSettled(this.ctx, proc, () => {
      if (proc.spawnerr) throw new RpcError(Faults.SPAWN_ERROR, name);
      if (proc.state === ProcessState.RUNNING) return true;
      if (proc.state !== ProcessState.STARTING) throw new RpcError(Faults.ABNORMAL_TERMINATION, name);
      return false;
    });
  }

  startProcessGroup(name: XmlRpcValue, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    const group = this.#group(name);
    return forAll(this.#clock, groupPairs(group), (p) => !isRunning(p), (n) => this.startProcess(n, wait));
  }

  startAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return forAll(this.#clock, allProcesses(this.ctx), (p) => !isRunning(p), (n) => this.startProcess(n, wait));
  }

  /** Python `stopProcess`: true once stopped (or at once with `wait` false). */
  stopProcess(name: string, wait = true): Promise<unknown> | true {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.stopProcessGroup(group.name, wait);
    if (!RUNNING_STATES.has(proc.state)) throw new RpcError(Faults.NOT_RUNNING, name);
    const msg = proc.stop();
    if (msg !== null) throw new RpcError(Faults.FAILED, msg);
    if (!wait || STOPPED_STATES.has(proc.state)) return true;
    return this.#untilStopped(proc);
  }

  /** Waits for a stopped state, logging `waiting for <name> to stop` every 2 s meanwhile. */
  #untilStopped(proc: Subprocess): Promise<true> {
    const clock = this.ctx.runtime.clock;
    let timer = 0;
    const report = () => {
      proc.stopReport();
      // Just past the 2 s throttle of stopReport(), which needs strictly more than 2 s.
      timer = clock.setTimeout(report, 2001);
    };
    report();
    const done = untilSettled(this.ctx, proc, () => STOPPED_STATES.has(proc.state));
    return done.finally(() => clock.clearTimeout(timer));
  }

  stopProcessGroup(name: XmlRpcValue, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    const group = this.#group(name);
    return forAll(this.#clock, groupPairs(group), isRunning, (n) => this.stopProcess(n, wait));
  }

  stopAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return forAll(this.#clock, allProcesses(this.ctx), isRunning, (n) => this.stopProcess(n, wait));
  }

  signalProcess(name: string, signal: XmlRpcValue): true | Promise<ResultStruct[]> {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.signalProcessGroup(group.name, signal);
    const sig = signalParam(signal);
    if (!SIGNALLABLE_STATES.has(proc.state)) throw new RpcError(Faults.NOT_RUNNING, name);
    const msg = proc.signal(sig);
    if (msg !== null) throw new RpcError(Faults.FAILED, msg);
    return true;
  }

  /**
   * Python indexes the groups before its shutdown check (so an unhashable
   * name is INCORRECT_PARAMETERS even then), and checks again after sending.
   */
  async signalProcessGroup(name: XmlRpcValue, signal: XmlRpcValue): Promise<ResultStruct[]> {
    groupParam(name);
    guard(this.ctx);
    const group = this.#group(name);
    const results = await forAll(
      this.#clock,
      groupPairs(group),
      (p) => SIGNALLABLE_STATES.has(p.state),
      (n) => this.signalProcess(n, signal),
    );
    guard(this.ctx);
    return results;
  }

  async signalAllProcesses(signal: XmlRpcValue): Promise<ResultStruct[]> {
    const signallable = (p: Subprocess) => SIGNALLABLE_STATES.has(p.state);
    const results = await forAll(
      this.#clock,
      allProcesses(this.ctx),
      signallable,
      (n) => this.signalProcess(n, signal),
    );
    guard(this.ctx);
    return results;
  }

  /** Python `process_groups.get(name)`: BAD_NAME unless a group has that (string) name. */
  #group(name: XmlRpcValue): ProcessGroup {
    const key = groupParam(name);
    const group = key === null ? undefined : this.ctx.supervisor.groups.get(key);
    if (group === undefined) throw new RpcError(Faults.BAD_NAME, pyStr(name));
    return group;
  }

  get #clock(): Clock {
    return this.ctx.runtime.clock;
  }

  /** The handlers, keyed by full method name, for `bindSupervisorMethods`. */
  handlers(): Record<string, RpcHandler> {
    const ctx = this.ctx;
    const simple = <T>(fn: () => T) => () => {
      guard(ctx);
      return fn();
    };
    const later = (fn: () => void) => () => {
      guard(ctx);
      requestStop(ctx, fn);
      return true;
    };
    const str = namespecParam;
    const flag = (v: XmlRpcValue | undefined) => truthParam(v, true);
    return {
      "supervisor.getAPIVersion": simple(() => API_VERSION),
      "supervisor.getSupervisorVersion": simple(() => SUPERVISOR_VERSION),
      "supervisor.getIdentification": simple(() => ctx.identifier()),
      "supervisor.getState": () => this.getState(),
      "supervisor.getPID": simple(() => ctx.runtime.pid),
      "supervisor.shutdown": later(() => ctx.supervisor.shutdown()),
      "supervisor.restart": later(() => ctx.supervisor.restart()),
      "supervisor.getProcessInfo": ([name]) => this.getProcessInfo(str(name)),
      "supervisor.getAllProcessInfo": () => this.getAllProcessInfo(),
      "supervisor.startProcess": ([name, wait]) => this.startProcess(str(name), flag(wait)),
      "supervisor.startProcessGroup": ([name, wait]) => this.startProcessGroup(name ?? null, flag(wait)),
      "supervisor.startAllProcesses": ([wait]) => this.startAllProcesses(flag(wait)),
      "supervisor.stopProcess": ([name, wait]) => this.stopProcess(str(name), flag(wait)),
      "supervisor.stopProcessGroup": ([name, wait]) => this.stopProcessGroup(name ?? null, flag(wait)),
      "supervisor.stopAllProcesses": ([wait]) => this.stopAllProcesses(flag(wait)),
      "supervisor.signalProcess": ([name, sig]) => this.signalProcess(str(name), sig ?? null),
      "supervisor.signalProcessGroup": ([name, sig]) => this.signalProcessGroup(name ?? null, sig ?? null),
      "supervisor.signalAllProcesses": ([sig]) => this.signalAllProcesses(sig ?? null),
    };
  }
}
