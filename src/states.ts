/**
 * State codes and names of processes, of supervisord itself and of event
 * listeners, with the named state sets used at call sites.
 *
 * Python counterpart: supervisor/states.py.
 * @module
 */

/** Process states (SURFACE STATE.codes). */
export const ProcessState = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;
/** A process state code. */
export type ProcessState = typeof ProcessState[keyof typeof ProcessState];

/** States in which a process is considered stopped. */
export const STOPPED_STATES: ReadonlySet<ProcessState> = new Set([
  ProcessState.STOPPED,
  ProcessState.EXITED,
  ProcessState.FATAL,
  ProcessState.UNKNOWN,
]);

/** States in which a process is considered running; BACKOFF counts, STOPPING does not. */
export const RUNNING_STATES: ReadonlySet<ProcessState> = new Set([
  ProcessState.RUNNING,
  ProcessState.BACKOFF,
  ProcessState.STARTING,
]);

/** States in which a process has a pid that may be signalled. */
export const SIGNALLABLE_STATES: ReadonlySet<ProcessState> = new Set([
  ProcessState.RUNNING,
  ProcessState.STARTING,
  ProcessState.STOPPING,
]);

/** supervisord's own states (SURFACE STATE.supervisor). */
export const SupervisorState = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;
/** A supervisord state code. */
export type SupervisorState = typeof SupervisorState[keyof typeof SupervisorState];

/** Event listener states (SURFACE STATE.listener). */
export const ListenerState = {
  READY: 10,
  BUSY: 20,
  ACKNOWLEDGED: 30,
  UNKNOWN: 40,
} as const;
export type ListenerState = typeof ListenerState[keyof typeof ListenerState];

/** Reverse lookups, built once per table (a state name is asked for on every info struct and event). */
const names = new Map<Record<string, number>, Map<number, string>>();

function nameIn(table: Record<string, number>, code: number): string {
  let byCode = names.get(table);
  if (byCode === undefined) {
    byCode = new Map(Object.entries(table).map(([name, value]) => [value, name]));
    names.set(table, byCode);
  }
  const name = byCode.get(code);
  if (name === undefined) throw new RangeError(`Unknown state code: ${code}`);
  return name;
}

/** The name of a process state, as RPC `statename` and events show it. */
export function processStateName(state: ProcessState): string {
  return nameIn(ProcessState, state);
}

/** The name of a supervisord state. */
export function supervisorStateName(state: SupervisorState): string {
  return nameIn(SupervisorState, state);
}

/** The name of an event listener state. */
export function listenerStateName(state: ListenerState): string {
  return nameIn(ListenerState, state);
}
