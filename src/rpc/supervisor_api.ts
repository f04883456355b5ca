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
import { API_VERSION, SUPERVISOR_VERSION } from "../version.ts";
import {
  type ControlOutcome,
  type ControlResult,
  type MaybeLater,
  POLL_MS,
  ProcessControl,
} from "../process/control.ts";
import type { ProcessGroup } from "../process/group.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { SIGNALLABLE_STATES, supervisorStateName } from "../states.ts";
import { type ApiContext, eachProcess, guard, requestStop, resolve } from "./api_context.ts";
import type { RpcHandler } from "./methods.ts";
import { Faults, RpcError } from "./faults.ts";
import { type ProcessInfo, processInfo } from "./process_info.ts";
import { groupParam, namespecParam, signalParam, truthParam } from "./_py_params.ts";
import { pyStr, type XmlRpcValue } from "./xmlrpc_value.ts";

export { POLL_MS };

/** One entry of a group/all result array. */
export interface ResultStruct {
  name: string;
  group: string;
  status: number;
  description: string;
}

/** The fault supervisord raises for a failed outcome on the process addressed as `name`. */
export function outcomeFault(outcome: ControlOutcome & { ok: false }, name: string): RpcError {
  switch (outcome.reason) {
    case "shutting_down":
      return new RpcError(Faults.SHUTDOWN_STATE);
    case "no_file":
      return new RpcError(Faults.NO_FILE, outcome.message);
    case "not_executable":
      return new RpcError(Faults.NOT_EXECUTABLE, outcome.message);
    case "already_started":
      return new RpcError(Faults.ALREADY_STARTED, name);
    case "unknown_state":
      return new RpcError(Faults.FAILED, `${name} is in an unknown process state`);
    case "spawn_error":
      return new RpcError(Faults.SPAWN_ERROR, name);
    case "abnormal_termination":
      return new RpcError(Faults.ABNORMAL_TERMINATION, name);
    case "not_running":
      return new RpcError(Faults.NOT_RUNNING, name);
    case "failed":
      return new RpcError(Faults.FAILED, outcome.message);
  }
}

/** `true`, or the outcome's fault thrown. */
function answer(outcome: ControlOutcome, name: string): true {
  if (!outcome.ok) throw outcomeFault(outcome, name);
  return true;
}

/** The same, for an outcome that may still be pending. */
function answerLater(outcome: MaybeLater, name: string): true | Promise<true> {
  return outcome instanceof Promise ? outcome.then((o) => answer(o, name)) : answer(outcome, name);
}

/** A group/all result as the wire shows it. */
export function resultStruct(r: ControlResult): ResultStruct {
  if (r.outcome.ok) return { name: r.name, group: r.group, status: Faults.SUCCESS, description: "OK" };
  const fault = outcomeFault(r.outcome, makeNamespec(r.group, r.name));
  return { name: r.name, group: r.group, status: fault.code, description: fault.message };
}

const structs = (results: Promise<ControlResult[]>): Promise<ResultStruct[]> =>
  results.then((rs) => rs.map(resultStruct));

