/**
 * Test helpers for the engine: a program config with supervisord's defaults,
 * a logger that records lines, and a process host over a FakeRuntime.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyPConfig`,
 * `DummyOptions.logger`).
 * @module
 */

import { RecordingLogger } from "../test_support.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import type { SpawnOptions } from "../runtime/types.ts";
import { ProcessState, processStateName, SupervisorState } from "../states.ts";
import type { ProcessHost, Subprocess } from "./subprocess.ts";

export { programConfig, RecordingLogger } from "../test_support.ts";

/** A ProcessHost over a FakeRuntime that records state changes. */
export class TestHost implements ProcessHost {
  readonly runtime: FakeRuntime;
  readonly logger = new RecordingLogger();
  moodValue: SupervisorState = SupervisorState.RUNNING;
  readonly changes: string[] = [];
  wakes = 0;
  /** When set, prepare() throws it. */
  prepareError: Error | null = null;
  /** The start gate; automatic starts are held while it answers false. */
  gate: (proc: Subprocess) => boolean = () => true;

  constructor(runtime = new FakeRuntime()) {
    this.runtime = runtime;
  }
  mood(): SupervisorState {
    return this.moodValue;
  }
  prepare(proc: Subprocess): SpawnOptions {
    if (this.prepareError !== null) throw this.prepareError;
    return { path: proc.config.command, argv: [proc.config.command], env: {} };
  }
  stateChanged(_proc: Subprocess, from: ProcessState, to: ProcessState, expected: boolean): void {
    const suffix = to === ProcessState.EXITED ? ` expected:${expected ? 1 : 0}` : "";
    this.changes.push(`${processStateName(from)}->${processStateName(to)}${suffix}`);
  }
  wake(): void {
    this.wakes++;
  }
  mayStart(proc: Subprocess): boolean {
    return this.gate(proc);
  }
}

/** Lets pending promise callbacks (child exit handling) run. */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
