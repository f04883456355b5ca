/**
 * The process-control commands: status, start, stop, restart, signal, pid
 * and clear, with the stock client's output lines and exit statuses
 * (CTL.status … CTL.clear). Two extensions of ours: `status --json` (an
 * array of the `getAllProcessInfo` structs, each with its `namespec`, and
 * with the JSON API's extension fields — health, restarts, dependencies,
 * CPU, RSS — when the daemon is ours; error lines go to stderr), and state names in colour when stdout is a
 * terminal and NO_COLOR is not set.
 *
 * Python counterpart: supervisor/supervisorctl.py
 * (`DefaultControllerPlugin.do_status`, `_show_statuses`, `do_pid`,
 * `do_start`, `_startresult`, `do_stop`, `_signalresult`, `do_signal`,
 * `do_restart`, `do_clear`, `_clearresult`).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import { type ProcessState, STOPPED_STATES } from "../states.ts";
import { Faults } from "../rpc/faults.ts";
import { Double, pyStr, type XmlRpcStruct, type XmlRpcValue } from "../rpc/xmlrpc_value.ts";
import { PY_FILES, PyError, RpcFault } from "./py_errors.ts";
import { type Command, type Controller, Exit, StatusExit } from "./controller.ts";
import { HELP } from "./help.ts";
import { processExtras } from "./commands_ops.ts";
import { namespec, pyLjust, pySplit } from "./_text.ts";

type Info = XmlRpcStruct;

/** A struct member as Python's `%s` shows it. */
function str(v: XmlRpcValue | undefined): string {
  return pyStr(v ?? null);
}

function helpFor(ctl: Controller, topic: string): void {
  for (const line of HELP[topic] ?? []) ctl.output(line);
}

const COLOURS: Readonly<Record<string, string>> = {
  RUNNING: "\x1b[32m",
  STARTING: "\x1b[33m",
  BACKOFF: "\x1b[33m",
  STOPPING: "\x1b[33m",
  FATAL: "\x1b[31m",
  UNKNOWN: "\x1b[31m",
  EXITED: "\x1b[35m",
};

/** Whether state names are coloured: stdout is a terminal and NO_COLOR is unset or empty. */
function useColour(ctl: Controller): boolean {
  return ctl.rt.stdout.isTerminal() && !ctl.rt.env()["NO_COLOR"];
}

/** `_show_statuses`: `%-{W}s%-10s%s` of namespec, state name and description. */
function showStatuses(ctl: Controller, infos: readonly Info[]): void {
  const names = infos.map((i) => namespec(str(i.group), str(i.name)));
  const width = Math.max(30, ...names.map((n) => [...n].length)) + 3;
  const colour = useColour(ctl);
  infos.forEach((info, i) => {
    const state = str(info.statename);
    const padded = pyLjust(state, 10);
    const code = colour ? COLOURS[state] : undefined;
    const shown = code === undefined ? padded : code + state + "\x1b[0m" + padded.slice(state.length);
    ctl.output(pyLjust(names[i]!, width) + shown + str(info.description));
  });
}

const doStatus: Command = async (ctl, arg) => {
  const words = pySplit(arg);
  const json = words.includes("--json");
  const names = words.filter((w) => w !== "--json");
  if (!(await ctl.upcheck())) {
    ctl.exitstatus = StatusExit.UNKNOWN;
    return;
  }
  const all = (await ctl.getSupervisor().call("getAllProcessInfo")) as Info[];
  let matching: Info[] = all;
  if (names.length > 0 && !names.includes("all")) {
    matching = [];
    for (const name of names) {
      const { group, process } = splitNamespec(name);
      const found = all.filter((i) => str(i.group) === group && (process === null || str(i.name) === process));
      matching.push(...found);
      if (found.length > 0) continue;
      const msg = process === null ? `${group}: ERROR (no such group)` : `${name}: ERROR (no such process)`;
      if (json) ctl.rt.stderr.write(msg + "\n");
      else ctl.output(msg);
      ctl.exitstatus = StatusExit.UNKNOWN;
    }
  }
  if (json) {
    const extras = await processExtras(ctl);
    const out = matching.map((i) => {
      const ns = namespec(str(i.group), str(i.name));
      return { ...i, namespec: ns, ...extras?.get(ns) };
    });
    ctl.output(JSON.stringify(out, jsonValue, 2));
  } else {
    showStatuses(ctl, matching);
  }
  if (matching.some((i) => STOPPED_STATES.has(i.state as ProcessState))) ctl.exitstatus = StatusExit.NOT_RUNNING;
};

