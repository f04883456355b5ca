/**
 * systemd's readiness protocol for a `Type=notify` unit (see
 * `supervisord service-file systemd`): when NOTIFY_SOCKET is set, the daemon
 * sends `READY=1` with a `STATUS=` line once every autostart program has
 * been spawned, a new `STATUS=` whenever the counts change, and `STOPPING=1`
 * when it begins to shut down (`RELOADING=1` when it restarts for a reload).
 * One datagram per message through `Runtime.sendDatagram`; a send that fails
 * is logged once as a warning and notifying stops, the daemon goes on.
 *
 * Python counterpart: none (supervisord 4.2.5 does not speak sd_notify;
 * the protocol is systemd's sd_notify(3)).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import type { Runtime } from "../runtime/types.ts";
import { processStateName, SupervisorState } from "../states.ts";
import type { Supervisor } from "./supervisor.ts";
import type { Subprocess } from "./subprocess.ts";

/** The environment variable systemd sets for a `Type=notify` service. */
export const NOTIFY_SOCKET = "NOTIFY_SOCKET";

/** `STATUS=` text: the number of processes, then how many are in each state, busiest first. */
export function statusText(procs: readonly Subprocess[]): string {
  const counts = new Map<string, number>();
  for (const p of procs) {
    const name = processStateName(p.state);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${n} ${s}`);
  const total = `${procs.length} process${procs.length === 1 ? "" : "es"}`;
  return parts.length === 0 ? total : `${total}: ${parts.join(", ")}`;
}

/**
 * True once every process with autostart has been spawned at least once,
 * leaving out those that will not start on their own: an operator stop
 * remembered by the statefile, or `held(p)` (a failed dependency).
 */
export function autostartsSpawned(
  procs: readonly Subprocess[],
  held: (p: Subprocess) => boolean = () => false,
): boolean {
  return procs.every((p) => !p.config.autostart || p.laststart !== null || p.operatorStopped || held(p));
}

/** A running notifier; `close()` unsubscribes it (the run is over). */
export interface SdNotifier {
  close(): void;
}

/**
 * Starts notifying systemd for this run of the engine when NOTIFY_SOCKET is
 * set; otherwise does nothing.
 *
 * @param held Processes that will not start by themselves now (a failed dependency).
 */
export function installSdNotify(
  rt: Runtime,
  sup: Supervisor,
  logger: Logger,
  held: (p: Subprocess) => boolean = () => false,
): SdNotifier {
  const socket = rt.env()[NOTIFY_SOCKET];
  if (socket === undefined || socket === "") return { close() {} };
  let broken = false;
  const send = (text: string) => {
    if (broken) return;
    try {
      rt.sendDatagram(socket, new TextEncoder().encode(text));
    } catch (e) {
      broken = true;
      logger.warn(`sd_notify: cannot send to ${NOTIFY_SOCKET}=${socket}: ${(e as Error).message}`);
    }
  };
  let ready = false;
  let lastStatus = "";
  const update = () => {
    const procs = sup.allProcesses();
    const status = statusText(procs);
    if (!ready) {
      if (!autostartsSpawned(procs, held)) return;
      ready = true;
      lastStatus = status;
      return send(`READY=1\nSTATUS=${status}`);
    }
    if (status !== lastStatus && sup.mood === SupervisorState.RUNNING) {
      lastStatus = status;
      send(`STATUS=${status}`);
    }
  };
  const stopping = () => send(sup.mood === SupervisorState.RESTARTING ? "RELOADING=1" : "STOPPING=1");
  const off = sup.onStateChange(update);
  sup.bus.subscribe("SUPERVISOR_STATE_CHANGE_STOPPING", stopping);
  update();
  return {
    close() {
      off();
      sup.bus.unsubscribe("SUPERVISOR_STATE_CHANGE_STOPPING", stopping);
    },
  };
}
