/**
 * Events, their payloads and the subscriber registry: the payload texts
 * (EVT.payload.*), the TICK period check (EVT.tick) and
 * {@linkcode EventBus}, an instance where Python keeps a module-global
 * callback list. The type names and their hierarchy (EVT.types) are the
 * leaf module src/event_types.ts, re-exported here.
 *
 * Payloads are rendered when the event is made. Python renders them when
 * the event is sent, but everything it reads then is fixed by that time
 * (PROCESS_STATE extras are captured eagerly), so the texts are the same.
 *
 * Python counterpart: supervisor/events.py, and `Supervisor.tick` /
 * `timeslice` in supervisor/supervisord.py.
 * @module
 */

import { type ConcreteEventName, eventMatches, type EventTypeName } from "../event_types.ts";
import { type ProcessState, processStateName } from "../states.ts";
import { pyBytesRepr } from "../logging/py_bytes_repr.ts";
import type { Channel } from "../logging/types.ts";

export {
  ABSTRACT_EVENT_TYPES,
  type AbstractEventName,
  type ConcreteEventName,
  EVENT_PARENTS,
  eventMatches,
  type EventTypeName,
  isEventTypeName,
} from "../event_types.ts";

/**
 * One event. `serial` and `poolSerials` are filled in by the pools that
 * buffer it (SURFACE EVT.serial): the global serial by the first pool, one
 * pool serial per pool; a re-sent event keeps both.
 */
export interface SupervisorEvent {
  /** The event type. */
  readonly type: ConcreteEventName;
  /** The payload, as listeners receive it after the header line. */
  readonly payload: string;
  /** The global serial; null until a pool buffers the event. */
  serial: number | null;
  /** The serial in each pool that buffered the event, by pool name. */
  readonly poolSerials: Map<string, number>;
}

function makeEvent(type: ConcreteEventName, payload: string): SupervisorEvent {
  return { type, payload, serial: null, poolSerials: new Map() };
}

/**
 * What a PROCESS_STATE event needs, captured at the moment of the change
 * (Python reads `process.backoff`, `process.pid` and the `expected` flag in
 * the event's constructor).
 */
export interface ProcessStateSnapshot {
  processname: string;
  /** The group's name; "" when the process has no group. */
  groupname: string;
  from_state: ProcessState;
  /** The backoff counter (already incremented when entering BACKOFF). */
  tries: number;
  /** The current pid; 0 when there is none. */
  pid: number;
  expected: boolean;
}

const STATE_EVENT_NAMES: Readonly<Record<string, ConcreteEventName>> = {
  STOPPED: "PROCESS_STATE_STOPPED",
  EXITED: "PROCESS_STATE_EXITED",
  STARTING: "PROCESS_STATE_STARTING",
  STOPPING: "PROCESS_STATE_STOPPING",
  BACKOFF: "PROCESS_STATE_BACKOFF",
  FATAL: "PROCESS_STATE_FATAL",
  RUNNING: "PROCESS_STATE_RUNNING",
  UNKNOWN: "PROCESS_STATE_UNKNOWN",
};

/** The extra `key:value` pairs each PROCESS_STATE_* type adds (EVT.payload.state). */
function stateExtras(to: string, s: ProcessStateSnapshot): string {
  switch (to) {
    case "STARTING":
    case "BACKOFF":
      return ` tries:${s.tries}`;
    case "EXITED":
      return ` expected:${s.expected ? 1 : 0} pid:${s.pid}`;
    case "RUNNING":
    case "STOPPING":
    case "STOPPED":
      return ` pid:${s.pid}`;
    default:
      return "";
  }
}

/**
 * The PROCESS_STATE_<to> event: `processname:<p> groupname:<g>
 * from_state:<OLD>` plus the extras of the new state, no trailing newline.
 */
