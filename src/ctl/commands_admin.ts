/**
 * The daemon and configuration commands (avail, reread, update, add,
 * remove, reload, shutdown, version, open) and the shell's own (help,
 * quit, exit, EOF), with the stock client's messages, confirmations and
 * exit statuses (CTL.avail … CTL.help).
 *
 * Python counterpart: supervisor/supervisorctl.py
 * (`DefaultControllerPlugin.do_avail`, `_formatConfigInfo`, `do_reread`,
 * `_formatChanges`, `do_update`, `do_add`, `do_remove`, `do_reload`,
 * `do_shutdown`, `do_version`, `do_open`, `do_quit`, `do_help`;
 * `Controller.do_help`, `Controller.do_EOF`).
 * @module
 */

import { pyCompare, pyLower } from "../config/_pytext.ts";
import { Faults } from "../rpc/faults.ts";
import { pyStr, type XmlRpcStruct, type XmlRpcValue } from "../rpc/xmlrpc_value.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { HELP, HELP_HELP, HELP_LISTING, noHelp } from "./help.ts";
import { RpcFault, SocketError } from "./py_errors.ts";
import { namespec, pyLjust, pySplit, urlScheme } from "./_text.ts";

function helpFor(ctl: Controller, topic: string): void {
  for (const line of HELP[topic] ?? []) ctl.output(line);
}

/** Prints `Error: <cmd> accepts no arguments` and the help when `arg` is not empty. */
function refuseArgs(ctl: Controller, cmd: string, arg: string): boolean {
  if (arg === "") return false;
  ctl.output(`Error: ${cmd} accepts no arguments`);
  ctl.exitstatus = Exit.GENERIC;
  helpFor(ctl, cmd);
  return true;
}

/** Rethrows anything but a fault with code `code`. */
function expectFault(e: unknown, ...codes: number[]): RpcFault {
  if (e instanceof RpcFault && codes.includes(e.code)) return e;
  throw e;
}

/** `_formatConfigInfo`. */
function configInfoLine(c: XmlRpcStruct): string {
  const name = namespec(pyStr(c.group ?? null), pyStr(c.name ?? null));
  const priority = `${pyStr(c.group_prio ?? null)}:${pyStr(c.process_prio ?? null)}`;
  return `${pyLjust(name, 32)} ${pyLjust(c.inuse ? "in use" : "avail", 9)} ${
    pyLjust(c.autostart ? "auto" : "manual", 9)
  } ${priority}`;
}

const doAvail: Command = async (ctl, arg) => {
  if (refuseArgs(ctl, "avail", arg)) return;
  const supervisor = ctl.getSupervisor();
  let infos: XmlRpcValue;
  try {
    infos = await supervisor.call("getAllConfigInfo");
  } catch (e) {
    if (e instanceof RpcFault) ctl.exitstatus = Exit.GENERIC;
    expectFault(e, Faults.SHUTDOWN_STATE);
    return ctl.output("ERROR: supervisor shutting down");
  }
  for (const info of infos as XmlRpcStruct[]) ctl.output(configInfoLine(info));
};

type Changes = [string[], string[], string[]];

/** `_formatChanges`. */
function formatChanges(ctl: Controller, [added, changed, dropped]: Changes): void {
  const kinds = new Map<string, string>();
  for (const n of added) kinds.set(n, "available");
  for (const n of changed) kinds.set(n, "changed");
  for (const n of dropped) kinds.set(n, "disappeared");
  if (kinds.size === 0) return ctl.output("No config updates to processes");
  for (const name of [...kinds.keys()].sort(pyCompare)) ctl.output(`${name}: ${kinds.get(name)}`);
}

const doReread: Command = async (ctl, arg) => {
  if (refuseArgs(ctl, "reread", arg)) return;
  const supervisor = ctl.getSupervisor();
  let result: XmlRpcValue;
  try {
    result = await supervisor.call("reloadConfig");
  } catch (e) {
    if (e instanceof RpcFault) ctl.exitstatus = Exit.GENERIC;
    const fault = expectFault(e, Faults.SHUTDOWN_STATE, Faults.CANT_REREAD);
    return ctl.output(
      fault.code === Faults.SHUTDOWN_STATE ? "ERROR: supervisor shutting down" : `ERROR: ${fault.faultString}`,
    );
  }
  formatChanges(ctl, (result as Changes[])[0]!);
};

const doAdd: Command = async (ctl, arg) => {
  const supervisor = ctl.getSupervisor();
  for (const name of pySplit(arg)) {
    try {
      await supervisor.call("addProcessGroup", name);
    } catch (e) {
      if (e instanceof RpcFault && e.code !== Faults.ALREADY_ADDED) ctl.exitstatus = Exit.GENERIC;
      const fault = expectFault(e, Faults.SHUTDOWN_STATE, Faults.ALREADY_ADDED, Faults.BAD_NAME);
      if (fault.code === Faults.SHUTDOWN_STATE) ctl.output("ERROR: shutting down");
      else if (fault.code === Faults.ALREADY_ADDED) ctl.output("ERROR: process group already active");
      else ctl.output(`ERROR: no such process/group: ${name}`);
      continue;
    }
    ctl.output(`${name}: added process group`);
  }
};

const doRemove: Command = async (ctl, arg) => {
  const supervisor = ctl.getSupervisor();
  for (const name of pySplit(arg)) {
    try {
      await supervisor.call("removeProcessGroup", name);
    } catch (e) {
      if (e instanceof RpcFault) ctl.exitstatus = Exit.GENERIC;
      const fault = expectFault(e, Faults.STILL_RUNNING, Faults.BAD_NAME);
      ctl.output(
        fault.code === Faults.STILL_RUNNING
          ? `ERROR: process/group still running: ${name}`
          : `ERROR: no such process/group: ${name}`,
      );
      continue;
    }
    ctl.output(`${name}: removed process group`);
  }
};