/** Control and info methods; see the module documentation. */
export class SupervisorApi {
  /** The last `getAllProcessInfo` list, handed out again while every struct in it is the same. */
  #lastAll: readonly ProcessInfo[] | null = null;

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
    const sup = this.ctx.supervisor;
    const rewrite = sup.rewritesDescriptions ? (p: Subprocess, base: string) => sup.describe(p, base) : undefined;
    return processInfo(group, proc, this.ctx.runtime.clock.now(), rewrite);
  }

  getAllProcessInfo() {
    guard(this.ctx);
    const now = this.ctx.runtime.clock.now();
    const sup = this.ctx.supervisor;
    const rewrite = sup.rewritesDescriptions ? (p: Subprocess, base: string) => sup.describe(p, base) : undefined;
    const infos: ProcessInfo[] = [];
    eachProcess(this.ctx, true, (group, proc) => void infos.push(processInfo(group, proc, now, rewrite)));
    // The same structs as last time: the same frozen list, whose encoding the codec reuses whole.
    const last = this.#lastAll;
    if (last !== null && last.length === infos.length && last.every((info, i) => info === infos[i])) return last;
    return this.#lastAll = Object.freeze(infos);
  }

  /** Python `startProcess`: true once RUNNING (or at once with `wait` false). */
  startProcess(name: string, wait = true): Promise<unknown> | true {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.startProcessGroup(group.name, wait);
    return answerLater(this.#control.startProcess(proc, { wait }), name);
  }

  startProcessGroup(name: XmlRpcValue, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return structs(this.#control.startGroup(this.#group(name), { wait }));
  }

  startAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return structs(this.#control.startAll({ wait }));
  }

  /** Python `stopProcess`: true once stopped (or at once with `wait` false). */
  stopProcess(name: string, wait = true): Promise<unknown> | true {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.stopProcessGroup(group.name, wait);
    return answerLater(this.#control.stopProcess(proc, { wait }), name);
  }

  stopProcessGroup(name: XmlRpcValue, wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return structs(this.#control.stopGroup(this.#group(name), { wait }));
  }

  stopAllProcesses(wait = true): Promise<ResultStruct[]> {
    guard(this.ctx);
    return structs(this.#control.stopAll({ wait }));
  }

  signalProcess(name: string, signal: XmlRpcValue): true | Promise<ResultStruct[]> {
    guard(this.ctx);
    const { group, process: proc } = resolve(this.ctx, name);
    if (proc === null) return this.signalProcessGroup(group.name, signal);
    return answer(this.#control.signalProcess(proc, signalParam(signal)), name);
  }

  /**
   * Python indexes the groups before its shutdown check (so an unhashable
   * name is INCORRECT_PARAMETERS even then), and checks again after sending.
   */
  async signalProcessGroup(name: XmlRpcValue, signal: XmlRpcValue): Promise<ResultStruct[]> {
    groupParam(name);
    guard(this.ctx);
    const group = this.#group(name);
    const results = await this.#signal(signal, group, (sig) => this.#control.signalGroup(group, sig));
    guard(this.ctx);
    return results;
  }

  /**
   * Python checks for a shutdown only after sending (but its per-process
   * calls refuse to send meanwhile), so checking first answers the same.
   */
  async signalAllProcesses(signal: XmlRpcValue): Promise<ResultStruct[]> {
    guard(this.ctx);
    const results = await this.#signal(signal, undefined, (sig) => this.#control.signalAll(sig));
    guard(this.ctx);
    return results;
  }

  /**
   * Sends a signal given as a wire value. Python checks the signal per
   * process, so a bad one is a BAD_SIGNAL entry for each process that
   * could have been signalled.
   */
  #signal(
    signal: XmlRpcValue,
    group: ProcessGroup | undefined,
    send: (sig: number) => Promise<ControlResult[]>,
  ): Promise<ResultStruct[]> {
    let sig: number;
    try {
      sig = signalParam(signal);
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      const targets = this.#control.processes(group).filter(([, p]) => SIGNALLABLE_STATES.has(p.state));
      return Promise.resolve(
        targets.map(([g, p]) => ({ name: p.name, group: g.name, status: e.code, description: e.message })),
      );
    }
    return structs(send(sig));
  }

  /** Python `process_groups.get(name)`: BAD_NAME unless a group has that (string) name. */
  #group(name: XmlRpcValue): ProcessGroup {
    const key = groupParam(name);
    const group = key === null ? undefined : this.ctx.supervisor.groups.get(key);
    if (group === undefined) throw new RpcError(Faults.BAD_NAME, pyStr(name));
    return group;
  }

  get #control(): ProcessControl {
    return new ProcessControl(this.ctx.supervisor);
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