/** JSON for the XML-RPC values JSON has no type for (big integers, wrapped doubles, dates, bytes). */
function jsonValue(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Double) return v.value;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return v;
}

const doPid: Command = async (ctl, arg) => {
  const supervisor = ctl.getSupervisor();
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) {
    ctl.output(str(await supervisor.call("getPID")));
  } else if (names.includes("all")) {
    for (const info of (await supervisor.call("getAllProcessInfo")) as Info[]) ctl.output(str(info.pid));
  } else {
    for (const name of names) {
      let info: Info;
      try {
        info = (await supervisor.call("getProcessInfo", name)) as Info;
      } catch (e) {
        if (!(e instanceof RpcFault)) throw e;
        ctl.exitstatus = Exit.GENERIC;
        if (e.code !== Faults.BAD_NAME) throw e;
        ctl.output(`No such process ${name}`);
        continue;
      }
      ctl.output(str(info.pid));
      if (info.pid === 0) ctl.exitstatus = Exit.NOT_RUNNING;
    }
  }
};

/** A result struct, or the one supervisorctl builds from a fault. */
interface Result {
  group: string;
  name: string | null;
  status: number;
  description: string;
}

function fromStruct(r: Info): Result {
  return { group: str(r.group), name: str(r.name), status: r.status as number, description: str(r.description) };
}

function fromFault(e: RpcFault, name: string): Result {
  const { group, process } = splitNamespec(name);
  return { group, name: process, status: e.code, description: e.faultString };
}

const START_ERRORS: ReadonlyMap<number, string> = new Map([
  [Faults.BAD_NAME, "no such process"],
  [Faults.NO_FILE, "no such file"],
  [Faults.NOT_EXECUTABLE, "file is not executable"],
  [Faults.ALREADY_STARTED, "already started"],
  [Faults.SPAWN_ERROR, "spawn error"],
  [Faults.ABNORMAL_TERMINATION, "abnormal termination"],
]);

/** `_startresult`. */
function startResult(r: Result): string {
  const name = namespec(r.group, r.name);
  const reason = START_ERRORS.get(r.status);
  if (reason !== undefined) return `${name}: ERROR (${reason})`;
  if (r.status === Faults.SUCCESS) return `${name}: started`;
  throw new PyError("ValueError", `Unknown result code ${r.status} for ${name}`, PY_FILES.supervisorctl, 761);
}

/** `_signalresult` (and `_stopresult` with `success` = "stopped"). */
function signalResult(r: Result, success = "signalled"): string {
  const name = namespec(r.group, r.name);
  if (r.status === Faults.BAD_NAME) return `${name}: ERROR (no such process)`;
  if (r.status === Faults.BAD_SIGNAL) return `${name}: ERROR (bad signal name)`;
  if (r.status === Faults.NOT_RUNNING) return `${name}: ERROR (not running)`;
  if (r.status === Faults.SUCCESS) return `${name}: ${success}`;
  if (r.status === Faults.FAILED) return r.description;
  throw new PyError("ValueError", `Unknown result code ${r.status} for ${name}`, PY_FILES.supervisorctl, 835);
}

/** `_clearresult`. */
function clearResult(r: Result): string {
  const name = namespec(r.group, r.name);
  if (r.status === Faults.BAD_NAME) return `${name}: ERROR (no such process)`;
  if (r.status === Faults.FAILED) return `${name}: ERROR (failed)`;
  if (r.status === Faults.SUCCESS) return `${name}: cleared`;
  throw new PyError("ValueError", `Unknown result code ${r.status} for ${name}`, PY_FILES.supervisorctl, 1260);
}

