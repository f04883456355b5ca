/**
 * The event listener protocol as supervisord sees it, over the bytes a
 * listener writes to its stdout (SURFACE §10.4): ACKNOWLEDGED → READY on
 * `READY\n`; BUSY while an event is out; `RESULT <n>\n<n bytes>` ends the
 * event (`OK` processed, anything else rejected and re-sent later); bytes
 * that break the protocol put the listener in UNKNOWN, where it gets no more
 * events until it is restarted. Tokens may arrive split across reads or
 * several in one read. Log lines are Python's (MLOG.events, LSN.*).
 *
 * One {@linkcode ListenerProtocol} per listener process, reset at each
 * spawn; the pool marks it BUSY when it sends an event (`sent`).
 *
 * Where this differs from supervisord 4.2.5, on purpose: a negative result
 * length (`RESULT -1`) is a bad result line; Python loops on it until its
 * recursion limit and drops the listener's stdout channel.
 *
 * Python counterpart: supervisor/dispatchers.py (`PEventListenerDispatcher`,
 * `default_handler`, `RejectEvent`) and the `event` half of
 * `Subprocess.finish` in supervisor/process.py.
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { pyBytesRepr } from "../logging/py_bytes_repr.ts";
import type { Channel, Logger } from "../logging/types.ts";
import { ListenerState, listenerStateName } from "../states.ts";
import type { SupervisorEvent } from "./events.ts";

/** Thrown by a result handler to reject the event (it is re-sent later). */
export class RejectEvent extends Error {
  /** @param result The result body the listener sent. */
  constructor(readonly result: Uint8Array) {
    super("Event rejected by the listener");
    this.name = "RejectEvent";
  }
}

/**
 * Judges a listener's result body: returns when the event was processed,
 * throws {@linkcode RejectEvent} to reject it, throws anything else when
 * the result is an error (the listener then enters UNKNOWN).
 */
export type ResultHandler = (event: SupervisorEvent | null, result: Uint8Array) => void;

const OK = new Uint8Array([0x4f, 0x4b]);

/** Python `default_handler`: the body must be exactly `OK`, else the event is rejected. */
export const defaultResultHandler: ResultHandler = (_event, result) => {
  if (!sameBytes(result, OK)) throw new RejectEvent(result);
};

/** `READY\n`, the token that asks for an event. */
export const READY_TOKEN: Uint8Array = new TextEncoder().encode("READY\n");
/** Length of `RESULT `, the part of a result line before the length (never checked, as in Python). */
const RESULT_PREFIX_LENGTH = 7;
const LF = 0x0a;

/** What a listener's protocol state machine needs. */
export interface ListenerProtocolOptions {
  /** The process's name (`config.name`, not the namespec), as log lines show it. */
  name: string;
  /** The main log. */
  logger: Pick<Logger, "debug" | "warn" | "enabled">;
  /** Receives an event the listener rejected, failed or abandoned; the owning pool re-buffers it at the head. */
  onReject: (event: SupervisorEvent) => void;
  /** Judges result bodies; default {@linkcode defaultResultHandler}. */
  resultHandler?: ResultHandler;
  /** The channel named in the debug echo; default "stdout". */
  channel?: Channel;
  /**
   * Whether `feed` logs the DEBG echo of each chunk (MLOG.listener.output);
   * default true. Turn it off when the output sink already echoes the chunk
   * in this format.
   */
  echo?: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  return data.length >= prefix.length && prefix.every((x, i) => data[i] === x);
}

// Only ASCII matters to the pattern; windows-1252 maps no other byte to ASCII.
const latin1 = new TextDecoder("latin1");

/** Python `int(b)` for base 10: ASCII whitespace around, a sign, digits with single `_` between. */
const PY_INT = /^[ \t\n\r\v\f]*([+-]?\d+(?:_\d+)*)[ \t\n\r\v\f]*$/;

