/**
 * The `supervisor.*` methods about logs and process input: reading, tailing
 * and clearing the main log and the process logs, writing to a process's
 * stdin, and remote communication events.
 *
 * Python counterpart: supervisor/rpcinterface.py (`readLog`, `clearLog`,
 * `readProcessStdoutLog`, `readProcessStderrLog`, `tailProcessStdoutLog`,
 * `tailProcessStderrLog`, `clearProcessLogs`, `clearAllProcessLogs`,
 * `sendProcessStdin`, `sendRemoteCommEvent`).
 *
 * Where this differs from supervisord 4.2.5, on purpose:
 * - log text that is not UTF-8 is sent with U+FFFD instead of failing the
 *   request with HTTP 500 (SURFACE XMLRPC.badtext, see _log_read.ts);
 * - clearing the logs of a process that is not running empties its log
 *   files (truncated in place; supervisord silently does nothing, SURFACE
 *   LOG.child.clear, decision in §11.1); a running process's files are
 *   deleted and recreated, as supervisord does;
 * - `clearLog` writes `reopening log file` once; supervisord in the
 *   foreground writes it twice (once per log handler: file and stdout);
 * - `sendProcessStdin` waits at most {@linkcode STDIN_WRITE_GRACE_MS} for
 *   the pipe to take the data (supervisord writes without blocking and
 *   buffers the rest); a write still pending then finishes in the background
 *   and the call answers true.
 * @module
 */

import { makeNamespec } from "../config/namespec.ts";
import { fileLogSource, processLogSource } from "../logging/log_source.ts";
import type { Channel } from "../logging/types.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { BrokenPipeError } from "../runtime/errors.ts";
import type { ByteWriter, Clock } from "../runtime/types.ts";
import { allProcesses, type ApiContext, guard, resolve } from "./api_context.ts";
import type { RpcHandler } from "./methods.ts";
import { Faults, RpcError } from "./faults.ts";
import { decodeLogText, exists, pyInt, readFile, tailFile, type TailResult } from "./_log_read.ts";
import { pyStr, type XmlRpcValue } from "./xmlrpc_value.ts";

/** How long `sendProcessStdin` waits for a write before answering without it. */
export const STDIN_WRITE_GRACE_MS = 100;

const CHANNELS: readonly Channel[] = ["stdout", "stderr"];
const encoder = new TextEncoder();

/** One entry of the `clearAllProcessLogs` result array (SURFACE RPC.struct.result). */
export interface ClearResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

/** The process a name addresses; BAD_NAME for unknown names and for whole groups (`g:*`). */
function processNamed(ctx: ApiContext, name: string): Subprocess {
  const { process } = resolve(ctx, name);
  if (process === null) throw new RpcError(Faults.BAD_NAME, name);
  return process;
}

/** Python `readLog`: a slice of the main log (RPC.readfile). */
export async function readLog(ctx: ApiContext, offset: XmlRpcValue, length: XmlRpcValue): Promise<string> {
  guard(ctx);
  const path = ctx.logger.logfile;
  if (path === null) throw new RpcError(Faults.NO_FILE);
  if (!(await exists(ctx.runtime.fs, path))) throw new RpcError(Faults.NO_FILE, path);
  return decodeLogText(await readFile(fileLogSource(ctx.runtime.fs, path), pyInt(offset), pyInt(length)));
}

/** Python `clearLog`: deletes the main log file and reopens it (a new, empty file). */
export async function clearLog(ctx: ApiContext): Promise<true> {
  guard(ctx);
  const path = ctx.logger.logfile;
  if (path === null || !(await exists(ctx.runtime.fs, path))) throw new RpcError(Faults.NO_FILE);
  try {
    ctx.runtime.fs.unlinkSync(path);
  } catch {
    throw new RpcError(Faults.FAILED);
  }
  // Written before the reopen, so it lands in the deleted file (MLOG.clearlog).
  ctx.logger.info("reopening log file");
  await ctx.logger.reopen();
  return true;
}

/** Python `_readProcessLog` (readProcessStdoutLog, readProcessStderrLog). */
export async function readProcessLog(
  ctx: ApiContext,
  name: string,
  offset: XmlRpcValue,
  length: XmlRpcValue,
  channel: Channel,
): Promise<string> {
  guard(ctx);
  const proc = processNamed(ctx, name);
  const path = proc.output?.logfile(channel) ?? "";
  // No file: in container mode the channel's in-memory log is read instead (an extension).
  const log = processLogSource(ctx.runtime.fs, proc.output, channel);
  if (log === null) throw new RpcError(Faults.NO_FILE);
  if (path !== "" && !(await exists(ctx.runtime.fs, path))) throw new RpcError(Faults.NO_FILE, path);
  return decodeLogText(await readFile(log, pyInt(offset), pyInt(length)));
}

/** Python `_tailProcessLog`: `['', 0, false]` when there is no log file. */
export async function tailProcessLog(
  ctx: ApiContext,
  name: string,
  offset: XmlRpcValue,
  length: XmlRpcValue,
  channel: Channel,
): Promise<TailResult> {
  guard(ctx);
  const proc = processNamed(ctx, name);
  const path = proc.output?.logfile(channel) ?? "";
  const log = processLogSource(ctx.runtime.fs, proc.output, channel);
  if (log === null || (path !== "" && !(await exists(ctx.runtime.fs, path)))) return ["", 0, false];
  return await tailFile(log, pyInt(offset), pyInt(length));
}

/**
 * Empties a process's log files. Running: the output sink deletes and
 * recreates them (Python `removelogs`). Not running: its files are closed,
 * so they are truncated here (decision LOG.child.clear). Only regular files
 * are truncated: `/dev/stdout` as a log target is left alone.
 */
