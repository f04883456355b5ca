/**
 * The daemon's console in container mode (EXTENSIONS.md §1): child output
 * copied to supervisord's stdout or stderr as whole lines, each framed by
 * `console_format`, never two programs' bytes in one line:
 *
 * - `prefixed`: `web_00   | line` (the prefix padded to the longest, as
 *   docker-compose does; coloured when `console_color` says so);
 * - `raw`: the line as the child wrote it;
 * - `json`: `{"ts","process","group","stream","line"}`, one object a line.
 *
 * A partial line is held until its newline comes, for at most 64 KiB or
 * 500 ms without new output, and then written with a `…` marker (`"partial":
 * true` in json) so prompts are not stuck; at end of file it is written as
 * a line. Everything goes through one {@linkcode ConsoleQueue}, whose limit
 * (8 MiB) holds the child readers when the console is slow. Echoed main-log
 * lines go through the same queue, so they never land inside a child line.
 *
 * Each process gets a tee ({@linkcode OutputTee}) that its
 * {@linkcode ChildOutput} feeds from the capture path.
 *
 * Python counterpart: none; the peers are docker-compose's log prefixes and
 * the `supervisor-stdout` event listener (`name | channel | data`).
 * @module
 */

import type { ConsoleFormat, ConsoleTarget } from "../config/schema.ts";
import type { Clock, OutputStream } from "../runtime/types.ts";
import { ConsoleQueue } from "./console_queue.ts";
import type { Channel, OutputTee } from "./types.ts";

/** How the console is set up. */
export interface ConsoleOptions {
  /** `console_format`. */
  format: ConsoleFormat;
  /** Colour the prefixes (`console_color`, resolved against the terminal and `NO_COLOR`). */
  color: boolean;
  /** Timers for the idle flush of partial lines, and `ts` of json lines. */
  clock: Clock;
  /** The daemon's stdout and stderr. */
  targets: { stdout: OutputStream; stderr: OutputStream };
  /** Bytes that may wait before child readers are held; default 8 MiB. */
  limit?: number;
  /** The longest partial line held; default 64 KiB. */
  partialMax?: number;
  /** How long a partial line is held without new output; default 500 ms. */
  idleMs?: number;
  /** Told once when writing to the console failed (it then drops output). */
  onError?: (error: unknown) => void;
}

/** A process whose output goes to the console. */
export interface ConsoleProcess {
  /** The process name (json `process`). */
  name: string;
  /** Its group (json `group`). */
  group: string;
  /** `console_prefix`. */
  prefix: string;
  /** Where each channel goes (`console`); null: not to the console. */
  route: { stdout: ConsoleTarget; stderr: ConsoleTarget };
}

const enc = new TextEncoder();
const MARK = enc.encode("…\n");
const NEWLINE = enc.encode("\n");
/** docker-compose's palette: cyan, yellow, green, magenta, blue, then their bright forms. */
const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** The console stream; see the module documentation. */
export class ConsoleStream {
  readonly #opts: ConsoleOptions;
  readonly #queue: ConsoleQueue;
  readonly #partialMax: number;
  readonly #idleMs: number;
  #width = 0;
  #sources = 0;

  constructor(opts: ConsoleOptions) {
    this.#opts = opts;
    this.#partialMax = opts.partialMax ?? 64 * 1024;
    this.#idleMs = opts.idleMs ?? 500;
    this.#queue = new ConsoleQueue(opts.targets, opts.limit ?? 8 * 1024 * 1024, (e) => opts.onError?.(e));
  }

  /** The width prefixes are padded to: the longest prefix seen so far. */
  get width(): number {
    return this.#width;
  }

  /** Bytes waiting to be written. */
  get queued(): number {
    return this.#queue.queued;
  }