/** The length in a result line, or null when Python's `int()` would fail (or it is negative). */
export function parseResultLength(line: Uint8Array): number | null {
  const text = latin1.decode(line.subarray(RESULT_PREFIX_LENGTH));
  const m = PY_INT.exec(text);
  if (m === null) return null;
  const n = Number(m[1]!.replaceAll("_", ""));
  return n < 0 ? null : n === 0 ? 0 : n; // "-0" is 0
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function lineText(line: Uint8Array): string {
  try {
    return utf8.decode(line);
  } catch {
    return `Undecodable: ${pyBytesRepr(line)}`;
  }
}

/** One listener's protocol state (Python keeps it on the process: `listener_state`, `event`). */
export class ListenerProtocol {
  readonly #opts: ListenerProtocolOptions;
  readonly #handler: ResultHandler;
  /** `'<name>' stdout output:\n`, or null when not echoing. */
  readonly #echoHead: string | null;
  #state: ListenerState = ListenerState.ACKNOWLEDGED;
  #event: SupervisorEvent | null = null;
  #buffer: Uint8Array = new Uint8Array(0);
  #result: Uint8Array = new Uint8Array(0);
  #resultLength: number | null = null;

  constructor(opts: ListenerProtocolOptions) {
    this.#opts = opts;
    this.#handler = opts.resultHandler ?? defaultResultHandler;
    this.#echoHead = opts.echo === false ? null : `${pyRepr(opts.name)} ${opts.channel ?? "stdout"} output:\n`;
  }

  /** The listener state. */
  get state(): ListenerState {
    return this.#state;
  }

  /** The event the listener is processing, or null. */
  get event(): SupervisorEvent | null {
    return this.#event;
  }

  /** Back to ACKNOWLEDGED with nothing buffered, silently (Python makes a new dispatcher at each spawn). */
  reset(): void {
    this.#state = ListenerState.ACKNOWLEDGED;
    this.#event = null;
    this.#buffer = new Uint8Array(0);
    this.#result = new Uint8Array(0);
    this.#resultLength = null;
  }

  /** The pool wrote `event` to the listener's stdin: BUSY, no log line (Python sets the state directly). */
  sent(event: SupervisorEvent): void {
    this.#state = ListenerState.BUSY;
    this.#event = event;
  }

  /**
   * The process ended (Python `Subprocess.finish`): an event still out is
   * rejected, so its pool sends it again. The state is left as it is; the
   * next spawn resets it.
   */
  exited(): void {
    const event = this.#event;
    this.#event = null;
    if (event !== null) this.#opts.onReject(event);
  }

  /**
   * Handles one chunk read from the listener's stdout: the DEBG echo
   * `'<name>' stdout output:\nb'...'` (MLOG.listener.output), then every
   * complete token in what is buffered. The caller writes the chunk to the
   * stdout log file itself. An empty chunk (EOF) only re-examines the buffer.
   */
  feed(data: Uint8Array): void {
    if (data.length > 0) {
      this.#buffer = concat(this.#buffer, data);
      if (this.#echoHead !== null && this.#opts.logger.enabled("debug")) {
        this.#opts.logger.debug(this.#echoHead + pyBytesRepr(data));
      }
    }
    while (this.#buffer.length > 0 && this.#step()) { /* next token */ }
  }

  /** Handles one token if the buffer holds one; false when it must wait for more bytes. */
  #step(): boolean {
    switch (this.#state) {
      case ListenerState.UNKNOWN:
        this.#buffer = new Uint8Array(0);
        return false;
      case ListenerState.ACKNOWLEDGED:
        return this.#stepAcknowledged();
      case ListenerState.READY:
        // Output before any event was sent: be strict about it.
        this.#change(ListenerState.UNKNOWN);
        this.#buffer = new Uint8Array(0);
        this.#event = null;
        return false;
      default:
        return this.#resultLength === null ? this.#stepResultLine() : this.#stepResultBody();
    }
  }

  #stepAcknowledged(): boolean {
    if (this.#buffer.length < READY_TOKEN.length) return false;
    if (startsWith(this.#buffer, READY_TOKEN)) {
      this.#change(ListenerState.READY);
      this.#buffer = this.#buffer.subarray(READY_TOKEN.length);
    } else {
      this.#change(ListenerState.UNKNOWN);
      this.#buffer = new Uint8Array(0);
    }
    this.#event = null;
    return true;
  }

  #stepResultLine(): boolean {
    const pos = this.#buffer.indexOf(LF);
    if (pos === -1) return false;
    const line = this.#buffer.subarray(0, pos);
    this.#buffer = this.#buffer.subarray(pos + 1);
    const length = parseResultLength(line);
    if (length !== null) {
      this.#resultLength = length;
      return true;
    }
    this.#opts.logger.warn(`${this.#opts.name}: bad result line: '${lineText(line)}'`);
    this.#change(ListenerState.UNKNOWN);
    this.#buffer = new Uint8Array(0);
    this.#rejectCurrent();
    return false;
  }

  #stepResultBody(): boolean {
    const wanted = this.#resultLength! - this.#result.length;
    if (wanted > 0) {
      this.#result = concat(this.#result, this.#buffer.subarray(0, wanted));
      this.#buffer = this.#buffer.subarray(wanted);
    }
    if (this.#result.length < this.#resultLength!) return false;
    const result = this.#result;
    this.#result = new Uint8Array(0);
    this.#resultLength = null;
    this.#handleResult(result);
    this.#event = null;
    return true;
  }

  #handleResult(result: Uint8Array): void {
    const { name, logger } = this.#opts;
    try {
      this.#handler(this.#event, result);
    } catch (e) {
      if (e instanceof RejectEvent) {
        logger.warn(`${name}: event was rejected`);
        this.#change(ListenerState.ACKNOWLEDGED);
      } else {
        logger.warn(`${name}: event caused an error`);
        this.#change(ListenerState.UNKNOWN);
      }
      this.#rejectCurrent();
      return;
    }
    logger.debug(`${name}: event was processed`);
    this.#change(ListenerState.ACKNOWLEDGED);
  }

  #rejectCurrent(): void {
    const event = this.#event;
    this.#event = null;
    if (event !== null) this.#opts.onReject(event);
  }

  #change(to: ListenerState): void {
    const { name, logger } = this.#opts;
    logger.debug(`${name}: ${listenerStateName(this.#state)} -> ${listenerStateName(to)}`);
    this.#state = to;
    if (to === ListenerState.UNKNOWN) {
      logger.warn(
        `${name}: has entered the UNKNOWN state and will no longer receive events, ` +
          "this usually indicates the process violated the eventlistener protocol",
      );
    }
  }
}
