/**
 * The context a plugin factory gets (EXTENSIONS §11): a stable surface over
 * the daemon, not its internals. Read-only views of processes and groups,
 * subscriptions to events and state changes, the main log, the runtime's
 * clock and host seam, and `RpcError`, `Faults` and `Double` so a plugin
 * needs no runtime import of this library (the compiled binary has no copy
 * of it on disk to import). Everything a context subscribed or scheduled is
 * undone when the daemon stops or reloads (`signal` is aborted then), and
 * a subscriber that throws is logged, never propagated into the engine.
 *
 * Python counterpart: the `supervisord` object Python passes to an
 * rpcinterface factory (`factory(supervisord, **config)` in
 * supervisor/http.py), whose attributes plugins reach into.
 * @module
 */

import { makeNamespec, splitNamespec } from "../config/namespec.ts";
import type { ProcessConfig } from "../config/schema.ts";
import { type EventTypeName, isEventTypeName, type SupervisorEvent } from "../events/events.ts";
import type { Logger } from "../logging/types.ts";
import { type ControlOptions, type ControlResult, ProcessControl } from "../process/control.ts";
import type { ProcessGroup } from "../process/group.ts";
import { processStateName } from "../states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { Supervisor } from "../process/supervisor.ts";
import type { Clock, Runtime } from "../runtime/types.ts";
import { Faults, RpcError } from "./faults.ts";
import { signalParam } from "./_py_params.ts";
import { Double } from "./xmlrpc_value.ts";

/** One process as a plugin sees it: a snapshot taken when asked for. */
export interface ProcessView {
  /** The process name (`process_name`). */
  readonly name: string;
  /** Its group's name. */
  readonly group: string;
  /** `group:name`, or `name` when both are the same (how supervisorctl names it). */
  readonly namespec: string;
  /** The state code (`20`), as `getProcessInfo` reports it. */
  readonly state: number;
  /** The state name (`"RUNNING"`). */
  readonly statename: string;
  /** The child's pid; 0 when there is none. */
  readonly pid: number;
  /** Wall-clock seconds of the last start; 0 when never started. */
  readonly start: number;
  /** Wall-clock seconds of the last stop; 0 when never stopped. */
  readonly stop: number;
  /** The last exit status; null when it has not exited. */
  readonly exitstatus: number | null;
  /** Why the last spawn failed; null when it did not. */
  readonly spawnerr: string | null;
  /** The process's configuration. */
  readonly config: Readonly<ProcessConfig>;
}

/** One group as a plugin sees it. */
export interface GroupView {
  /** The group name. */
  readonly name: string;
  /** `program`, `group`, `fcgi-program` or `eventlistener`. */
  readonly kind: string;
  /** The group priority. */
  readonly priority: number;
  /** Its processes, in config order. */
  readonly processes: readonly ProcessView[];
}

/** An event as event listeners get it: its type name and payload text. */
export interface PluginEvent {
  /** The concrete type, e.g. `PROCESS_STATE_RUNNING` or `TICK_5`. */
  readonly type: string;
  /** The payload (`processname:web groupname:web from_state:STARTING pid:42`). */
  readonly payload: string;
}

/** A process state change. */
export interface StateChangeView {
  /** The process, after the change. */
  readonly process: ProcessView;
  /** The state left (`"STARTING"`). */
  readonly from: string;
  /** The state entered (`"RUNNING"`). */
  readonly to: string;
  /** For EXITED: whether the exit code was one of `exitcodes`. */
  readonly expected: boolean;
}

/**
 * Process control by namespec, with typed outcomes (no faults): `name` or
 * `group:name` for one process, `group:*` for a whole group. Each call
 * resolves to one result per process acted on, as supervisord's group
 * methods report them; an unknown namespec rejects with `RpcError`
 * BAD_NAME (so a plugin method that lets it through answers with that
 * fault), an unknown signal with BAD_SIGNAL.
 */
export interface PluginControl {
  /** Starts the process, or the group's processes that are not running. */
  start(namespec: string, opts?: ControlOptions): Promise<ControlResult[]>;
  /** Stops the process, or the group's running processes. */
  stop(namespec: string, opts?: ControlOptions): Promise<ControlResult[]>;
  /** Stops (if running), then starts. For a group, nothing is started when a stop failed. */
  restart(namespec: string, opts?: ControlOptions): Promise<ControlResult[]>;
  /** Sends a signal, by name (`HUP`, `SIGHUP`) or number, to the process or the group's processes. */
  signal(namespec: string, signal: string | number): Promise<ControlResult[]>;
  /** Starts every process that is not running, groups by priority. */
  startAll(opts?: ControlOptions): Promise<ControlResult[]>;
  /** Stops every running process. */
  stopAll(opts?: ControlOptions): Promise<ControlResult[]>;
  /** Sends a signal to every process that can be signalled. */
  signalAll(signal: string | number): Promise<ControlResult[]>;
  /**
   * Resolves once the process (or every process of the group, or every
   * process when no namespec is given) is settled: not STARTING, STOPPING
   * or BACKOFF. Resolves to their views then.
   */
  waitUntilSettled(namespec?: string): Promise<ProcessView[]>;
}