  /**
   * The tee of one process, or null when none of its channels goes to the
   * console. Registering widens the padding of every prefix when this one
   * is the longest.
   */
  source(proc: ConsoleProcess): OutputTee | null {
    if (proc.route.stdout === null && proc.route.stderr === null) return null;
    this.#width = Math.max(this.#width, [...proc.prefix].length);
    const color = COLORS[this.#sources++ % COLORS.length]!;
    const framers = {
      stdout: proc.route.stdout === null ? null : new LineFramer(this, proc, "stdout", proc.route.stdout, color),
      stderr: proc.route.stderr === null ? null : new LineFramer(this, proc, "stderr", proc.route.stderr, color),
    };
    return {
      write: (channel, data) => framers[channel]?.feed(data),
      ready: () => this.#queue.room(),
      end: (channel) => framers[channel]?.end(),
    };
  }

  /** Writes a line of the daemon's own (an echoed main-log line, ending with a newline) to stdout. */
  line(text: string): void {
    if (this.#opts.format !== "json") return this.#queue.push("stdout", enc.encode(text));
    const record = { ts: this.#isoNow(), process: "supervisord", group: "", stream: "log", line: text.trimEnd() };
    this.#queue.push("stdout", enc.encode(JSON.stringify(record) + "\n"));
  }

  /** Resolves once everything written so far has reached the console. */
  drained(): Promise<void> {
    return this.#queue.drained();
  }

  /** @internal Shared with the framers. */
  get settings(): { format: ConsoleFormat; color: boolean; partialMax: number; idleMs: number; clock: Clock } {
    const { format, color, clock } = this.#opts;
    return { format, color, clock, partialMax: this.#partialMax, idleMs: this.#idleMs };
  }

  /** @internal Queues framed bytes. */
  push(target: "stdout" | "stderr", bytes: Uint8Array): void {
    this.#queue.push(target, bytes);
  }

  /** @internal Space for `n` framed bytes, filled before returning to the event loop; null: dropped. */
  reserve(target: "stdout" | "stderr", n: number): { buf: Uint8Array; at: number } | null {
    return this.#queue.reserve(target, n);
  }

  #isoNow(): string {
    return new Date(this.#opts.clock.now()).toISOString();
  }
}

/** Frames one channel of one process into whole lines. */
class LineFramer {
  readonly #console: ConsoleStream;
  readonly #proc: ConsoleProcess;
  readonly #channel: Channel;
  readonly #target: "stdout" | "stderr";
  readonly #color: number;
  readonly #settings: ConsoleStream["settings"];
  #head = new Uint8Array(0);
  #headWidth = -1;
  #partial = new Uint8Array(0);
  #partialLen = 0;
  #lastFeed = 0;
  #timer: number | null = null;
  /** Newline positions of the chunk being framed (reused: no allocation per chunk). */
  #ends = new Int32Array(1024);

  constructor(
    console: ConsoleStream,
    proc: ConsoleProcess,
    channel: Channel,
    target: "stdout" | "stderr",
    color: number,
  ) {
    this.#console = console;
    this.#proc = proc;
    this.#channel = channel;
    this.#target = target;
    this.#color = color;
    this.#settings = console.settings;
  }

  feed(data: Uint8Array): void {
    const last = data.lastIndexOf(10);
    if (last >= 0) {
      this.#frame(data, last + 1);
      this.#partialLen = 0;
    }
    const tail = last >= 0 ? data.subarray(last + 1) : data;
    if (tail.length === 0) return;
    this.#hold(tail);
    if (this.#partialLen >= this.#settings.partialMax) return this.#flushPartial(true);
    this.#lastFeed = this.#settings.clock.monotonic();
    this.#timer ??= this.#settings.clock.setTimeout(() => this.#idle(), this.#settings.idleMs);
  }

  end(): void {
    if (this.#partialLen > 0) this.#flushPartial(false);
    this.#cancelTimer();
  }

  /**
   * Queues the lines of `data[0, end)` (which ends with a newline), the held
   * partial line first, framed straight into the queue's batch.
   */
  #frame(data: Uint8Array, end: number): void {
    if (this.#settings.format === "json") {
      const text = new TextDecoder().decode(this.#joined(data.subarray(0, end)));
      const framed = text.slice(0, -1).split("\n").map((line) => this.#json(line, false)).join("");
      return this.#console.push(this.#target, enc.encode(framed));
    }
    const head = this.#prefix();
    const h = head.length;
    const held = this.#partialLen;
    const bytes = end === data.length ? data : data.subarray(0, end);
    if (h === 0) {
      // raw: the bytes as they are, after the held partial line.
      const space = this.#console.reserve(this.#target, held + end);
      if (space === null) return;
      if (held > 0) space.buf.set(this.#partial.subarray(0, held), space.at);
      space.buf.set(bytes, space.at + held);
      return;
    }
    const ends = this.#newlines(data, end);
    const lines = ends.count;
    const size = h + held + end + (lines - 1) * h;
    const space = this.#console.reserve(this.#target, size);
    if (space === null) return;
    // The bytes go to the end of the space in one copy, then each line moves down to its place behind its
    // prefix (copyWithin: no view per line, which is what costs at millions of short lines). A line's place
    // is never past the bytes of the lines still to move.
    const out = space.buf;
    const base = space.at + size - end;
    out.set(bytes, base);
    out.set(head, space.at);
    if (held > 0) out.set(this.#partial.subarray(0, held), space.at + h);
    let o = space.at + h + held;
    let start = 0;
    const at = ends.at;
    for (let i = 0; i < lines; i++) {
      const stop = at[i]! + 1;
      if (i > 0) {
        // A short prefix is copied by hand: a call of set() per line costs more than the bytes.
        if (h <= 16) { for (let k = 0; k < h; k++) out[o + k] = head[k]!; }
        else out.set(head, o);
        o += h;
      }
      out.copyWithin(o, base + start, base + stop);
      o += stop - start;
      start = stop;
    }
  }

  /** The positions of the newlines in `data[0, end)`, in a buffer reused from chunk to chunk. */
  #newlines(data: Uint8Array, end: number): { at: Int32Array; count: number } {
    let count = 0;
    for (let i = data.indexOf(10); i !== -1 && i < end; i = data.indexOf(10, i + 1)) {
      if (count === this.#ends.length) {
        const grown = new Int32Array(count * 2);
        grown.set(this.#ends);
        this.#ends = grown;
      }
      this.#ends[count++] = i;
    }
    return { at: this.#ends, count };
  }

  /** The held partial line followed by `bytes`. */
  #joined(bytes: Uint8Array): Uint8Array {
    if (this.#partialLen === 0) return bytes;
    const all = new Uint8Array(this.#partialLen + bytes.length);
    all.set(this.#partial.subarray(0, this.#partialLen));
    all.set(bytes, this.#partialLen);
    return all;
  }

  #json(line: string, partial: boolean): string {
    const { name, group } = this.#proc;
    const ts = new Date(this.#settings.clock.now()).toISOString();
    const record = partial
      ? { ts, process: name, group, stream: this.#channel, line, partial: true }
      : { ts, process: name, group, stream: this.#channel, line };
    return JSON.stringify(record) + "\n";
  }

  /** `prefix<padding> | `, coloured or not; empty for raw. Rebuilt when the padding width grows. */
  #prefix(): Uint8Array {
    if (this.#settings.format === "raw") return this.#head;
    const width = this.#console.width;
    if (width !== this.#headWidth) {
      const padded = this.#proc.prefix + " ".repeat(Math.max(0, width - [...this.#proc.prefix].length));
      const text = this.#settings.color ? `\x1b[${this.#color}m${padded} |\x1b[0m ` : `${padded} | `;
      this.#head = enc.encode(text);
      this.#headWidth = width;
    }
    return this.#head;
  }

  #hold(tail: Uint8Array): void {
    const need = this.#partialLen + tail.length;
    if (need > this.#partial.length) {
      const grown = new Uint8Array(Math.max(need, this.#partial.length * 2, 256));
      grown.set(this.#partial.subarray(0, this.#partialLen));
      this.#partial = grown;
    }
    this.#partial.set(tail, this.#partialLen);
    this.#partialLen = need;
  }

  #idle(): void {
    this.#timer = null;
    if (this.#partialLen === 0) return;
    const quiet = this.#settings.clock.monotonic() - this.#lastFeed;
    if (quiet >= this.#settings.idleMs) return this.#flushPartial(true);
    this.#timer = this.#settings.clock.setTimeout(() => this.#idle(), this.#settings.idleMs - quiet);
  }

  /** Writes the held partial line, with the continuation marker (`marked`) or as a last line. */
  #flushPartial(marked: boolean): void {
    const held = this.#partial.subarray(0, this.#partialLen);
    this.#partialLen = 0;
    this.#cancelTimer();
    if (this.#settings.format === "json") {
      this.#console.push(this.#target, enc.encode(this.#json(new TextDecoder().decode(held), marked)));
      return;
    }
    const head = this.#prefix();
    const end = marked ? MARK : NEWLINE;
    const space = this.#console.reserve(this.#target, head.length + held.length + end.length);
    if (space === null) return;
    space.buf.set(head, space.at);
    space.buf.set(held, space.at + head.length);
    space.buf.set(end, space.at + head.length + held.length);
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#settings.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
