/**
 * Test support shared across folders: a process config with supervisord's
 * defaults and a main log that records its lines.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyPConfig`,
 * `DummyLogger`).
 * @module
 */

import {
  defaultDependencyExtensions,
  defaultLogExtensions,
  defaultProgramExtensions,
  type ProcessConfig,
} from "./config/schema.ts";
import type { LogLevelName } from "./config/datatypes.ts";
import { LEVEL_LABELS, LEVEL_NUMBERS, type Logger } from "./logging/types.ts";

/** A `[program:x]` process config with supervisord's defaults and `startsecs=1`. */
export function programConfig(overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  return {
    ...defaultProgramExtensions(overrides.name ?? "prog"),
    ...defaultDependencyExtensions(),
    ...defaultLogExtensions(),
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
