/**
 * The published `supervisor.*` methods as data: name, signature, how many
 * trailing parameters are optional, help text, and which names are aliases.
 * The engine supplies the handlers with {@linkcode bindSupervisorMethods}
 * and registers the result with the dispatcher.
 *
 * Signatures and optional counts are those supervisord 4.2.5 reports
 * (SURFACE §8.4, Appendix A.4; the optional parameters are the `wait=True`
 * defaults). The help texts are our own summaries, not Python's docstrings.
 *
 * Python counterpart: supervisor/rpcinterface.py (`SupervisorNamespaceRPCInterface`
 * method list, its docstring `@param`/`@return` tags and its aliases).
 * @module
 */

import type { MethodDef, MethodSpec, RpcHandler } from "./methods.ts";

/** One `supervisor.*` entry; an alias has no own help and shares its target's handler. */
export interface SupervisorMethodSpec extends MethodSpec {
  /** For an alias (`getVersion`), the method it stands for (`supervisor.getAPIVersion`). */
  readonly aliasOf?: string;
}

type Row = readonly [method: string, signature: readonly string[], optional: number, help: string];

const NAME = "@param string name  process name, group:process, or group:* for a whole group";
const WAIT = "@param boolean wait  wait for the operation to finish (default true)";
const OFFSET = "@param int offset  where to start reading (negative: from the end)";
const LENGTH = "@param int length  how many bytes to read (0: to the end)";
const RESULTS = "@return array result  one {name, group, status, description} struct per process";

const ROWS: readonly Row[] = [
  ["getAPIVersion", ["string"], 0, "Return the version of the RPC API clients talk to.\n\n@return string version"],
  ["getSupervisorVersion", ["string"], 0, "Return the version of supervisord.\n\n@return string version"],
  [
    "getIdentification",
    ["string"],
    0,
    "Return the identifier configured for this supervisord.\n\n@return string identifier",
  ],
  ["getState", ["struct"], 0, "Return supervisord's state as {statecode, statename}.\n\n@return struct result"],
  ["getPID", ["int"], 0, "Return the process id of supervisord.\n\n@return int pid"],
  ["readLog", ["string", "int", "int"], 0, `Read part of the main log.\n\n${OFFSET}\n${LENGTH}\n@return string result`],
  ["clearLog", ["boolean"], 0, "Empty the main log file.\n\n@return boolean result  always true"],
  ["shutdown", ["boolean"], 0, "Stop all processes and exit supervisord.\n\n@return boolean result  always true"],
  ["restart", ["boolean"], 0, "Stop all processes and restart supervisord.\n\n@return boolean result  always true"],
  [
    "reloadConfig",
    ["array"],
    0,
    "Re-read the configuration and report the differences, changing nothing.\n\n" +
    "@return array result  [[added, changed, removed]] group names",
  ],
  [
    "addProcessGroup",
    ["boolean", "string"],
    0,
    "Activate a group from the configuration.\n\n@param string name  group name\n@return boolean result",
  ],
  [
    "removeProcessGroup",
    ["boolean", "string"],
    0,
    "Remove a group whose processes are all stopped.\n\n@param string name  group name\n@return boolean result",
  ],
  ["startProcess", ["boolean", "string", "boolean"], 1, `Start a process.\n\n${NAME}\n${WAIT}\n@return boolean result`],
  [
    "startProcessGroup",
    ["array", "string", "boolean"],
    1,
    `Start every process of a group.\n\n${NAME}\n${WAIT}\n${RESULTS}`,
  ],
  ["startAllProcesses", ["array", "boolean"], 1, `Start every process.\n\n${WAIT}\n${RESULTS}`],
  ["stopProcess", ["boolean", "string", "boolean"], 1, `Stop a process.\n\n${NAME}\n${WAIT}\n@return boolean result`],
  [
    "stopProcessGroup",
    ["array", "string", "boolean"],
    1,
    `Stop every process of a group.\n\n${NAME}\n${WAIT}\n${RESULTS}`,
  ],
  ["stopAllProcesses", ["array", "boolean"], 1, `Stop every process.\n\n${WAIT}\n${RESULTS}`],
  [
    "signalProcess",
    ["boolean", "string", "string"],
    0,
    `Send a signal to a process.\n\n${NAME}\n@param string signal  signal name or number\n@return boolean result`,
  ],
  [
    "signalProcessGroup",
    ["array", "string", "string"],
    0,
    `Send a signal to every process of a group.\n\n${NAME}\n@param string signal  signal name or number\n${RESULTS}`,
  ],
  [
    "signalAllProcesses",
    ["array", "string"],
    0,
    `Send a signal to every process.\n\n@param string signal  signal name or number\n${RESULTS}`,
  ],
  ["getAllConfigInfo", ["array"], 0, "Describe the configuration of every process.\n\n@return array result  structs"],
  ["getProcessInfo", ["struct", "string"], 0, `Describe one process.\n\n${NAME}\n@return struct result`],
  ["getAllProcessInfo", ["array"], 0, "Describe every process.\n\n@return array result  structs"],
  [
    "readProcessStdoutLog",
    ["string", "string", "int", "int"],
    0,
    `Read part of a process's stdout log.\n\n${NAME}\n${OFFSET}\n${LENGTH}\n@return string result`,
  ],
  [
    "readProcessStderrLog",
    ["string", "string", "int", "int"],
    0,
    `Read part of a process's stderr log.\n\n${NAME}\n${OFFSET}\n${LENGTH}\n@return string result`,
  ],
  [
    "tailProcessStdoutLog",
    ["array", "string", "int", "int"],
    0,
    "Read the end of a process's stdout log, from an offset, for following it.\n\n" +
    `${NAME}\n@param int offset  where the caller stopped reading\n@param int length  most bytes to return\n` +
    "@return array result  [bytes, new offset, overflow]",
  ],
  [
    "tailProcessStderrLog",
    ["array", "string", "int", "int"],
    0,
    "Read the end of a process's stderr log, from an offset, for following it.\n\n" +
    `${NAME}\n@param int offset  where the caller stopped reading\n@param int length  most bytes to return\n` +
    "@return array result  [bytes, new offset, overflow]",
  ],
  [
    "clearProcessLogs",
    ["boolean", "string"],
    0,
    `Empty a process's stdout and stderr logs.\n\n${NAME}\n@return boolean result`,
  ],
  ["clearAllProcessLogs", ["array"], 0, `Empty the logs of every process.\n\n${RESULTS}`],
  [
    "sendProcessStdin",
    ["boolean", "string", "string"],
    0,
    `Write text to a process's stdin.\n\n${NAME}\n@param string chars  the text to write\n@return boolean result`,
  ],
  [
    "sendRemoteCommEvent",
    ["boolean", "string", "string"],
    0,
    "Emit a REMOTE_COMMUNICATION event to listeners.\n\n@param string type  event type text\n" +
    "@param string data  event data\n@return boolean result",
  ],
];

