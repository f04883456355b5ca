/**
 * The event type names `events=` accepts, and the hierarchy that makes an
 * abstract name (such as `PROCESS_STATE`) subscribe to all its concrete
 * sub-types (SURFACE EVT.types). A leaf: the config loader validates
 * `events=` with it, and the event bus routes with it.
 *
 * Python counterpart: supervisor/events.py (`EventTypes` and the event
 * class hierarchy).
 * @module
 */

/** Every event type name and its parent type (null for the root `EVENT`). */
export const EVENT_PARENTS = {
  EVENT: null,
  PROCESS_STATE: "EVENT",
  PROCESS_STATE_STOPPED: "PROCESS_STATE",
  PROCESS_STATE_EXITED: "PROCESS_STATE",
  PROCESS_STATE_STARTING: "PROCESS_STATE",
  PROCESS_STATE_STOPPING: "PROCESS_STATE",
  PROCESS_STATE_BACKOFF: "PROCESS_STATE",
  PROCESS_STATE_FATAL: "PROCESS_STATE",
  PROCESS_STATE_RUNNING: "PROCESS_STATE",
  PROCESS_STATE_UNKNOWN: "PROCESS_STATE",
  PROCESS_COMMUNICATION: "EVENT",
  PROCESS_COMMUNICATION_STDOUT: "PROCESS_COMMUNICATION",
  PROCESS_COMMUNICATION_STDERR: "PROCESS_COMMUNICATION",
  PROCESS_LOG: "EVENT",
  PROCESS_LOG_STDOUT: "PROCESS_LOG",
  PROCESS_LOG_STDERR: "PROCESS_LOG",
  REMOTE_COMMUNICATION: "EVENT",
  SUPERVISOR_STATE_CHANGE: "EVENT",
  SUPERVISOR_STATE_CHANGE_RUNNING: "SUPERVISOR_STATE_CHANGE",
  SUPERVISOR_STATE_CHANGE_STOPPING: "SUPERVISOR_STATE_CHANGE",
  TICK: "EVENT",
  TICK_5: "TICK",
  TICK_60: "TICK",
  TICK_3600: "TICK",
  PROCESS_GROUP: "EVENT",
  PROCESS_GROUP_ADDED: "PROCESS_GROUP",
  PROCESS_GROUP_REMOVED: "PROCESS_GROUP",
} as const;

/** A name `events=` accepts. */
export type EventTypeName = keyof typeof EVENT_PARENTS;

/** The abstract types: never sent, only subscribed to. */
export const ABSTRACT_EVENT_TYPES = [
  "EVENT",
  "PROCESS_STATE",
  "PROCESS_COMMUNICATION",
  "PROCESS_LOG",
  "SUPERVISOR_STATE_CHANGE",
  "TICK",
  "PROCESS_GROUP",
] as const;

/** An abstract event type name. */
export type AbstractEventName = typeof ABSTRACT_EVENT_TYPES[number];
/** A type an event can actually have; envelopes always carry one of these. */
export type ConcreteEventName = Exclude<EventTypeName, AbstractEventName>;

/** True when `name` is an event type name (exact, upper-case spelling). */
export function isEventTypeName(name: string): name is EventTypeName {
  return Object.hasOwn(EVENT_PARENTS, name);
}

/**
 * True when an event of type `type` reaches a subscription to `subscribed`:
 * the same type or one of its ancestors (Python `isinstance`).
 */
export function eventMatches(type: EventTypeName, subscribed: EventTypeName): boolean {
  let t: EventTypeName | null = type;
  while (t !== null) {
    if (t === subscribed) return true;
    t = EVENT_PARENTS[t];
  }
  return false;
}
