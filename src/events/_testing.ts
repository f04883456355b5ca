/**
 * Test helpers for the event modules: a main log that records its lines,
 * byte/text shorthands and a scripted listener process for pool tests.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyLogger`, `DummyProcess`).
 * @module
 */

import { b, t } from "../logging/_testing.ts";
import type { Logger } from "../logging/types.ts";
import { RecordingLogger } from "../test_support.ts";
import type { SupervisorEvent } from "./events.ts";
import { ListenerProtocol } from "./listener_protocol.ts";
import type { PoolListener } from "./pool.ts";

/** A main log keeping `LEVL message` lines at or above `level`. */
export class LogRecorder extends RecordingLogger {
  /** Returns the lines so far and forgets them. */
  take(): string[] {
    return this.lines.splice(0);
  }
}

export { b, t };

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
