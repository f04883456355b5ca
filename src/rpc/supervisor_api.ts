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

import { signalNumber } from "../config/datatypes.ts";
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
import { allProcesses, type ApiContext, guard, resolve } from "./api_context.ts";
import type { RpcHandler } from "./dispatcher.ts";
import { Faults, RpcError } from "./faults.ts";
import { processInfo } from "./process_info.ts";
import { pyStr, type XmlRpcValue } from "./xmlrpc_value.ts";

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

/**
 * Python `make_allfunc`: applies `fn` to each process that `wanted`;
 * immediate outcomes come first, then waited ones in the order they finish.
 */
async function forAll(
  pairs: Array<[ProcessGroup, Subprocess]>,
  wanted: (p: Subprocess) => boolean,
  fn: (namespec: string) => Promise<unknown> | unknown,
): Promise<ResultStruct[]> {
  const results: ResultStruct[] = [];
  const pending: Promise<void>[] = [];
  for (const [group, proc] of pairs) {
    if (!wanted(proc)) continue;
    const record = (e: unknown) => {
      if (e instanceof RpcError) results.push(failed(proc, group, e));
      else throw e;
    };
    let outcome: unknown;
    try {
      outcome = fn(makeNamespec(group.name, proc.name));
    } catch (e) {
      record(e);
      continue;
    }
    if (outcome instanceof Promise) pending.push(outcome.then(() => void results.push(ok(proc, group)), record));
    else results.push(ok(proc, group));
  }
  await Promise.all(pending);
  return results;
}

function groupPairs(group: ProcessGroup): Array<[ProcessGroup, Subprocess]> {
  const procs = [...group.processes.values()].sort((a, b) => a.config.priority - b.config.priority);
  return procs.map((p) => [group, p]);
}

const isRunning = (p: Subprocess) => RUNNING_STATES.has(p.state);

/** Python `signal_number` on an RPC parameter: BAD_SIGNAL when it names no signal. */
function rpcSignal(value: XmlRpcValue): number {
  try {
    return signalNumber(typeof value === "boolean" ? (value ? "1" : "0") : pyStr(value));
  } catch {
    throw new RpcError(Faults.BAD_SIGNAL, pyStr(value));
  }
}

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
      throw new RpcError(Faults.FAILED, `${name} is in an unknown proc state`);
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

  startProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    const group = this.#group(name);
    return forAll(groupPairs(group), (p) => !isRunning(p), (n) => this.startProcess(n, wait));
  }

  startAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return forAll(allProcesses(this.ctx), (p) => !isRunning(p), (n) => this.startProcess(n, wait));
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
      timer = clock.setTimeout(report, 2000);
    };
    report();
    const done = untilSettled(this.ctx, proc, () => STOPPED_STATES.has(proc.state));
    return done.finally(() => clock.clearTimeout(timer));
  }

  stopProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    const group = this.#group(name);
    return forAll(groupPairs(group), isRunning, (n) => this.stopProcess(n, wait));
  }

  stopAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return forAll(allProcesses(this.ctx), isRunning, (n) => this.stopProcess(n, wait));
  }

  signalProcess(name: string, signal: XmlRpcValue): true | Promise<ResultStruct[]> {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.signalProcessGroup(group.name, signal);
    const sig = rpcSignal(signal);
    if (!SIGNALLABLE_STATES.has(proc.state)) throw new RpcError(Faults.NOT_RUNNING, name);
    const msg = proc.signal(sig);
    if (msg !== null) throw new RpcError(Faults.FAILED, msg);
    return true;
  }

  signalProcessGroup(name: string, signal: XmlRpcValue): Promise<ResultStruct[]> {
    guard(this.ctx);
    const group = this.#group(name);
    return forAll(groupPairs(group), (p) => SIGNALLABLE_STATES.has(p.state), (n) => this.signalProcess(n, signal));
  }

  async signalAllProcesses(signal: XmlRpcValue): Promise<ResultStruct[]> {
    const signallable = (p: Subprocess) => SIGNALLABLE_STATES.has(p.state);
    const results = await forAll(allProcesses(this.ctx), signallable, (n) => this.signalProcess(n, signal));
    guard(this.ctx);
    return results;
  }

  #group(name: string): ProcessGroup {
    const group = this.ctx.supervisor.groups.get(name);
    if (group === undefined) throw new RpcError(Faults.BAD_NAME, name);
    return group;
  }

  /** The handlers, keyed by full method name, for `bindSupervisorMethods`. */
  handlers(): Record<string, RpcHandler> {
    const ctx = this.ctx;
    const simple = <T>(fn: () => T) => () => {
      guard(ctx);
      return fn();
    };
    // Python acts on shutdown/restart in its next loop pass, after the reply is sent.
    const later = (fn: () => void) => () => {
      guard(ctx);
      ctx.runtime.clock.setTimeout(fn, 10);
      return true;
    };
    const str = (v: XmlRpcValue | undefined) => pyStr(v);
    const flag = (v: XmlRpcValue | undefined) => v === undefined ? true : Boolean(v);
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
      "supervisor.startProcessGroup": ([name, wait]) => this.startProcessGroup(str(name), flag(wait)),
      "supervisor.startAllProcesses": ([wait]) => this.startAllProcesses(flag(wait)),
      "supervisor.stopProcess": ([name, wait]) => this.stopProcess(str(name), flag(wait)),
      "supervisor.stopProcessGroup": ([name, wait]) => this.stopProcessGroup(str(name), flag(wait)),
      "supervisor.stopAllProcesses": ([wait]) => this.stopAllProcesses(flag(wait)),
      "supervisor.signalProcess": ([name, sig]) => this.signalProcess(str(name), sig ?? ""),
      "supervisor.signalProcessGroup": ([name, sig]) => this.signalProcessGroup(str(name), sig ?? ""),
      "supervisor.signalAllProcesses": ([sig]) => this.signalAllProcesses(sig ?? ""),
    };
  }
}
