/**
 * `logs [-f] [-n LINES] [name…]` (EXTENSIONS.md §12): the stdout and stderr
 * logs of several processes (all by default) in one output, each line
 * prefixed with its padded namespec and `| `, the prefix coloured per
 * process on a terminal (unless NO_COLOR is set), like `docker compose
 * logs`. First the last LINES lines (default 10) of each log, process by
 * process; with `-f` then every new line as it arrives, from all logs
 * interleaved, until Ctrl-C. Following uses the JSON API's event streams
 * when the daemon is ours, and `tailProcess*Log` offsets polled every
 * second against supervisord 4.2.5.
 *
 * Python counterpart: none (supervisor/supervisorctl.py `do_tail` reads one
 * log; `tailProcessStdoutLog` is the polling model).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import { pyStr, type XmlRpcStruct } from "../rpc/xmlrpc_value.ts";
import { apiStream } from "./api_client.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { namespec, pySplit } from "./_text.ts";

/** How much of each log is read for the history. */
const HISTORY_BYTES = 64 * 1024;
/** How often a log is polled against a daemon without event streams, in ms. */
export const POLL_MS = 1000;
const COLOURS = ["36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"];
const STOPPED = Symbol("stopped");

/** One log being shown. */
interface LogStream {
  readonly ns: string;
  readonly channel: "stdout" | "stderr";
  readonly prefix: string;
  /** Where the next read starts (bytes). */
  offset: number;
  /** Text after the last newline, waiting for the rest of its line. */
  partial: string;
}

interface Parsed {
  follow: boolean;
  lines: number;
  names: string[];
}

function parseArgs(words: string[]): Parsed | string {
  const out: Parsed = { follow: false, lines: 10, names: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-f" || w === "--follow") out.follow = true;
    else if (w === "-n" || w === "--tail") {
      const n = words[++i];
      if (n === undefined || !/^\d+$/.test(n)) return `Error: ${w} needs a number of lines`;
      out.lines = Number(n);
    } else if (/^-n\d+$/.test(w)) out.lines = Number(w.slice(2));
    else if (w.startsWith("-")) return `Error: unknown option ${w}`;
    else out.names.push(w);
  }
  return out;
}

/** The processes the names select (all without names); unknown names are reported. */
function select(ctl: Controller, infos: XmlRpcStruct[], names: string[]): XmlRpcStruct[] {
  if (names.length === 0 || names.includes("all")) return infos;
  const out: XmlRpcStruct[] = [];
  for (const name of names) {
    const { group, process } = splitNamespec(name);
    const found = infos.filter((i) => pyStr(i.group) === group && (process === null || pyStr(i.name) === process));
    if (found.length === 0) {
      ctl.output(`${name}: ERROR (no such ${process === null ? "group" : "process"})`);
      ctl.exitstatus = Exit.GENERIC;
    }
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}

function streamsOf(ctl: Controller, infos: XmlRpcStruct[]): LogStream[] {
  const names = infos.map((i) => namespec(pyStr(i.group), pyStr(i.name)));
  const width = Math.max(0, ...names.map((n) => n.length));
  const colour = ctl.rt.stdout.isTerminal() && !ctl.rt.env()["NO_COLOR"];
  const out: LogStream[] = [];
  infos.forEach((info, idx) => {
    const ns = names[idx]!;
    const label = `${ns.padEnd(width)} | `;
    const prefix = colour ? `\x1b[${COLOURS[idx % COLOURS.length]}m${label}\x1b[0m` : label;
    for (const channel of ["stdout", "stderr"] as const) {
      if (pyStr(info[`${channel}_logfile`] ?? "") === "") continue;
      out.push({ ns, channel, prefix, offset: 0, partial: "" });
    }
  });
  return out;
}

/** Prints the complete lines of `text` (after what was pending) with the stream's prefix. */
function feed(ctl: Controller, s: LogStream, text: string): void {
  const all = s.partial + text;
  const end = all.lastIndexOf("\n");
  if (end === -1) {
    s.partial = all;
    return;
  }
  s.partial = all.slice(end + 1);
  for (const line of all.slice(0, end).split("\n")) ctl.output(s.prefix + line);
}

/** The last `lines` lines of each log, process by process; sets each stream's offset to the end. */
async function history(ctl: Controller, streams: LogStream[], lines: number): Promise<void> {
  const sup = ctl.getSupervisor();
  for (const s of streams) {
    const method = s.channel === "stdout" ? "tailProcessStdoutLog" : "tailProcessStderrLog";
    const [text, offset] = (await sup.call(method, s.ns, 0, HISTORY_BYTES)) as [string, number, boolean];
    s.offset = Number(offset);
    const complete = text.slice(0, text.lastIndexOf("\n") + 1);
    s.partial = text.slice(complete.length);
    const shown = complete === "" ? [] : complete.slice(0, -1).split("\n");
    for (const line of lines === 0 ? [] : shown.slice(-lines)) ctl.output(s.prefix + line);
  }
}

/** Follows one log over the event stream; false when the daemon has none. */
async function followSse(ctl: Controller, s: LogStream, stopped: Promise<typeof STOPPED>): Promise<boolean> {
  const path = `/processes/${encodeURIComponent(s.ns)}/logs/${s.channel}/follow?offset=${s.offset}`;
  const body = await apiStream(ctl.rt, ctl.options, path);
  if (body === null) return false;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const r = await Promise.race([reader.read(), stopped]);
    if (r === STOPPED || r.done) {
      await reader.cancel().catch(() => {});
      return true;
    }
    buffer += decoder.decode(r.value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      if (!frame.includes("event: log")) continue;
      const data = frame.find((l) => l.startsWith("data: "));
      if (data !== undefined) feed(ctl, s, JSON.parse(data.slice(6)) as string);
    }
  }
}

