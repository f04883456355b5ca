/**
 * A child's pipes while it runs: stdout and stderr drained into the
 * process's output sink (an event listener's stdout also feeds its protocol),
 * and the exit reported once the pipes are drained, or after a grace period
 * when a grandchild keeps a pipe open.
 *
 * Python counterpart: supervisor/supervisord.py (the poll loop reading the
 * dispatchers before `reap`) and supervisor/dispatchers.py
 * (`PEventListenerDispatcher` reading the listener's stdout).
 * @module
 */

import type { ListenerProtocol } from "../events/listener_protocol.ts";
import type { ChildOutput } from "../logging/types.ts";
import type { Child, Clock, ExitStatus } from "../runtime/types.ts";

/** How long to wait for a dead child's pipes to reach EOF before finishing it anyway. */
export const DRAIN_GRACE_MS = 200;

/** Where a child's output goes and whom to tell. */
export interface PipeWatch {
  readonly output: ChildOutput | null;
  readonly listener: ListenerProtocol | null;
  readonly clock: Clock;
  /** False once the process has moved on from this child (output after that is dropped). */
  isCurrent(): boolean;
  /** The listener protocol was fed a chunk. */
  fed(): void;
  /** The child was reaped and its pipes drained (or the grace period passed). */
  reaped(status: ExitStatus): Promise<void>;
}

/** Drains `child`'s output, then reports its exit. */
export function watchChild(child: Child, watch: PipeWatch): void {
  const drains: Promise<void>[] = [];
  for (const [channel, stream] of [["stdout", child.stdout], ["stderr", child.stderr]] as const) {
    if (stream === null) continue;
    let logged = stream;
    if (channel === "stdout" && watch.listener !== null) {
      // An event listener's stdout is its protocol channel; it is also logged.
      const [forLog, forProtocol] = stream.tee();
      logged = forLog;
      drains.push(feedListener(forProtocol, watch.listener, watch));
    }
    drains.push(watch.output ? watch.output.drain(channel, logged) : logged.pipeTo(new WritableStream()));
  }
  const drained = Promise.allSettled(drains);
  child.exited.then(async (status) => {
    // Python drains what is readable before finishing; a grandchild may
    // keep a pipe open forever, so the wait is bounded.
    let timer = 0;
    const grace = new Promise<void>((resolve) => {
      timer = watch.clock.setTimeout(resolve, DRAIN_GRACE_MS);
    });
    await Promise.race([drained, grace]);
    watch.clock.clearTimeout(timer);
    await watch.reaped(status);
  });
}

/** Feeds the protocol from the child's stdout; output arriving after the child was finished is dropped. */
async function feedListener(stream: ReadableStream<Uint8Array>, protocol: ListenerProtocol, watch: PipeWatch) {
  for await (const chunk of stream) {
    if (!watch.isCurrent()) break;
    protocol.feed(chunk);
    watch.fed();
  }
}