async function emptyLogs(ctx: ApiContext, proc: Subprocess): Promise<void> {
  const output = proc.output;
  if (output === null) return;
  await output.clear();
  if (proc.pid !== 0) return;
  const fs = ctx.runtime.fs;
  for (const channel of CHANNELS) {
    const path = output.logfile(channel);
    if (path === "") continue;
    const info = await fs.stat(path);
    if (info?.isFile) fs.openWriteSync(path, "truncate").close();
  }
}

/** Python `clearProcessLogs`: FAILED: <name> when a file cannot be removed or recreated. */
export async function clearProcessLogs(ctx: ApiContext, name: string): Promise<true> {
  guard(ctx);
  const proc = processNamed(ctx, name);
  try {
    await emptyLogs(ctx, proc);
  } catch {
    throw new RpcError(Faults.FAILED, name);
  }
  return true;
}

/**
 * Python `clearAllProcessLogs`: every process in priority order, one after
 * the other, each as `clearProcessLogs` (so each checks the shutdown state).
 */
export async function clearAllProcessLogs(ctx: ApiContext): Promise<ClearResult[]> {
  guard(ctx);
  const results: ClearResult[] = [];
  for (const [group, proc] of allProcesses(ctx)) {
    const entry = { name: proc.name, group: group.name };
    try {
      await clearProcessLogs(ctx, makeNamespec(group.name, proc.name));
      results.push({ ...entry, status: Faults.SUCCESS, description: "OK" });
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      results.push({ ...entry, status: e.code, description: e.message });
    }
  }
  return results;
}

/** Resolves with "pending" when `p` has not settled within `ms`; rejects as `p` does. */
function settledWithin(clock: Clock, p: Promise<void>, ms: number): Promise<"settled" | "pending"> {
  let timer = 0;
  const timeout = new Promise<"pending">((res) => (timer = clock.setTimeout(() => res("pending"), ms)));
  return Promise.race([p.then(() => "settled" as const), timeout]).finally(() => clock.clearTimeout(timer));
}

async function writeStdin(ctx: ApiContext, stdin: ByteWriter, data: Uint8Array, name: string): Promise<void> {
  const write = stdin.write(data);
  write.catch(() => {}); // a failure after the grace period has nobody to report to
  try {
    await settledWithin(ctx.runtime.clock, write, STDIN_WRITE_GRACE_MS);
  } catch (e) {
    if (e instanceof BrokenPipeError) throw new RpcError(Faults.NO_FILE, name);
    throw e;
  }
}

/**
 * Python `sendProcessStdin`: INCORRECT_PARAMETERS for a non-string (checked
 * before the name), BAD_NAME, NOT_RUNNING without a pid or while being
 * killed, NO_FILE when the process has no stdin or it is closed (EPIPE).
 */
export async function sendProcessStdin(ctx: ApiContext, name: string, chars: XmlRpcValue): Promise<true> {
  guard(ctx);
  if (typeof chars !== "string" && !(chars instanceof Uint8Array)) {
    throw new RpcError(Faults.INCORRECT_PARAMETERS, pyStr(chars));
  }
  const data = typeof chars === "string" ? encoder.encode(chars) : chars;
  const proc = processNamed(ctx, name);
  if (!proc.pid || proc.killing) throw new RpcError(Faults.NOT_RUNNING, name);
  const stdin = proc.child?.stdin ?? null;
  if (stdin === null) throw new RpcError(Faults.NO_FILE, name);
  await writeStdin(ctx, stdin, data, name);
  return true;
}

/** Python `sendRemoteCommEvent`: hands the event to the hook; no shutdown check. */
export function sendRemoteCommEvent(ctx: ApiContext, type: XmlRpcValue, data: XmlRpcValue): true {
  ctx.remoteCommEvent?.(pyStr(type), pyStr(data));
  return true;
}

/**
 * The log and stdin methods, keyed by full name, for `bindSupervisorMethods`
 * (the aliases readMainLog, readProcessLog, tailProcessLog and
 * clearProcessLog are bound there).
 *
 * @param ctx The daemon as the methods see it.
 * @returns A handler per method.
 */
export function logHandlers(ctx: ApiContext): Record<string, RpcHandler> {
  const str = (v: XmlRpcValue | undefined) => pyStr(v);
  const val = (v: XmlRpcValue | undefined): XmlRpcValue => v ?? null;
  return {
    "supervisor.readLog": ([offset, length]) => readLog(ctx, val(offset), val(length)),
    "supervisor.clearLog": () => clearLog(ctx),
    "supervisor.readProcessStdoutLog": ([name, offset, length]) =>
      readProcessLog(ctx, str(name), val(offset), val(length), "stdout"),
    "supervisor.readProcessStderrLog": ([name, offset, length]) =>
      readProcessLog(ctx, str(name), val(offset), val(length), "stderr"),
    "supervisor.tailProcessStdoutLog": ([name, offset, length]) =>
      tailProcessLog(ctx, str(name), val(offset), val(length), "stdout"),
    "supervisor.tailProcessStderrLog": ([name, offset, length]) =>
      tailProcessLog(ctx, str(name), val(offset), val(length), "stderr"),
    "supervisor.clearProcessLogs": ([name]) => clearProcessLogs(ctx, str(name)),
    "supervisor.clearAllProcessLogs": () => clearAllProcessLogs(ctx),
    "supervisor.sendProcessStdin": ([name, chars]) => sendProcessStdin(ctx, str(name), val(chars)),
    "supervisor.sendRemoteCommEvent": ([type, data]) => sendRemoteCommEvent(ctx, val(type), val(data)),
  };
}
