/**
 * The log commands: `tail` (last bytes of a process log, or `-f` to follow
 * it), `maintail` (supervisord's own log) and `fg` (follow both logs of a
 * process and send it what is typed), with the stock client's argument
 * rules, messages and exit statuses (CTL.tail, CTL.maintail, CTL.fg).
 * Following streams `GET /logtail/<name>/<channel>` or `/mainlogtail`
 * until the server closes it or Ctrl-C is pressed (XPORT.tailf).
 *
 * Python counterpart: supervisor/supervisorctl.py
 * (`DefaultControllerPlugin._tailf`, `do_tail`, `do_maintail`, `do_fg`,
 * `fgthread`) and supervisor/http_client.py (`Listener.feed`).
 * @module
 */

import { pyParseInt } from "../config/_pytext.ts";
import { pyRepr } from "../config/pyrepr.ts";
import { pyBytesRepr } from "../logging/py_bytes_repr.ts";
import { Faults } from "../rpc/faults.ts";
import { pyStr, type XmlRpcStruct } from "../rpc/xmlrpc_value.ts";
import { openStream } from "./client.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { HELP } from "./help.ts";
import { PY_FILES, PyError, RpcFault } from "./py_errors.ts";
import { pySplit } from "./_text.ts";
import type { ReadToken } from "./_input.ts";

const INTERRUPTED = Symbol("interrupted");
const RUNNING = 20;

function helpFor(ctl: Controller, topic: string): void {
  for (const line of HELP[topic] ?? []) ctl.output(line);
}

/** Python's `int(text)`, or null where it raises ValueError. */
function pyInt(text: string): number | null {
  try {
    return Number(pyParseInt(text));
  } catch {
    return null;
  }
}

/** Python's xmlrpc refuses integers outside 32 bits before sending. */
function xmlrpcInt(n: number): number {
  if (n > 2147483647 || n < -2147483648) {
    throw new PyError("OverflowError", "int exceeds XML-RPC limits", PY_FILES.xmlrpcClient, 552);
  }
  return n;
}

/**
 * Copies one streamed GET to stdout until the server ends it or
 * `interrupted` settles; errors go to stderr as Python's listener writes
 * them. Resolves true when interrupted.
 */
async function follow(ctl: Controller, path: string, interrupted: Promise<void>): Promise<boolean> {
  const stop = interrupted.then((): typeof INTERRUPTED => INTERRUPTED);
  const settings = ctl.options;
  const opening = openStream(ctl.rt, settings, path);
  const opened = await Promise.race([opening, stop]);
  if (opened === INTERRUPTED) {
    void opening.then((o) => {
      if (o.ok) o.response.body?.cancel().catch(() => {});
    });
    return true;
  }
  if (!opened.ok) {
    ctl.rt.stderr.write(opened.message + "\n");
    return false;
  }
  const body = opened.response.body;
  if (body === null) return false;
  const reader = body.getReader();
  let decoder = new TextDecoder("utf-8", { fatal: true });
  for (;;) {
    const r = await Promise.race([reader.read(), stop]);
    if (r === INTERRUPTED) {
      await reader.cancel().catch(() => {});
      return true;
    }
    if (r.done) return false;
    try {
      ctl.write(decoder.decode(r.value, { stream: true }));
    } catch {
      decoder = new TextDecoder("utf-8", { fatal: true });
      ctl.write(`Undecodable: ${pyBytesRepr(r.value)}`);
    }
  }
}

/** `_tailf`: the banner, then the stream; Ctrl-C ends it with an empty line. */
async function tailf(ctl: Controller, path: string): Promise<void> {
  ctl.output("==> Press Ctrl-C to exit <==");
  const interrupted = await ctl.interrupts.scope((signal) => follow(ctl, path, signal));
  if (interrupted) ctl.output("");
}

/** Reports a fault of readProcess*Log / readLog, or rethrows it. */
function logFault(ctl: Controller, e: unknown, name: string, badName: boolean): void {
  if (!(e instanceof RpcFault)) throw e;
  ctl.exitstatus = Exit.GENERIC;
  if (e.code === Faults.NO_FILE) ctl.output(`${name}: ERROR (no log file)`);
  else if (e.code === Faults.FAILED) ctl.output(`${name}: ERROR (unknown error reading log)`);
  else if (badName && e.code === Faults.BAD_NAME) ctl.output(`${name}: ERROR (no such process name)`);
  else throw e;
}

/** Fails the command with `message` (exit 1), optionally followed by the help lines. */
function fail(ctl: Controller, message: string, help?: string): void {
  ctl.output(message);
  ctl.exitstatus = Exit.GENERIC;
  if (help !== undefined) helpFor(ctl, help);
}