export function processStateEvent(to: ProcessState, snapshot: ProcessStateSnapshot): SupervisorEvent {
  const toName = processStateName(to);
  const type = STATE_EVENT_NAMES[toName];
  if (type === undefined) throw new RangeError(`Cannot make a state event: unknown state ${to}`);
  const head = `processname:${snapshot.processname} groupname:${snapshot.groupname} ` +
    `from_state:${processStateName(snapshot.from_state)}`;
  return makeEvent(type, head + stateExtras(toName, snapshot));
}

/** Who produced output: what PROCESS_LOG and PROCESS_COMMUNICATION payloads name. */
export interface OutputSource {
  processname: string;
  /** The group's name; "" when the process has no group. */
  groupname: string;
  /** The pid when the output was read. */
  pid: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Python `as_string(data)`, or `Undecodable: b'...'` when it is not UTF-8. */
export function decodeEventData(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    return `Undecodable: ${pyBytesRepr(data)}`;
  }
}

/**
 * PROCESS_LOG_<CHANNEL>: `processname:<p> groupname:<g> pid:<pid>
 * channel:<channel>\n<data>` (EVT.payload.log); `data` is the chunk as
 * logged (after strip_ansi).
 */
export function processLogEvent(channel: Channel, source: OutputSource, data: Uint8Array): SupervisorEvent {
  const type = channel === "stdout" ? "PROCESS_LOG_STDOUT" : "PROCESS_LOG_STDERR";
  return makeEvent(
    type,
    `processname:${source.processname} groupname:${source.groupname} pid:${source.pid} channel:${channel}\n` +
      decodeEventData(data),
  );
}

/** PROCESS_COMMUNICATION_<CHANNEL>: `processname:<p> groupname:<g> pid:<pid>\n<data>` (EVT.payload.comm). */
export function processCommunicationEvent(
  channel: Channel,
  source: OutputSource,
  data: Uint8Array,
): SupervisorEvent {
  const type = channel === "stdout" ? "PROCESS_COMMUNICATION_STDOUT" : "PROCESS_COMMUNICATION_STDERR";
  return makeEvent(
    type,
    `processname:${source.processname} groupname:${source.groupname} pid:${source.pid}\n${decodeEventData(data)}`,
  );
}

/** REMOTE_COMMUNICATION: `type:<type>\n<data>` (EVT.payload.remote). */
export function remoteCommunicationEvent(type: string, data: string): SupervisorEvent {
  return makeEvent("REMOTE_COMMUNICATION", `type:${type}\n${data}`);
}

/** SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING, with an empty payload (EVT.payload.supervisor). */
export function supervisorStateChangeEvent(state: "RUNNING" | "STOPPING"): SupervisorEvent {
  return makeEvent(`SUPERVISOR_STATE_CHANGE_${state}`, "");
}

/** PROCESS_GROUP_ADDED / _REMOVED: `groupname:<g>\n` (EVT.payload.group). */
export function processGroupEvent(change: "ADDED" | "REMOVED", group: string): SupervisorEvent {
  return makeEvent(`PROCESS_GROUP_${change}`, `groupname:${group}\n`);
}

/** The TICK periods in seconds, in the order Python checks them. */
export const TICK_PERIODS = [5, 60, 3600] as const;
/** One TICK period. */
export type TickPeriod = typeof TICK_PERIODS[number];

/** TICK_<period>: `when:<t>` (EVT.tick). */
export function tickEvent(period: TickPeriod, when: number): SupervisorEvent {
  return makeEvent(`TICK_${period}`, `when:${when}`);
}

/** Python `timeslice`: the start of the period `when` (epoch seconds) falls in. */
export function timeslice(period: number, when: number): number {
  const mod = ((when % period) + period) % period; // Python's % takes the divisor's sign
  return Math.trunc(when - mod);
}

/**
 * The TICK_* source: remembers the current period of each type and makes an
 * event for each type whose period changed since the last check. The first
 * check only records the periods (no tick at startup); missed periods are
 * not replayed.
 */
export class TickClock {
  readonly #last = new Map<TickPeriod, number>();