const doUpdate: Command = async (ctl, arg) => {
  const supervisor = ctl.getSupervisor();
  const log = (name: string, message: string) => ctl.output(`${name}: ${message}`);
  let result: XmlRpcValue;
  try {
    result = await supervisor.call("reloadConfig");
  } catch (e) {
    if (e instanceof RpcFault) ctl.exitstatus = Exit.GENERIC;
    expectFault(e, Faults.SHUTDOWN_STATE);
    return ctl.output("ERROR: already shutting down");
  }
  const [added, changed, removed] = (result as Changes[])[0]!;
  let wanted = new Set(pySplit(arg));
  if (wanted.has("all")) wanted = new Set();
  if (wanted.size > 0) {
    const groups = new Set<string>(added);
    for (const info of (await supervisor.call("getAllProcessInfo")) as XmlRpcStruct[]) {
      groups.add(pyStr(info.group ?? null));
    }
    for (const name of wanted) {
      if (groups.has(name)) continue;
      ctl.output(`ERROR: no such group: ${name}`);
      ctl.exitstatus = Exit.GENERIC;
    }
  }
  const skip = (g: string) => wanted.size > 0 && !wanted.has(g);
  for (const g of removed.filter((g) => !skip(g))) {
    const results = (await supervisor.call("stopProcessGroup", g)) as XmlRpcStruct[];
    log(g, "stopped");
    if (results.some((r) => r.status === Faults.FAILED)) {
      log(g, "has problems; not removing");
      ctl.exitstatus = Exit.GENERIC;
      continue;
    }
    await supervisor.call("removeProcessGroup", g);
    log(g, "removed process group");
  }
  for (const g of changed.filter((g) => !skip(g))) {
    await supervisor.call("stopProcessGroup", g);
    log(g, "stopped");
    await supervisor.call("removeProcessGroup", g);
    await supervisor.call("addProcessGroup", g);
    log(g, "updated process group");
  }
  for (const g of added.filter((g) => !skip(g))) {
    await supervisor.call("addProcessGroup", g);
    log(g, "added process group");
  }
};

/** In interactive mode, asks `question` (Python's `raw_input`); true unless the answer starts with y. */
async function declined(ctl: Controller, question: string, pyLine: number): Promise<boolean> {
  if (!ctl.options.interactive) return false;
  const answer = await ctl.rawInput(question, pyLine);
  return !pyLower(answer).startsWith("y");
}

const doShutdown: Command = async (ctl, arg) => {
  if (refuseArgs(ctl, "shutdown", arg)) return;
  if (await declined(ctl, "Really shut the remote supervisord process down y/N? ", 987)) return;
  const supervisor = ctl.getSupervisor();
  try {
    await supervisor.call("shutdown");
  } catch (e) {
    if (e instanceof SocketError) {
      ctl.exitstatus = Exit.GENERIC;
      if (e.code !== "ECONNREFUSED" && e.code !== "ENOENT") throw e;
      const what = e.code === "ECONNREFUSED" ? "refused connection" : "no such file";
      return ctl.output(`ERROR: ${ctl.options.serverurl} ${what} (already shut down?)`);
    }
    // SHUTDOWN_STATE leaves the exit status alone, as in Python.
    expectFault(e, Faults.SHUTDOWN_STATE);
    return ctl.output("ERROR: already shutting down");
  }
  ctl.output("Shut down");
};

const doReload: Command = async (ctl, arg) => {
  if (refuseArgs(ctl, "reload", arg)) return;
  if (await declined(ctl, "Really restart the remote supervisord process y/N? ", 1027)) return;
  const supervisor = ctl.getSupervisor();
  try {
    await supervisor.call("restart");
  } catch (e) {
    if (e instanceof RpcFault) ctl.exitstatus = Exit.GENERIC;
    expectFault(e, Faults.SHUTDOWN_STATE);
    return ctl.output("ERROR: already shutting down");
  }
  ctl.output("Restarted supervisord");
};

const doVersion: Command = async (ctl, arg) => {
  if (refuseArgs(ctl, "version", arg)) return;
  if (!(await ctl.upcheck())) return;
  ctl.output(pyStr(await ctl.getSupervisor().call("getSupervisorVersion")));
};

const doOpen: Command = async (ctl, arg) => {
  const url = arg;
  const scheme = urlScheme(url);
  if (scheme !== "unix" && scheme !== "http") {
    ctl.output("ERROR: url must be http:// or unix://");
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  ctl.options.serverurl = url;
  const old = ctl.exitstatus;
  await ctl.commands.get("status")?.(ctl, "");
  ctl.exitstatus = old;
};

const doHelp: Command = (ctl, arg) => {
  if (arg === "help") {
    for (const line of HELP_HELP) ctl.output(line);
  } else if (arg === "") {
    ctl.write(HELP_LISTING);
  } else if (Object.hasOwn(HELP, arg)) {
    helpFor(ctl, arg);
  } else {
    ctl.output(noHelp(arg));
  }
  return Promise.resolve();
};

/** `do_EOF` (also quit and exit): an empty line, then leave the shell. */
const doEof: Command = (ctl) => {
  ctl.output("");
  return Promise.resolve(true);
};

/** The daemon, config and shell commands by name. */
export const ADMIN_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ["avail", doAvail],
  ["reread", doReread],
  ["update", doUpdate],
  ["add", doAdd],
  ["remove", doRemove],
  ["shutdown", doShutdown],
  ["reload", doReload],
  ["version", doVersion],
  ["open", doOpen],
  ["help", doHelp],
  ["quit", doEof],
  ["exit", doEof],
  ["EOF", doEof],
]);