const doTail: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const args = pySplit(arg);
  if (args.length < 1) return fail(ctl, "Error: too few arguments", "tail");
  if (args.length > 3) return fail(ctl, "Error: too many arguments", "tail");
  const modifier = args[0]!.startsWith("-") ? args.shift()! : null;
  let name: string;
  let channel = "stdout";
  if (args.length === 1) {
    name = args[0]!;
  } else if (args.length > 0) {
    name = args[0]!;
    channel = args.at(-1)!.toLowerCase();
    if (channel !== "stderr" && channel !== "stdout") return fail(ctl, `Error: bad channel ${pyRepr(channel)}`);
  } else {
    return fail(ctl, "Error: tail requires process name");
  }
  let bytes: number | null = 1600;
  if (modifier !== null) {
    const what = modifier.slice(1);
    bytes = what === "f" ? null : pyInt(what);
    if (what !== "f" && bytes === null) return fail(ctl, `Error: bad argument ${modifier}`);
  }
  const supervisor = ctl.getSupervisor();
  if (bytes === null) return await tailf(ctl, `/logtail/${name}/${channel}`);
  const method = channel === "stdout" ? "readProcessStdoutLog" : "readProcessStderrLog";
  try {
    ctl.output(pyStr(await supervisor.call(method, name, xmlrpcInt(-bytes), 0)));
  } catch (e) {
    logFault(ctl, e, name, true);
  }
};

const doMaintail: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const args = pySplit(arg);
  if (args.length > 1) return fail(ctl, "Error: too many arguments", "maintail");
  let bytes = 1600;
  if (args.length === 1) {
    const word = args[0]!;
    if (!word.startsWith("-")) return fail(ctl, `Error: bad argument ${word}`);
    if (word.slice(1) === "f") return await tailf(ctl, "/mainlogtail");
    const n = pyInt(word.slice(1));
    if (n === null) return fail(ctl, `Error: bad argument ${word}`);
    bytes = n;
  }
  const supervisor = ctl.getSupervisor();
  try {
    ctl.output(pyStr(await supervisor.call("readLog", xmlrpcInt(-bytes), 0)));
  } catch (e) {
    logFault(ctl, e, "supervisord", false);
  }
};

/** Reads what is typed and sends it to the process until it stops, EOF or Ctrl-C. */
async function feedProcess(ctl: Controller, name: string, interrupted: Promise<void>): Promise<void> {
  const supervisor = ctl.getSupervisor();
  const stop = interrupted.then((): typeof INTERRUPTED => INTERRUPTED);
  for (;;) {
    const token: ReadToken = { cancelled: false };
    let line: string | typeof INTERRUPTED;
    try {
      line = await Promise.race([ctl.rawInput("", 1380, token), stop]);
    } catch (e) {
      if (!(e instanceof PyError) || e.pyClass !== "EOFError") throw e;
      line = INTERRUPTED;
    }
    if (line === INTERRUPTED) {
      token.cancelled = true;
      return ctl.output("Exiting foreground");
    }
    try {
      await supervisor.call("sendProcessStdin", name, line + "\n");
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      ctl.output(e.code === Faults.NOT_RUNNING ? "Process got killed" : `ERROR: ${e.message}`);
      return ctl.output("Exiting foreground");
    }
    const info = (await supervisor.call("getProcessInfo", name)) as XmlRpcStruct;
    if (info.state !== RUNNING) {
      ctl.output("Process got killed");
      return ctl.output("Exiting foreground");
    }
  }
}

const doFg: Command = async (ctl, arg) => {
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) return fail(ctl, "ERROR: no process name supplied", "fg");
  if (names.length > 1) return fail(ctl, "ERROR: too many process names supplied");
  const name = names[0]!;
  let info: XmlRpcStruct;
  try {
    info = (await ctl.getSupervisor().call("getProcessInfo", name)) as XmlRpcStruct;
  } catch (e) {
    if (!(e instanceof RpcFault)) throw e;
    if (e.code === Faults.BAD_NAME) fail(ctl, "ERROR: bad process name supplied");
    else ctl.output(`ERROR: ${e.message}`);
    return;
  }
  if (info.state !== RUNNING) return fail(ctl, "ERROR: process not running");
  ctl.output("==> Press Ctrl-C to exit <==");
  await ctl.interrupts.scope(async (interrupted) => {
    const { promise: done, resolve: finish } = Promise.withResolvers<void>();
    const ended = Promise.race([interrupted, done]);
    const streams = [follow(ctl, `/logtail/${name}/stdout`, ended), follow(ctl, `/logtail/${name}/stderr`, ended)];
    try {
      await feedProcess(ctl, name, interrupted);
    } finally {
      finish();
      await Promise.allSettled(streams);
    }
  });
};

/** The log commands by name. */
export const LOG_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ["tail", doTail],
  ["maintail", doMaintail],
  ["fg", doFg],
]);