  /**
   * Called once per main-loop iteration (Python `Supervisor.tick`).
   *
   * @param nowSeconds Wall-clock time in seconds since the epoch.
   * @returns The TICK events to notify, shortest period first.
   */
  check(nowSeconds: number): SupervisorEvent[] {
    const out: SupervisorEvent[] = [];
    for (const period of TICK_PERIODS) {
      const current = timeslice(period, nowSeconds);
      const last = this.#last.get(period);
      this.#last.set(period, current);
      if (last !== undefined && last !== current) out.push(tickEvent(period, current));
    }
    return out;
  }
}

/** Python `len()` of a string: code points, not UTF-16 units (EVT.len). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Where an envelope is going: the daemon's identifier and the pool. */
export interface EnvelopeHeader {
  /** `[supervisord] identifier`, sent as `server:`. */
  identifier: string;
  /** The pool's name. */
  pool: string;
  /** The event's serial in that pool. */
  poolSerial: number;
}

/**
 * The text written to a listener's stdin (EVT.envelope): one header line
 * `ver:3.0 server:<id> serial:<n> pool:<name> poolserial:<n>
 * eventname:<TYPE> len:<n>` then the payload; `len` counts characters.
 * Encode it as UTF-8 to send it.
 */
export function eventEnvelope(event: SupervisorEvent, header: EnvelopeHeader): string {
  return `ver:3.0 server:${header.identifier} serial:${event.serial ?? 0} pool:${header.pool} ` +
    `poolserial:${header.poolSerial} eventname:${event.type} len:${codePointLength(event.payload)}\n` +
    event.payload;
}

/** A subscriber's callback. */
export type EventCallback = (event: SupervisorEvent) => void;

/** The largest serial before wrapping to 0 (Python: `sys.maxsize`; here the largest exact integer). */
export const MAX_SERIAL = Number.MAX_SAFE_INTEGER;

/** Python `new_serial`: the serial after `current`, wrapping to 0 after `max`. */
export function nextSerial(current: number, max: number = MAX_SERIAL): number {
  return current >= max ? 0 : current + 1;
}

/**
 * The subscriber registry and the global event serial of one supervisord.
 * Subscriptions are (type, callback) pairs kept in order; `notify` calls the
 * callback of every pair whose type matches, so a callback subscribed to
 * two overlapping types (PROCESS_STATE and PROCESS_STATE_RUNNING) is called
 * twice for one event, as in Python.
 */
export class EventBus {
  readonly #subs: { type: EventTypeName; callback: EventCallback }[] = [];
  #serial = -1;
  readonly #maxSerial: number;

  /**
   * Creates the object.
   *
   * @param maxSerial Where serials wrap (tests use a small value).
   */
  constructor(maxSerial: number = MAX_SERIAL) {
    this.#maxSerial = maxSerial;
  }

  /** Adds a subscription (duplicates are kept, as in Python). */
  subscribe(type: EventTypeName, callback: EventCallback): void {
    this.#subs.push({ type, callback });
  }

  /** Removes the first matching subscription; false when there was none. */
  unsubscribe(type: EventTypeName, callback: EventCallback): boolean {
    const i = this.#subs.findIndex((s) => s.type === type && s.callback === callback);
    if (i === -1) return false;
    this.#subs.splice(i, 1);
    return true;
  }

  /** Calls every matching subscriber in subscription order (a snapshot taken now). */
  notify(event: SupervisorEvent): void {
    for (const { type, callback } of [...this.#subs]) {
      if (eventMatches(event.type, type)) callback(event);
    }
  }

  /** Whether any subscription would receive an event of `type`. */
  hasSubscribers(type: ConcreteEventName): boolean {
    return this.#subs.some((s) => eventMatches(type, s.type));
  }

  /** Removes every subscription (Python `events.clear`); the serial is kept. */
  clear(): void {
    this.#subs.length = 0;
  }

  /** Takes the next global serial (0 first). */
  nextSerial(): number {
    this.#serial = nextSerial(this.#serial, this.#maxSerial);
    return this.#serial;
  }
}