/** Old names kept for compatibility, and the method each stands for. */
const ALIASES: Readonly<Record<string, string>> = {
  getVersion: "getAPIVersion",
  readMainLog: "readLog",
  readProcessLog: "readProcessStdoutLog",
  tailProcessLog: "tailProcessStdoutLog",
  clearProcessLog: "clearProcessLogs",
};

function specs(): SupervisorMethodSpec[] {
  const out: SupervisorMethodSpec[] = ROWS.map(([m, signature, optional, help]) => ({
    name: `supervisor.${m}`,
    signature,
    optional,
    help,
  }));
  for (const [alias, target] of Object.entries(ALIASES)) {
    const t = out.find((s) => s.name === `supervisor.${target}`);
    if (t === undefined) throw new Error(`alias ${alias} names unknown method ${target}`);
    out.push({ ...t, name: `supervisor.${alias}`, aliasOf: t.name });
  }
  return out;
}

/** The 37 published `supervisor.*` methods (32 plus 5 aliases). */
export const SUPERVISOR_METHODS: readonly SupervisorMethodSpec[] = specs();

/**
 * Pairs {@linkcode SUPERVISOR_METHODS} with handlers. Handlers are keyed by
 * full name; aliases use their target's handler.
 *
 * @param handlers A handler per non-alias method.
 * @param opts `partial: true` leaves out methods without a handler instead of throwing.
 * @returns Definitions to pass to `RpcDispatcher.registerAll`.
 * @throws {TypeError} When a handler names an unknown method or an alias, or
 *   (without `partial`) a method has no handler.
 */
export function bindSupervisorMethods(
  handlers: Readonly<Record<string, RpcHandler>>,
  opts: { partial?: boolean } = {},
): MethodDef[] {
  for (const name of Object.keys(handlers)) {
    const s = SUPERVISOR_METHODS.find((m) => m.name === name);
    if (s === undefined || s.aliasOf !== undefined) {
      throw new TypeError(`Cannot bind "${name}": not a published supervisor method`);
    }
  }
  const out: MethodDef[] = [];
  for (const s of SUPERVISOR_METHODS) {
    const handler = handlers[s.aliasOf ?? s.name];
    if (handler !== undefined) out.push({ ...s, handler });
    else if (!opts.partial) throw new TypeError(`Cannot bind supervisor methods: no handler for "${s.name}"`);
  }
  return out;
}
