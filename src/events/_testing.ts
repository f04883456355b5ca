/**
 * Test helpers for the event modules: a main log that records its lines,
 * byte/text shorthands and a scripted listener process for pool tests.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyLogger`, `DummyProcess`).
 * @module
 */

import type { LogLevelName } from "../config/datatypes.ts";
import { LEVEL_LABELS, LEVEL_NUMBERS, type Logger } from "../logging/types.ts";
import type { SupervisorEvent } from "./events.ts";
import { ListenerProtocol } from "./listener_protocol.ts";
import type { PoolListener } from "./pool.ts";

/** A main log keeping `LEVL message` lines at or above `level`. */
export class LogRecorder implements Logger {
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
  /** Returns the lines so far and forgets them. */
  take(): string[] {
    return this.lines.splice(0);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 text of `data`. */
export function t(data: Uint8Array): string {
  return decoder.decode(data);
}

/** A listener process for pool tests: scripted running flag and stdin, recorded writes. */
export class FakeListener implements PoolListener {
  running = true;
  /** When false, write() reports EPIPE. */
  stdinOpen = true;
  readonly written: string[] = [];
  readonly protocol: ListenerProtocol;

  constructor(readonly name: string, logger: Logger, onReject: (e: SupervisorEvent) => void) {
    this.protocol = new ListenerProtocol({ name, logger, onReject });
  }
  isRunning(): boolean {
    return this.running;
  }
  write(data: Uint8Array): boolean {
    if (!this.stdinOpen) return false;
    this.written.push(t(data));
    return true;
  }
  /** The listener says READY. */
  ready(): void {
    this.protocol.feed(b("READY\n"));
  }
  /** The listener answers `RESULT <n>\n<body>`. */
  result(body: string): void {
    this.protocol.feed(b(`RESULT ${b(body).length}\n${body}`));
  }
}
