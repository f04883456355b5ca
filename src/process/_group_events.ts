/**
 * What the engine wires up for a new group's processes: their
 * PROCESS_LOG_* and PROCESS_COMMUNICATION_* events, and for an
 * `[eventlistener:x]` group the pool whose processes speak the listener
 * protocol. Kept out of the `Supervisor` class, which calls these from
 * `addProcessGroup` and `addProcess`.
 *
 * Python counterpart: supervisor/dispatchers.py (`POutputDispatcher` log and
 * capture-mode events, `PEventListenerDispatcher`) and supervisor/process.py
 * (`EventListenerPool` built by `EventListenerPoolConfig.make_group`).
 * @module
 */

import {
  type EventBus,
  isEventTypeName,
  processCommunicationEvent,
  processLogEvent,
  type SupervisorEvent,
} from "../events/events.ts";
import { ListenerProtocol } from "../events/listener_protocol.ts";
import { EventListenerPool } from "../events/pool.ts";
import type { ProcessGroupConfig } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import { ProcessState } from "../states.ts";
import type { ProcessGroup } from "./group.ts";
import type { Subprocess } from "./subprocess.ts";

/**
 * PROCESS_LOG_* events (`<channel>_events_enabled`) and
 * PROCESS_COMMUNICATION_* events (capture mode), sent through `notify`. A
 * listener's stdout, the protocol channel, sends neither (Python's
 * PEventListenerDispatcher).
 */
export function emitLogEvents(proc: Subprocess, listener: boolean, notify: (event: SupervisorEvent) => void): void {
  const stdout = proc.config.stdout_events_enabled && !listener;
  const stderr = proc.config.stderr_events_enabled;
  if (proc.output === null) return;
  proc.output.onComm = (channel, data) => {
    const source = { processname: proc.name, groupname: proc.groupName, pid: proc.pid };
    notify(processCommunicationEvent(channel, source, data));
  };
  if (!stdout && !stderr) return;
  proc.output.onOutput = (channel, data) => {
    if (channel === "stdout" ? !stdout : !stderr) return;
    const source = { processname: proc.name, groupname: proc.groupName, pid: proc.pid };
    notify(processLogEvent(channel, source, data));
  };
}

/** What a listener pool needs from the engine. */
export interface PoolHost {
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly identifier: string;
  wake(): void;
}

/** The pool of an `[eventlistener:x]` group, its processes speaking the listener protocol. */
export function makeListenerPool(
  group: ProcessGroup,
  config: ProcessGroupConfig & { kind: "eventlistener" },
  host: PoolHost,
): EventListenerPool {
  const listeners = [...group.processes.values()].map((proc) => {
    const protocol = new ListenerProtocol({
      name: proc.name,
      logger: host.logger,
      onReject: (event) => pool.rejected(event),
    });
    proc.attachListener(protocol);
    return {
      name: proc.name,
      protocol,
      isRunning: () => proc.state === ProcessState.RUNNING,
      write: (data: Uint8Array) => proc.writeStdin(data),
    };
  });
  const pool: EventListenerPool = new EventListenerPool(
    { name: config.name, buffer_size: config.buffer_size, events: config.events.filter(isEventTypeName) },
    { bus: host.bus, logger: host.logger, identifier: host.identifier, wake: () => host.wake() },
    () => listeners,
  );
  return pool;
}
