/**
 * Server-sent events of `/api/v1`: following a log file
 * (`…/logs/{stream}/follow`) and the stream of process state changes
 * (`/events`).
 *
 * A followed log sends `event: log` with `id:` = the byte offset just past
 * the chunk and `data:` = the chunk as a JSON string (so CR, NUL and any
 * other byte survive the line-based framing; invalid UTF-8 becomes U+FFFD,
 * and a character cut at the end of a read waits for the next one, so ids
 * always fall on character boundaries). A client that reconnects with
 * `Last-Event-ID` resumes at that offset: no gap, no duplicate. A new file at
 * the path (rotation, reopen after a move, clearLog) sends `event: rotated`,
 * a shorter file `event: truncated`; both with `id: 0`, and the follow goes
 * on from the new file's start. While connected and silent, `: keepalive`
 * comes every {@linkcode KEEPALIVE_MS}; nothing runs once the client is gone.
 *
 * The file is checked like `/logtail` checks it (size and inode by path,
 * every {@linkcode DEFAULT_FOLLOW_INTERVAL_MS} while there is nothing new,
 * reads of at most 64 KiB, only as fast as the client takes them).
 *
 * Python counterpart: none (supervisor/http.py `tail_f_producer` is the
 * model for following a file; rsupervisord's `logs/stream` for the events).
 * @module
 */

import { makeNamespec } from "../config/namespec.ts";
import { processStateName } from "../process/states.ts";
import type { Supervisor } from "../process/supervisor.ts";
import type { Runtime } from "../runtime/types.ts";

/** How often a silent follow checks its file, in ms. */
export const DEFAULT_FOLLOW_INTERVAL_MS = 250;

/** How long a connected stream stays silent before a `: keepalive` comment, in ms. */
export const KEEPALIVE_MS = 15_000;

const MAX_CHUNK = 64 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Headers of every event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Accel-Buffering": "no",
};

/** One event in the wire format (`data` must hold no line break). */
export function sseEvent(event: string, data: string, id?: number): string {
  return `event: ${event}\n${id === undefined ? "" : `id: ${id}\n`}data: ${data}\n\n`;
}

/** How many leading bytes of `data` end on a UTF-8 character boundary (a cut character at the end is left out). */
export function completeUtf8(data: Uint8Array): number {
  let i = data.length;
  let back = 0;
  while (i > 0 && back < 4 && (data[i - 1]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return data.length;
  const lead = data[i - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? i - 1 : data.length;
}

/** Options of {@linkcode followLog}. */
export interface FollowOptions {
  /** Where to start: a byte offset (e.g. from `Last-Event-ID`); null for the current end of the file. */
  from: number | null;
  /** Milliseconds between checks while nothing new has arrived. */
  intervalMs?: number | undefined;
  /** Milliseconds of silence before a keepalive comment. */
  keepaliveMs?: number | undefined;
}

/**
 * Follows `path` as an event stream body; null when the file does not
 * exist or is not a regular file.
 */
export async function followLog(
  rt: Runtime,
  path: string,
  opts: FollowOptions,
): Promise<ReadableStream<Uint8Array> | null> {
  const info = await rt.fs.stat(path).catch(() => null);
  if (info === null || !info.isFile) return null;
  const interval = opts.intervalMs ?? DEFAULT_FOLLOW_INTERVAL_MS;
  const keepalive = opts.keepaliveMs ?? KEEPALIVE_MS;
  let ino = info.ino;
  let dev = info.dev;
  let pos = opts.from ?? info.size;
  let lastSent = rt.clock.monotonic();
  let cancelled = false;
  let timer: number | null = null;
  let wake: (() => void) | null = null;
  // A Last-Event-ID past the end: the file was replaced or truncated while the client was away.
  let pending: string | null = null;
  if (pos > info.size) {
    pos = 0;
    pending = sseEvent("truncated", "{}", 0);
  }

  const poll = async (): Promise<string | null> => {
    if (pending !== null) {
      const first = pending;
      pending = null;
      return first;
    }
    const now = await rt.fs.stat(path).catch(() => null);
    if (now === null) return null;
    if (now.ino !== ino || now.dev !== dev) {
      ino = now.ino;
      dev = now.dev;
      pos = 0;
      return sseEvent("rotated", "{}", 0);
    }
    if (now.size < pos) {
      pos = 0;
      return sseEvent("truncated", "{}", 0);
    }
    if (now.size === pos) return null;
    const data = await rt.fs.readRange(path, pos, Math.min(now.size - pos, MAX_CHUNK)).catch(() => null);
    if (data === null || data.length === 0) return null;
    const usable = completeUtf8(data);
    if (usable === 0) return null;
    pos += usable;
    return sseEvent("log", JSON.stringify(decoder.decode(data.subarray(0, usable))), pos);
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = rt.clock.setTimeout(() => {
        timer = null;
        wake = null;
        resolve();
      }, interval);
    });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (cancelled) return;
        const text = await poll();
        if (cancelled) return;
        if (text !== null) {
          lastSent = rt.clock.monotonic();
          return controller.enqueue(encoder.encode(text));
        }
        if (rt.clock.monotonic() - lastSent >= keepalive) {
          lastSent = rt.clock.monotonic();
          return controller.enqueue(encoder.encode(": keepalive\n\n"));
        }
        await sleep();
      }
    },
    cancel() {
      cancelled = true;
      if (timer !== null) rt.clock.clearTimeout(timer);
      timer = null;
      (wake as (() => void) | null)?.();
    },
  }, { highWaterMark: 0 });
}

/** The most state events queued for a client that does not read; past it the stream ends. */
const MAX_QUEUED = 10_000;

/**
 * `GET /events`: one `event: state` per process state change, data
 * `{"namespec","group","name","from","to","expected","pid","time"}`
 * (`time` in wall-clock seconds), with `id:` counting from 1. Subscribed
 * only while the client is connected.
 */
export function stateEvents(sup: Supervisor, keepaliveMs = KEEPALIVE_MS): ReadableStream<Uint8Array> {
  const clock = sup.host.runtime.clock;
  let off = () => {};
  let timer = 0;
  let id = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const arm = () => {
        clock.clearTimeout(timer);
        timer = clock.setTimeout(() => {
          controller.enqueue(encoder.encode(": keepalive\n\n"));
          arm();
        }, keepaliveMs);
      };
      controller.enqueue(encoder.encode(": connected\n\n"));
      off = sup.onStateChange((c) => {
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED) {
          off();
          clock.clearTimeout(timer);
          controller.close();
          return;
        }
        const data = {
          namespec: makeNamespec(c.proc.groupName, c.proc.name),
          group: c.proc.groupName,
          name: c.proc.name,
          from: processStateName(c.from),
          to: processStateName(c.to),
          expected: c.expected,
          pid: c.proc.pid,
          time: clock.now() / 1000,
        };
        controller.enqueue(encoder.encode(sseEvent("state", JSON.stringify(data), ++id)));
        arm();
      });
      arm();
    },
    cancel() {
      off();
      clock.clearTimeout(timer);
    },
  });
}
