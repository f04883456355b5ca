/**
 * Exit when it matters (EXTENSIONS.md §1): a program with `essential=true`
 * that fails for good, or one with `shutdown_on_exit=true` that exits for
 * good, shuts supervisord down (the normal ordered stop of everything
 * else), and supervisord then exits with a status derived from that
 * program's end, so a container's exit status says what happened.
 *
 * "For good" means the engine will not start it again on its own: FATAL
 * (after its retries), or EXITED with no restart pending (autorestart and
 * the restart policy decline). For `essential` an EXITED counts only when
 * the exit was unexpected (its code is not in `exitcodes`); for
 * `shutdown_on_exit` any exit counts, 0 included.
 *
 * Never a trigger: stops (an operator's stop, restart or update, a reload,
 * a shutdown: those end in STOPPED), and anything while supervisord is not
 * RUNNING (a SIGTERM to the daemon keeps Python's exit status 0 although
 * the children end with 143). The first trigger wins.
 *
 * Status derivation (`essential_exitcode=auto`): an exit code `n` gives
 * `n`; a signal `s` gives `128+s`; a spawn error gives 127 for a command
 * that cannot be found, 126 for one that cannot be executed, 1 otherwise;
 * FATAL gives the status of the last attempt. A number in
 * `essential_exitcode` is used instead.
 *
 * Python counterpart: none (the maintainers declined it, supervisor#712;
 * the peers are process-compose's `exit_on_failure` and `exit_on_end`).
 * @module
 */

import { signalNumber } from "../config/datatypes.ts";
import type { Logger } from "../logging/types.ts";
import { ProcessState, SupervisorState } from "../states.ts";
import { decodeExitStatus, type RunEnd } from "./exit_status.ts";
import type { Subprocess } from "./subprocess.ts";
import type { StateChange } from "./supervisor.ts";

/** What the watch needs of the engine. */
export interface EssentialEngine {
  readonly mood: SupervisorState;
  onStateChange(listener: (change: StateChange) => void): () => void;
  shutdown(): void;
}

/**
 * The `auto` exit status of a process's end (see the module
 * documentation); 1 when nothing is known.
 */
export function derivedExitStatus(end: RunEnd | null): number {
  if (end === null) return 1;
  if ("spawnError" in end) {
    if (end.spawnError === "NotFound") return 127;
    if (end.spawnError === "NotExecutable" || end.spawnError === "NoPermission") return 126;
    return 1;
  }
  const { code, signal } = end.status;
  if (code !== null) return code & 0xff;
  if (signal !== null) {
    try {
      return 128 + signalNumber(signal);
    } catch {
      return 1;
    }
  }
  return 1;
}

/** What an end looks like in the shutdown line: `exit status 3`, `terminated by SIGKILL`, `spawn error`. */
function endText(end: RunEnd | null): string {
  if (end === null || "spawnError" in end) return "spawn error";
  return decodeExitStatus(end.status).text;
}

/** Watches the engine's state changes for the programs that end supervisord. */
export class EssentialWatch {
  readonly #engine: EssentialEngine;
  readonly #logger: Logger;
  readonly #fixed: number | null;
  readonly #off: () => void;
  #status: number | null = null;

  /**
   * @param engine The engine to watch and shut down.
   * @param logger The main log (the CRIT or WARN line of the trigger).
   * @param exitcode `essential_exitcode`: a fixed status, or null for `auto`.
   */
  constructor(engine: EssentialEngine, logger: Logger, exitcode: number | null) {
    this.#engine = engine;
    this.#logger = logger;
    this.#fixed = exitcode;
    this.#off = engine.onStateChange((change) => this.#changed(change));
  }

  /** The exit status supervisord ends with because of a trigger; null when nothing triggered. */
  get status(): number | null {
    return this.#status;
  }

  /** Stops watching. */
  close(): void {
    this.#off();
  }

  #changed({ proc, to, expected }: StateChange): void {
    const { essential, shutdown_on_exit } = proc.config;
    if (!essential && !shutdown_on_exit) return;
    if (this.#status !== null || this.#engine.mood !== SupervisorState.RUNNING) return;
    if (to === ProcessState.FATAL) return this.#trigger(proc, "entered FATAL state");
    if (to !== ProcessState.EXITED || proc.restartPending) return;
    if (shutdown_on_exit || !expected) this.#trigger(proc, "exited");
  }

  /**
   * Shuts supervisord down for another extension's reason (an essential
   * program whose dependency failed, `healthcheck_action=shutdown`): logs
   * `line` at CRIT and ends with `status` (or `essential_exitcode` when
   * fixed). Ignored after the first trigger and while not RUNNING.
   */
  shutdownWith(line: string, status: number): void {
    if (this.#status !== null || this.#engine.mood !== SupervisorState.RUNNING) return;
    this.#status = this.#fixed ?? status;
    this.#logger.critical(`${line}; shutting down (exit status ${this.#status})`);
    this.#engine.shutdown();
  }

  #trigger(proc: Subprocess, what: string): void {
    const end = proc.lastEnd;
    const status = this.#fixed ?? derivedExitStatus(end);
    this.#status = status;
    const kind = proc.config.essential ? "essential" : "shutdown_on_exit";
    const line = `${kind} program '${proc.name}' ${what} (${endText(end)}); shutting down (exit status ${status})`;
    if (proc.config.essential) this.#logger.critical(line);
    else this.#logger.warn(line);
    this.#engine.shutdown();
  }
}