/** How one of start/stop/signal talks to the server and reports. */
interface Action {
  all: string;
  group: string;
  one: string;
  extra: XmlRpcValue[];
  format: (r: Result) => string;
  ignored?: number;
  /** Exit status for an unknown group. */
  badGroup: number;
  /** The success line for a single process. */
  done: string;
}

/** The shared body of start, stop and signal for a list of names. */
async function act(ctl: Controller, names: readonly string[], a: Action): Promise<void> {
  const supervisor = ctl.getSupervisor();
  const report = (r: Result) => {
    ctl.output(a.format(r));
    ctl.setExitstatusFromFault(r.status, a.ignored);
  };
  if (names.includes("all")) {
    for (const r of (await supervisor.call(a.all, ...a.extra)) as Info[]) report(fromStruct(r));
    return;
  }
  for (const name of names) {
    const { group, process } = splitNamespec(name);
    try {
      if (process === null) {
        for (const r of (await supervisor.call(a.group, group, ...a.extra)) as Info[]) report(fromStruct(r));
      } else {
        await supervisor.call(a.one, name, ...a.extra);
        ctl.output(`${namespec(group, process)}: ${a.done}`);
      }
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      if (process !== null) {
        report(fromFault(e, name));
        continue;
      }
      if (e.code !== Faults.BAD_NAME) {
        ctl.exitstatus = Exit.GENERIC;
        throw e;
      }
      ctl.output(`${group}: ERROR (no such group)`);
      ctl.exitstatus = a.badGroup;
    }
  }
}

const doStart: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) {
    ctl.output("Error: start requires a process name");
    ctl.exitstatus = Exit.INVALID_ARGS;
    helpFor(ctl, "start");
    return;
  }
  await act(ctl, names, {
    all: "startAllProcesses",
    group: "startProcessGroup",
    one: "startProcess",
    extra: [],
    format: startResult,
    ignored: Faults.ALREADY_STARTED,
    badGroup: Exit.INVALID_ARGS,
    done: "started",
  });
};

const doStop: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) {
    ctl.output("Error: stop requires a process name");
    ctl.exitstatus = Exit.GENERIC;
    helpFor(ctl, "stop");
    return;
  }
  await act(ctl, names, {
    all: "stopAllProcesses",
    group: "stopProcessGroup",
    one: "stopProcess",
    extra: [],
    format: (r) => signalResult(r, "stopped"),
    ignored: Faults.NOT_RUNNING,
    badGroup: Exit.GENERIC,
    done: "stopped",
  });
};

const doSignal: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const args = pySplit(arg);
  if (args.length < 2) {
    ctl.output("Error: signal requires a signal name and a process name");
    helpFor(ctl, "signal");
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  await act(ctl, args.slice(1), {
    all: "signalAllProcesses",
    group: "signalProcessGroup",
    one: "signalProcess",
    extra: [args[0]!],
    format: (r) => signalResult(r),
    badGroup: Exit.GENERIC,
    done: "signalled",
  });
};

const doRestart: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  if (pySplit(arg).length === 0) {
    ctl.output("Error: restart requires a process name");
    ctl.exitstatus = Exit.GENERIC;
    helpFor(ctl, "restart");
    return;
  }
  await doStop(ctl, arg);
  await doStart(ctl, arg);
};

const doClear: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) {
    ctl.output("Error: clear requires a process name");
    ctl.exitstatus = Exit.GENERIC;
    helpFor(ctl, "clear");
    return;
  }
  const supervisor = ctl.getSupervisor();
  const report = (r: Result) => {
    ctl.output(clearResult(r));
    ctl.setExitstatusFromFault(r.status);
  };
  if (names.includes("all")) {
    for (const r of (await supervisor.call("clearAllProcessLogs")) as Info[]) report(fromStruct(r));
    return;
  }
  for (const name of names) {
    try {
      await supervisor.call("clearProcessLogs", name);
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      report(fromFault(e, name));
      continue;
    }
    const { group, process } = splitNamespec(name);
    ctl.output(`${namespec(group, process)}: cleared`);
  }
};

/** The process-control commands by name. */
export const PROCESS_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ["status", doStatus],
  ["pid", doPid],
  ["start", doStart],
  ["stop", doStop],
  ["signal", doSignal],
  ["restart", doRestart],
  ["clear", doClear],
]);
