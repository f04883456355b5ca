/**
 * Test helpers for the engine: a program config with supervisord's defaults,
 * a logger that records lines, and a process host over a FakeRuntime.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyPConfig`,
 * `DummyOptions.logger`).
 * @module
 */

import type { ProcessConfig } from "../config/schema.ts";
import { parseCron } from "../config/cron_expr.ts";
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

/**
 * For every ProcessConfig key, a value that differs from programConfig()'s:
 * tests that each key is compared (reread) and classified (apply) walk it, and
 * a key added to ProcessConfig does not compile here until it has a value.
 */
export function changedProcessValues(): Record<keyof ProcessConfig, unknown> {
  return {
    name: "other",
    command: "/bin/other",
    directory: "/tmp",
    umask: 0o077,
    priority: 1,
    autostart: false,
    autorestart: true,
    startsecs: 5,
    startretries: 9,
    uid: 0,
    stdout_logfile: "/logs/b.out",
    stdout_capture_maxbytes: 1,
    stdout_events_enabled: true,
    stdout_logfile_backups: 1,
    stdout_logfile_maxbytes: 1,
    stdout_syslog: true,
    stderr_logfile: "/logs/e.out",
    stderr_capture_maxbytes: 1,
    stderr_events_enabled: true,
    stderr_logfile_backups: 1,
    stderr_logfile_maxbytes: 1,
    stderr_syslog: true,
    stopsignal: 9,
    stopwaitsecs: 1,
    stopasgroup: true,
    killasgroup: true,
    exitcodes: [0, 2],
    redirect_stderr: true,
    environment: { A: "1" },
    serverurl: "http://x",
    console: { stdout: "stdout", stderr: null },
    console_prefix: "web",
    essential: true,
    shutdown_on_exit: true,
    backoff: "fixed",
    backoff_delay: 2,
    backoff_factor: 1.5,
    backoff_max: 10,
    backoff_jitter: 0.1,
    backoff_reset_after: 30,
    retry_forever: true,
    dependent_startup: true,
    ready_log: "ready",
    depends_on: [{ target: "db", condition: "healthy" }],
    depends_timeout: 5,
    on_dependency_failure: "restart",
    depends_section: "program:web",
    healthcheck: {
      probe: { kind: "tcp", host: "127.0.0.1", port: 5432 },
      interval: 10,
      timeout: 2,
      initial_delay: 0,
      start_period: 0,
      start_interval: 1,
      retries: 3,
      successes: 1,
      action: "restart",
      expect: [[0, 0]],
      body: null,
      tls_verify: true,
    },
    env_file: { files: [{ path: "/app.env", optional: false }], explicit: [] },
    cron: { start: parseCron("@daily"), stop: null, timezone: null, overlap: "skip" },
    watch: {
      dirs: ["/src"],
      patterns: ["*"],
      ignore: [],
      debounce: 0.3,
      binary: false,
      on_file: { kind: "restart" },
      on_binary: { kind: "restart" },
      cascade: false,
    },
    stdout_logfile_rotate_every: { kind: "daily" },
    stderr_logfile_rotate_every: { kind: "every", seconds: 60 },
  };
}