/** The main log, at supervisord's levels. */
export type PluginLogger = Pick<Logger, "critical" | "error" | "warn" | "info" | "debug" | "trace" | "blather">;

/** What a plugin factory gets. */
export interface PluginContext {
  /** The namespace: the section name after `rpcinterface:`. */
  readonly namespace: string;
  /** supervisord's main log. */
  readonly logger: PluginLogger;
  /**
   * Wall and monotonic time; timers still pending when the plugin instance
   * is done are cancelled, and later ones are never set.
   */
  readonly clock: Clock;
  /** The host seam (files, `/proc`, …): use it rather than `Deno.*` or `Bun.*`, so tests can fake it. */
  readonly runtime: Runtime;
  /** Aborted when this plugin instance is done (supervisord stops or reloads). */
  readonly signal: AbortSignal;
  /** The error class whose instances a method throws to answer with a fault. */
  readonly RpcError: typeof RpcError;
  /** supervisord's fault codes by name. */
  readonly Faults: typeof Faults;
  /** Wraps a number that must go on the wire as `<double>` even when it is whole. */
  readonly Double: typeof Double;
  /** Start, stop, restart, signal and wait for processes. */
  readonly control: PluginControl;
  /** Every process, groups by priority then processes by priority. */
  processes(): ProcessView[];
  /** One process by namespec (`name`, `group:name`); null when unknown. */
  process(namespec: string): ProcessView | null;
  /** Every group, by priority. */
  groups(): GroupView[];
  /**
   * Calls `fn` for each event of the given types (names as in
   * `[eventlistener:x] events=`, parent types included: `PROCESS_STATE`
   * matches every state event). Returns the unsubscribe function.
   *
   * @throws {TypeError} For an unknown event type.
   */
  onEvent(types: readonly string[], fn: (event: PluginEvent) => void): () => void;
  /** Calls `fn` after every process state change. Returns the unsubscribe function. */
  onStateChange(fn: (change: StateChangeView) => void): () => void;
}

/** What {@linkcode createPluginContext} builds on. */
export interface PluginContextDeps {
  readonly namespace: string;
  readonly supervisor: Supervisor;
  readonly logger: Logger;
  readonly runtime: Runtime;
}

/** A context and the function that ends it. */
export interface PluginContextHandle {
  readonly context: PluginContext;
  /** Aborts `signal`, removes every subscription and cancels pending timers. */
  dispose(): void;
}

/** The snapshot of one live process. */
export function processView(proc: Subprocess): ProcessView {
  return {
    name: proc.name,
    group: proc.groupName,
    namespec: makeNamespec(proc.groupName, proc.name),
    state: proc.state,
    statename: processStateName(proc.state),
    pid: proc.pid,
    start: Math.trunc(proc.laststartWall),
    stop: Math.trunc(proc.laststopWall),
    exitstatus: proc.exitstatus,
    spawnerr: proc.spawnerr,
    config: proc.config,
  };
}

function groupView(group: ProcessGroup): GroupView {
  return {
    name: group.name,
    kind: group.config.kind,
    priority: group.priority,
    processes: [...group.processes.values()].map(processView),
  };
}

/**
 * What a plugin instance owns: its abort signal, its subscriptions and its
 * timers, all undone by `dispose()`; and `guarded`, which keeps a throwing
 * callback from reaching the engine.
 */
