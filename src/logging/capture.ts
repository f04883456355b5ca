/**
 * Capture mode for one output channel (SURFACE EVT.comm): with
 * `<channel>_capture_maxbytes` > 0, output between `<!--XSUPERVISOR:BEGIN-->`
 * and `<!--XSUPERVISOR:END-->` is kept out of the log file and becomes one
 * PROCESS_COMMUNICATION_<CHANNEL> event. A pure transformer: raw chunks from
 * the pipe in, an ordered list of {@linkcode OutputPiece}s out.
 *
 * Each piece is what Python hands to `POutputDispatcher._log`, already
 * through `strip_ansi` when asked: "log" goes to the log file, "capture" to
 * the capture buffer instead; both are echoed to the main log at debug
 * level and raise PROCESS_LOG_<CHANNEL> when `<channel>_events_enabled`.
 * "comm" is a finished capture: raise PROCESS_COMMUNICATION_<CHANNEL> with
 * its bytes, then log {@linkcode commEventLogLine} at DEBG.
 *
 * As in Python, while the buffered output is no longer than the token being
 * looked for (24 bytes for BEGIN, 22 for END) it is held back until more
 * arrives, and a possible token prefix at the end of a chunk waits for the
 * next one (EVT.comm.holdback).
 *
 * Where this differs from supervisord 4.2.5, on purpose: `end()` (EOF)
 * flushes held-back output (decision EVT.comm.holdback in §11.1); Python
 * loses it. A capture block still open at EOF is dropped, as in Python.
 *
 * Python counterpart: supervisor/dispatchers.py (`POutputDispatcher`:
 * `record_output`, `toggle_capturemode`), `BoundIO` in supervisor/loggers.py
 * and `find_prefix_at_end` in supervisor/medusa/asynchat_25.py.
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { stripAnsi } from "./strip_ansi.ts";
import type { Channel } from "./types.ts";

const encoder = new TextEncoder();
/** The token that starts a capture block. */
export const BEGIN_TOKEN: Uint8Array = encoder.encode("<!--XSUPERVISOR:BEGIN-->");
/** The token that ends a capture block. */
export const END_TOKEN: Uint8Array = encoder.encode("<!--XSUPERVISOR:END-->");

/** One step of output handling, in order. See the module doc. */
export type OutputPiece =
  | { kind: "log"; data: Uint8Array }
  | { kind: "capture"; data: Uint8Array }
  | { kind: "comm"; data: Uint8Array };

/** Settings of one channel. */
export interface CaptureOptions {
  /** `<channel>_capture_maxbytes`; 0 turns capture mode off (chunks pass through as "log"). */
  maxbytes: number;
  /** `strip_ansi`: strip each piece before it is logged or captured. */
  stripAnsi?: boolean;
}

/** The DEBG line logged after a comm event: `'<name>' <channel> emitted a comm event` (MLOG.comm). */
export function commEventLogLine(name: string, channel: Channel): string {
  return `${pyRepr(name)} ${channel} emitted a comm event`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Index of the first `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  if (first === undefined) return 0;
  for (let i = hay.indexOf(first); i !== -1 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Python `find_prefix_at_end`: the length of the longest proper prefix of `needle` that ends `hay`. */
export function prefixAtEnd(hay: Uint8Array, needle: Uint8Array): number {
  for (let l = needle.length - 1; l > 0; l--) {
    if (l > hay.length) continue;
    let k = 0;
    while (k < l && hay[hay.length - l + k] === needle[k]) k++;
    if (k === l) return l;
  }
  return 0;
}

/** Python `BoundIO`: appending `n` bytes that would overflow drops `n` bytes from the head first. */
class BoundBuffer {
  #buf: Uint8Array = new Uint8Array(0);
  constructor(readonly maxbytes: number) {}
  write(b: Uint8Array): void {
    if (this.#buf.length + b.length > this.maxbytes) this.#buf = this.#buf.subarray(b.length);
    this.#buf = concat(this.#buf, b).slice();
  }
  take(): Uint8Array {
    const out = this.#buf;
    this.#buf = new Uint8Array(0);
    return out;
  }
}

/** One channel's capture-mode state: feed it chunks, act on the pieces it returns. */
export class CaptureSplitter {
  readonly #maxbytes: number;
  readonly #strip: boolean;
  #capture: BoundBuffer;
  #capturing = false;
  #held: Uint8Array = new Uint8Array(0);
  #out: OutputPiece[] = [];

  constructor(opts: CaptureOptions) {
    this.#maxbytes = opts.maxbytes;
    this.#strip = opts.stripAnsi ?? false;
    this.#capture = new BoundBuffer(opts.maxbytes);
  }

  /** True while inside a capture block. */
  get capturing(): boolean {
    return this.#capturing;
  }

  /** Bytes held back waiting for more output (not yet in any piece). */
  get held(): Uint8Array {
    return this.#held;
  }

  /**
   * Takes one chunk read from the pipe.
   *
   * @param chunk Raw bytes (before strip_ansi).
   * @returns What to do with them, in order.
   */
  feed(chunk: Uint8Array): OutputPiece[] {
    this.#out = [];
    this.#held = concat(this.#held, chunk);
    if (this.#maxbytes <= 0) {
      const data = this.#held;
      this.#held = new Uint8Array(0);
      this.#log(data);
    } else {
      this.#record();
    }
    return this.#out;
  }

  /**
   * The pipe closed: flushes held-back bytes as one more piece of the
   * current mode and starts over (outside capture mode, empty buffers).
   */
  end(): OutputPiece[] {
    this.#out = [];
    const held = this.#held;
    this.#held = new Uint8Array(0);
    this.#log(held);
    this.#capturing = false;
    this.#capture = new BoundBuffer(this.#maxbytes);
    return this.#out;
  }

  /** Python `record_output`, as a loop. */
  #record(): void {
    for (;;) {
      const token = this.#capturing ? END_TOKEN : BEGIN_TOKEN;
      if (this.#held.length <= token.length) return;
      const data = this.#held;
      this.#held = new Uint8Array(0);
      const at = indexOfBytes(data, token);
      if (at === -1) {
        const keep = prefixAtEnd(data, token);
        this.#held = data.slice(data.length - keep);
        this.#log(data.subarray(0, data.length - keep));
        return;
      }
      this.#log(data.subarray(0, at));
      this.#toggle();
      this.#held = data.slice(at + token.length);
      if (this.#held.length === 0) return;
    }
  }

  /** Python `_log`: one piece of the current mode (skipped when empty before stripping). */
  #log(raw: Uint8Array): void {
    if (raw.length === 0) return;
    const data = (this.#strip ? stripAnsi(raw) : raw).slice();
    if (this.#capturing) {
      this.#capture.write(data);
      this.#out.push({ kind: "capture", data });
    } else {
      this.#out.push({ kind: "log", data });
    }
  }

  /** Python `toggle_capturemode`: leaving capture mode completes a comm event. */
  #toggle(): void {
    this.#capturing = !this.#capturing;
    if (!this.#capturing) this.#out.push({ kind: "comm", data: this.#capture.take() });
  }
}