/**
 * Follows one log by polling (supervisord 4.2.5): `tailProcess*Log` with
 * length 0 gives the size; a smaller size than the offset reached means a
 * new file (start again from 0); new bytes are read with `readProcess*Log`
 * from the offset (`tail`'s own offset moves to the end when more than its
 * length arrived, so it cannot be used to read on).
 */
async function followPolling(ctl: Controller, s: LogStream, stopped: Promise<typeof STOPPED>): Promise<void> {
  const sup = ctl.getSupervisor();
  const ch = s.channel === "stdout" ? "Stdout" : "Stderr";
  const encoder = new TextEncoder();
  for (;;) {
    let timer = 0;
    const tick = new Promise<void>((wake) => timer = ctl.rt.clock.setTimeout(wake, POLL_MS));
    if ((await Promise.race([tick, stopped])) === STOPPED) return ctl.rt.clock.clearTimeout(timer);
    const [, size] = (await sup.call(`tailProcess${ch}Log`, s.ns, 0, 0)) as [string, number, boolean];
    if (Number(size) < s.offset) s.offset = 0;
    if (Number(size) <= s.offset) continue;
    const length = Math.min(Number(size) - s.offset, HISTORY_BYTES);
    const text = (await sup.call(`readProcess${ch}Log`, s.ns, s.offset, length)) as string;
    s.offset += encoder.encode(text).length;
    if (text !== "") feed(ctl, s, text);
  }
}

const doLogs: Command = async (ctl, arg) => {
  const parsed = parseArgs(pySplit(arg));
  if (typeof parsed === "string") {
    ctl.output(parsed);
    ctl.exitstatus = Exit.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  const infos = (await ctl.getSupervisor().call("getAllProcessInfo")) as XmlRpcStruct[];
  const streams = streamsOf(ctl, select(ctl, infos, parsed.names));
  await history(ctl, streams, parsed.lines);
  if (!parsed.follow || streams.length === 0) return;
  await ctl.interrupts.scope(async (interrupted) => {
    const stopped = interrupted.then((): typeof STOPPED => STOPPED);
    await Promise.all(streams.map(async (s) => {
      if (!(await followSse(ctl, s, stopped))) await followPolling(ctl, s, stopped);
    }));
  });
  ctl.output("");
};

/** `logs`. */
export const LOGS_COMMANDS: ReadonlyMap<string, Command> = new Map([["logs", doLogs]]);