function pluginLifetime(namespace: string, logger: Logger, runtime: Runtime) {
  const abort = new AbortController();
  const undo = new Set<() => void>();
  const timers = new Set<number>();
  const guarded = <A>(what: string, fn: (arg: A) => void) => (arg: A) => {
    try {
      fn(arg);
    } catch (e) {
      logger.error(`${namespace}: ${what} subscriber failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  };
  const clock: Clock = {
    now: () => runtime.clock.now(),
    monotonic: () => runtime.clock.monotonic(),
    setTimeout(fn, ms) {
      if (abort.signal.aborted) return 0; // a plugin instance that is done schedules nothing more
      const id = runtime.clock.setTimeout(() => {
        timers.delete(id);
        guarded("timer", fn)(undefined);
      }, ms);
      timers.add(id);
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
      runtime.clock.clearTimeout(id);
    },
  };
  return {
    signal: abort.signal,
    clock,
    guarded,
    /** Keeps `off` to run at dispose(); returns it, made to forget itself when called earlier. */
    track(off: () => void): () => void {
      undo.add(off);
      return () => {
        undo.delete(off);
        off();
      };
    },
    dispose(): void {
      abort.abort();
      for (const off of [...undo]) off();
      undo.clear();
      for (const id of timers) runtime.clock.clearTimeout(id);
      timers.clear();
    },
  };
}

/** Builds the context for one plugin namespace. */
export function createPluginContext(deps: PluginContextDeps): PluginContextHandle {
  const { supervisor, logger, runtime } = deps;
  const { signal, clock, guarded, track, dispose } = pluginLifetime(deps.namespace, logger, runtime);
  const control = new ProcessControl(supervisor);
  const sorted = () => supervisor.sortedGroups();
  const context: PluginContext = {
    namespace: deps.namespace,
    logger,
    clock,
    runtime,
    signal,
    RpcError,
    Faults,
    Double,
    control: pluginControl(control),
    processes: () => control.processes().map(([, p]) => processView(p)),
    process(namespec) {
      const { group, process } = splitNamespec(namespec);
      const proc = process === null ? undefined : supervisor.groups.get(group)?.processes.get(process);
      return proc === undefined ? null : processView(proc);
    },
    groups: () => sorted().map(groupView),
    onEvent(types, fn) {
      const unknown = types.find((t) => !isEventTypeName(t));
      if (unknown !== undefined) throw new TypeError(`Cannot subscribe to events: unknown event type "${unknown}"`);
      const callback = guarded("event", (e: SupervisorEvent) => fn({ type: e.type, payload: e.payload }));
      for (const t of types) supervisor.bus.subscribe(t as EventTypeName, callback);
      supervisor.wake(); // the engine arms its timer for ticks only while someone subscribes to them
      return track(() => {
        for (const t of types) supervisor.bus.unsubscribe(t as EventTypeName, callback);
      });
    },
    onStateChange(fn) {
      return track(supervisor.onStateChange(guarded("state change", (c) =>
        fn({
          process: processView(c.proc),
          from: processStateName(c.from),
          to: processStateName(c.to),
          expected: c.expected,
        }))));
    },
  };
  return { context, dispose };
}

/** Namespec-based control over {@linkcode ProcessControl}. */
function pluginControl(control: ProcessControl): PluginControl {
  const find = (namespec: string) => {
    const found = control.find(namespec);
    if (found === null) throw new RpcError(Faults.BAD_NAME, namespec);
    return found;
  };
  const one = async (group: ProcessGroup, proc: Subprocess, outcome: ReturnType<ProcessControl["startProcess"]>) => [
    { group: group.name, name: proc.name, outcome: await outcome },
  ];
  const signalOf = (signal: string | number) => signalParam(typeof signal === "number" ? signal : String(signal));
  return {
    async start(namespec, opts = {}) {
      const { group, process } = find(namespec);
      return await (process === null
        ? control.startGroup(group, opts)
        : one(group, process, control.startProcess(process, opts)));
    },
    async stop(namespec, opts = {}) {
      const { group, process } = find(namespec);
      return await (process === null
        ? control.stopGroup(group, opts)
        : one(group, process, control.stopProcess(process, opts)));
    },
    async restart(namespec, opts = {}) {
      const { group, process } = find(namespec);
      return await (process === null
        ? control.restartGroup(group, opts)
        : one(group, process, control.restartProcess(process, opts)));
    },
    async signal(namespec, signal) {
      const { group, process } = find(namespec);
      const sig = signalOf(signal);
      return await (process === null
        ? control.signalGroup(group, sig)
        : one(group, process, control.signalProcess(process, sig)));
    },
    startAll: (opts = {}) => control.startAll(opts),
    stopAll: (opts = {}) => control.stopAll(opts),
    async signalAll(signal) {
      return await control.signalAll(signalOf(signal));
    },
    async waitUntilSettled(namespec) {
      const procs = namespec === undefined
        ? control.processes()
        : ((f) => f.process === null ? control.processes(f.group) : [[f.group, f.process] as const])(find(namespec));
      await Promise.all(procs.map(([, p]) => control.waitUntilSettled(p)));
      return procs.map(([, p]) => processView(p));
    },
  };
}
