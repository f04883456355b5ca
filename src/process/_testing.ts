/**
 * Test helpers for the engine: a program config with supervisord's defaults,
 * a logger that records lines, and a process host over a FakeRuntime.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyPConfig`,
 * `DummyOptions.logger`).
 * @module
 */

import type { ProcessConfig } from "../config/schema.ts";
import type { LogLevelName } from "../config/datatypes.ts";
import { LEVEL_LABELS, LEVEL_NUMBERS, type Logger } from "../logging/types.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import type { SpawnOptions } from "../runtime/types.ts";
import { ProcessState, processStateName, SupervisorState } from "./states.ts";
import type { ProcessHost, Subprocess } from "./subprocess.ts";

/** A `[program:x]` process config with supervisord's defaults and `startsecs=1`. */
export function programConfig(overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  return {
    name: "prog",
    command: "/bin/prog",
    directory: null,
    umask: null,
    priority: 999,
    autostart: true,
    autorestart: "unexpected",
    startsecs: 1,
    startretries: 3,
    uid: null,
    stdout_logfile: null,
    stdout_capture_maxbytes: 0,
    stdout_events_enabled: false,
    stdout_logfile_backups: 10,
    stdout_logfile_maxbytes: 50 * 1024 * 1024,
    stdout_syslog: false,
    stderr_logfile: null,
    stderr_capture_maxbytes: 0,
    stderr_events_enabled: false,
    stderr_logfile_backups: 10,
    stderr_logfile_maxbytes: 50 * 1024 * 1024,
    stderr_syslog: false,
    stopsignal: 15,
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    exitcodes: [0],
    redirect_stderr: false,
    environment: {},
    serverurl: null,
    ...overrides,
  };
}

/** A main log that keeps its lines as `LEVL message`, at or above `level`. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  constructor(public level: LogLevelName = "blather") {}
  enabled(level: LogLevelName): boolean {
    return LEVEL_NUMBERS[level] >= LEVEL_NUMBERS[this.level];
  }
  log(level: LogLevelName, message: string): void {
    if (this.enabled(level)) this.lines.push(`${LEVEL_LABELS[level]} ${message}`);
  }
  critical = (m: string) => this.log("critical", m);
  error = (m: string) => this.log("error", m);
  warn = (m: string) => this.log("warn", m);
  info = (m: string) => this.log("info", m);
  debug = (m: string) => this.log("debug", m);
  trace = (m: string) => this.log("trace", m);
  blather = (m: string) => this.log("blather", m);
  reopen = () => Promise.resolve();
  close = () => Promise.resolve();
  /** Lines at INFO and above, for comparisons. */
  get important(): string[] {
    return this.lines.filter((l) => !l.startsWith("DEBG") && !l.startsWith("BLAT") && !l.startsWith("TRAC"));
  }
}

/** A ProcessHost over a FakeRuntime that records state changes. */
export class TestHost implements ProcessHost {
  readonly runtime: FakeRuntime;
  readonly logger = new RecordingLogger();
  moodValue: SupervisorState = SupervisorState.RUNNING;
  readonly changes: string[] = [];
  wakes = 0;
  /** When set, prepare() throws it. */
  prepareError: Error | null = null;

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
}

/** Lets pending promise callbacks (child exit handling) run. */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
