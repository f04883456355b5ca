/**
 * The log tails behind `GET /logtail/<name>[/<channel>]` and
 * `GET /mainlogtail`: the last 1024 bytes of the file, then whatever is
 * appended, for as long as the client stays.
 *
 * Following a file the way supervisord's `tail_f_producer` does: the size
 * is checked on a timer (one per open tail, every {@linkcode
 * DEFAULT_TAIL_INTERVAL_MS}, and only while the client is waiting for more:
 * the body stream is pulled, so a slow client is not read ahead of); bytes
 * past the last position are sent; a file that shrank sends `==> File
 * truncated <==\n` and starts again from its beginning; a new file at the
 * path (rotation, or clearLog/clearProcessLogs recreating it, seen as a
 * different inode) is followed from its start. When the path is gone the
 * tail waits for it to come back. Cancelling the body (the client went
 * away, or the server closed) stops the timer.
 *
 * Differences from supervisord: it polls every 0.1 s; this checks every
 * 250 ms by default. It keeps reading a deleted file through its open
 * descriptor; this reads by path, so bytes written to a file after it was
 * unlinked are not sent, and since nothing holds the old file open its
 * inode number may be reused by the new file: a log recreated with the same
 * inode number between two checks looks like the old one (shorter: the
 * truncation notice, then its start; already longer than the position
 * reached: its first bytes are skipped). Reads are at most 64 KiB per chunk. A log path that
 * is not a regular file (a directory, `/dev/stdout`) is 404 here instead of
 * an error.
 *
 * Python counterpart: supervisor/http.py (`logtail_handler`,
 * `mainlogtail_handler`, `tail_f_producer`).
 * @module
 */

import { splitNamespec } from "../config/namespec.ts";
import type { Channel } from "../logging/types.ts";
import type { ApiContext } from "../rpc/api_context.ts";
import { fileLogSource, type LogSource, type LogStat, processLogSource } from "../logging/log_source.ts";
import type { Runtime } from "../runtime/types.ts";
import type { LogTail, LogTailSource } from "./server.ts";

/** How often an idle tail checks its file, in ms. */
export const DEFAULT_TAIL_INTERVAL_MS = 250;

/** How much of the file a new tail starts with (supervisord's 1024). */
export const TAIL_HEAD_BYTES = 1024;

/** The largest chunk read at once. */
const MAX_CHUNK = 64 * 1024;

const TRUNCATED = new TextEncoder().encode("==> File truncated <==\n");

/** Options of {@linkcode createLogTails} and {@linkcode followFile}. */
export interface LogTailOptions {
  /** Milliseconds between size checks while nothing new has arrived. */
  intervalMs?: number;
}

/** One followed log; its state is the position reached and the inode read from. */
class Follower {
  readonly #rt: Runtime;
  readonly #log: LogSource;
  readonly #interval: number;
  #ino: number;
  #dev: number;
  #pos: number;
  #cancelled = false;
  #timer: number | null = null;
  #wake: (() => void) | null = null;

  constructor(rt: Runtime, log: LogSource, info: LogStat, interval: number) {
    this.#rt = rt;
    this.#log = log;
    this.#interval = interval;
    this.#ino = info.ino;
    this.#dev = info.dev;
    this.#pos = info.size >= TAIL_HEAD_BYTES ? info.size - TAIL_HEAD_BYTES : 0;
  }

  stream(): ReadableStream<Uint8Array> {
    // highWaterMark 0: nothing is read until the consumer asks for it.
    return new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#cancel(),
    }, { highWaterMark: 0 });
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (this.#cancelled) return;
      const chunk = await this.#poll();
      if (this.#cancelled) return;
      if (chunk !== null) return controller.enqueue(chunk);
      await this.#sleep();
    }
  }

  /** Python `tail_f_producer.more`: new bytes, the truncation notice, or null for nothing yet. */
  async #poll(): Promise<Uint8Array | null> {
    const info = await this.#log.stat().catch(() => null);
    if (info === null) return null; // unlinked: wait for a new file
    if (info.ino !== this.#ino || info.dev !== this.#dev) {
      this.#ino = info.ino;
      this.#dev = info.dev;
      this.#pos = 0;
    }
    const added = info.size - this.#pos;
    if (added < 0) {
      this.#pos = 0;
      return TRUNCATED;
    }
    if (added === 0) return null;
    let data: Uint8Array;
    try {
      data = await this.#log.readRange(this.#pos, Math.min(added, MAX_CHUNK));
    } catch {
      return null;
    }
    this.#pos += data.length;
    return data.length > 0 ? data : null;
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#rt.clock.setTimeout(() => {
        this.#timer = null;
        this.#wake = null;
        resolve();
      }, this.#interval);
    });
  }

  #cancel(): void {
    this.#cancelled = true;
    if (this.#timer !== null) this.#rt.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#wake?.();
    this.#wake = null;
  }
}

/**
 * Starts following `path`: the body begins with its last 1024 bytes.
 *
 * @param rt The runtime (file system and clock).
 * @param path The file to follow.
 * @param opts The check interval.
 * @returns The tail, or null when `path` is not an existing regular file.
 */
export function followFile(rt: Runtime, path: string, opts: LogTailOptions = {}): Promise<LogTail | null> {
  return followLog(rt, fileLogSource(rt.fs, path), opts);
}

/**
 * Starts following a log (a file, or a channel's in-memory log in container
 * mode): the body begins with its last 1024 bytes.
 *
 * @returns The tail, or null when the log does not exist or is not a regular file.
 */
export async function followLog(rt: Runtime, log: LogSource, opts: LogTailOptions = {}): Promise<LogTail | null> {
  const info = await log.stat().catch(() => null);
  if (info === null || !info.isFile) return null;
  const follower = new Follower(rt, log, info, opts.intervalMs ?? DEFAULT_TAIL_INTERVAL_MS);
  return { body: follower.stream(), mtime: info.mtime };
}

/**
 * The daemon's {@linkcode LogTailSource}: process logs by namespec (a whole
 * group, an unknown name, a channel without a log file or a missing file
 * are null, i.e. 404) and the main log (null when it is syslog or missing).
 *
 * @param ctx The engine, the main log and the runtime.
 * @param opts The check interval.
 * @returns The source to give `createHttpHandler`.
 */
export function createLogTails(
  ctx: Pick<ApiContext, "supervisor" | "logger" | "runtime">,
  opts: LogTailOptions = {},
): LogTailSource {
  return {
    processLog(name: string, channel: Channel): Promise<LogTail | null> {
      const { group, process } = splitNamespec(name);
      const proc = process === null ? undefined : ctx.supervisor.groups.get(group)?.processes.get(process);
      const log = proc === undefined ? null : processLogSource(ctx.runtime.fs, proc.output, channel);
      return log === null ? Promise.resolve(null) : followLog(ctx.runtime, log, opts);
    },
    mainLog(): Promise<LogTail | null> {
      const path = ctx.logger.logfile;
      return path === null ? Promise.resolve(null) : followFile(ctx.runtime, path, opts);
    },
  };
}
