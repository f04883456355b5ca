/**
 * The spawn step of a process: take the group's resource, build the spawn
 * options, open the output, start the child; and what a failed start
 * records (the run's end and the `spawnerr` text). `Subprocess.spawn` does
 * the state changes around it.
 *
 * Python counterpart: supervisor/process.py (`Subprocess.spawn` and
 * `_prepare_child_fds`, the part before and around `fork`).
 * @module
 */

import type { ChildOutput } from "../logging/types.ts";
import type { Child, Runtime, SpawnOptions } from "../runtime/types.ts";
import { SpawnError } from "./exec_args.ts";
import type { RunEnd } from "./exit_status.ts";
import { dispatcherFailureText, spawnFailureText } from "./spawn_failure.ts";
import { type ResourceHold, SpawnResourceError } from "./spawn_resource.ts";

/** What starting one child needs. */
export interface ChildStart {
  /** The process name (failure texts). */
  readonly name: string;
  readonly runtime: Runtime;
  readonly output: ChildOutput | null;
  readonly resource: ResourceHold;
  /** Builds what to spawn; throws {@linkcode SpawnError}. */
  prepare(): SpawnOptions;
}

/** Starts the child; throws SpawnError, SpawnResourceError or what the runtime throws. */
export function startChild(start: ChildStart): Child {
  // The group's resource first: Python takes the fcgi socket before anything else of the spawn.
  const extra = start.resource.acquire();
  const options = { ...start.prepare(), ...extra };
  try {
    start.output?.open();
  } catch (e) {
    throw new SpawnError("BadCommand", dispatcherFailureText(start.name, e));
  }
  return start.runtime.spawn(options);
}

/** What a failed start records. */
export interface StartFailure {
  /** The run's end: the SpawnError kind, or null for other failures. */
  readonly end: RunEnd;
  /** The `spawnerr` text. */
  readonly spawnerr: string;
}

/** What the failure `e` of {@linkcode startChild} for process `name` records. */
export function startFailure(name: string, e: unknown): StartFailure {
  const known = e instanceof SpawnError || e instanceof SpawnResourceError;
  return {
    end: { spawnError: e instanceof SpawnError ? e.kind : null },
    spawnerr: known ? e.message : spawnFailureText(name, e),
  };
}
