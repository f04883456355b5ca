import { deepEqual, equal, throws } from "node:assert/strict";
import { ListenerState } from "../process/states.ts";
import { b, LogRecorder } from "./_testing.ts";
import { remoteCommunicationEvent, type SupervisorEvent } from "./events.ts";
import {
  defaultResultHandler,
  ListenerProtocol,
  type ListenerProtocolOptions,
  parseResultLength,
  RejectEvent,
} from "./listener_protocol.ts";

const UNKNOWN_WARN = "WARN lst: has entered the UNKNOWN state and will no longer receive events, " +
  "this usually indicates the process violated the eventlistener protocol";

function setup(over: Partial<ListenerProtocolOptions> = {}) {
  const logger = new LogRecorder("debug");
  const rejected: SupervisorEvent[] = [];
  const proto = new ListenerProtocol({ name: "lst", logger, onReject: (e) => rejected.push(e), ...over });
  /** Feeds chunks, returning the log lines except the output echo. */
  const feed = (...chunks: string[]) => {
    for (const c of chunks) proto.feed(b(c));
    return logger.take().filter((l) => !l.startsWith("DEBG 'lst' stdout output:"));
  };
  return { logger, rejected, proto, feed };
}

/** A protocol in BUSY with `event` out. */
function busy(over: Partial<ListenerProtocolOptions> = {}) {
  const s = setup(over);
  s.feed("READY\n");
  const event = remoteCommunicationEvent("t", "d");
  s.proto.sent(event);
  return { ...s, event };
}

Deno.test("[LSN.states,LSN.ready] ACKNOWLEDGED until READY\\n arrives, even split across reads", () => {
  const { proto, feed } = setup();
  equal(proto.state, ListenerState.ACKNOWLEDGED);
  deepEqual(feed("REA"), []);
  equal(proto.state, ListenerState.ACKNOWLEDGED);
  deepEqual(feed("DY\n"), ["DEBG lst: ACKNOWLEDGED -> READY"]);
  equal(proto.state, ListenerState.READY);
});

Deno.test("[LSN.ready,LSN.unknown] six bytes that are not READY\\n put the listener in UNKNOWN", () => {
  const { proto, feed } = setup();
  deepEqual(feed("bogus data\n"), ["DEBG lst: ACKNOWLEDGED -> UNKNOWN", UNKNOWN_WARN]);
  equal(proto.state, ListenerState.UNKNOWN);
  // Everything after that is ignored.
  deepEqual(feed("READY\n"), []);
  equal(proto.state, ListenerState.UNKNOWN);
});

Deno.test("[LSN.busy] output while READY (no event out) is a protocol violation", () => {
  const { proto, feed } = setup();
  deepEqual(feed("READY\ngarbage\n"), ["DEBG lst: ACKNOWLEDGED -> READY", "DEBG lst: READY -> UNKNOWN", UNKNOWN_WARN]);
  equal(proto.state, ListenerState.UNKNOWN);
  equal(proto.event, null);
});

Deno.test("[LSN.result] RESULT 2\\nOK: processed, ACKNOWLEDGED, leftovers wait for READY", () => {
  const { proto, feed, rejected } = busy();
  equal(proto.state, ListenerState.BUSY);
  deepEqual(feed("RESULT 2\nOKabc"), ["DEBG lst: event was processed", "DEBG lst: BUSY -> ACKNOWLEDGED"]);
  equal(proto.state, ListenerState.ACKNOWLEDGED);
  equal(proto.event, null);
  deepEqual(rejected, []);
  // "abc" + "DEF\n" = 7 bytes that are not READY\n.
  deepEqual(feed("DEF\n"), ["DEBG lst: ACKNOWLEDGED -> UNKNOWN", UNKNOWN_WARN]);
});

Deno.test("[LSN.result] a result split across many reads, then READY in the same read", () => {
  const { proto, feed } = busy();
  deepEqual(feed("RESU", "LT 2", "\nO"), []);
  equal(proto.state, ListenerState.BUSY);
  deepEqual(feed("KREADY\n"), [
    "DEBG lst: event was processed",
    "DEBG lst: BUSY -> ACKNOWLEDGED",
    "DEBG lst: ACKNOWLEDGED -> READY",
  ]);
  equal(proto.state, ListenerState.READY);
});

Deno.test("[LSN.result] RESULT 4\\nFAIL: rejected, ACKNOWLEDGED, the event goes back to the pool", () => {
  const { proto, feed, rejected, event } = busy();
  deepEqual(feed("RESULT 4\nFAIL"), ["WARN lst: event was rejected", "DEBG lst: BUSY -> ACKNOWLEDGED"]);
  equal(proto.state, ListenerState.ACKNOWLEDGED);
  deepEqual(rejected, [event]);
  equal(proto.event, null);
});

Deno.test("[LSN.result] only the length is read from the result line; the RESULT prefix is not checked", () => {
  const { proto, feed } = busy();
  deepEqual(feed("XXXXXXX2\nOK"), ["DEBG lst: event was processed", "DEBG lst: BUSY -> ACKNOWLEDGED"]);
  equal(proto.state, ListenerState.ACKNOWLEDGED);
});

Deno.test("[LSN.result,LSN.unknown,MLOG.events] a bad result line: WARN with the line, UNKNOWN, event rejected", () => {
  const { proto, feed, rejected, event } = busy();
  deepEqual(feed("bogus data\nmore"), [
    "WARN lst: bad result line: 'bogus data'",
    "DEBG lst: BUSY -> UNKNOWN",
    UNKNOWN_WARN,
  ]);
  equal(proto.state, ListenerState.UNKNOWN);
  deepEqual(rejected, [event]);
  const bad = busy();
  bad.proto.feed(new Uint8Array([0x52, 0xff, 0x0a]));
  equal(bad.logger.lines[1], "WARN lst: bad result line: 'Undecodable: b'R\\xff''");
});

Deno.test("[LSN.result] an incomplete result line waits; a result of length 0 waits for the next read (as Python)", () => {
  const { proto, feed } = busy();
  deepEqual(feed("RESULT 2"), []);
  equal(proto.state, ListenerState.BUSY);
  const zero = busy();
  deepEqual(zero.feed("RESULT 0\n"), []);
  equal(zero.proto.state, ListenerState.BUSY);
  deepEqual(zero.feed("READY\n"), [
    "WARN lst: event was rejected",
    "DEBG lst: BUSY -> ACKNOWLEDGED",
    "DEBG lst: ACKNOWLEDGED -> READY",
  ]);
});

Deno.test("[LSN.result] a result handler that fails: event caused an error, UNKNOWN, event rejected", () => {
  const { proto, feed, rejected, event } = busy({
    resultHandler: () => {
      throw new TypeError("boom");
    },
  });
  deepEqual(feed("RESULT 2\nOK"), ["WARN lst: event caused an error", "DEBG lst: BUSY -> UNKNOWN", UNKNOWN_WARN]);
  equal(proto.state, ListenerState.UNKNOWN);
  deepEqual(rejected, [event]);
});

Deno.test("[LSN.result] the default handler accepts exactly OK", () => {
  defaultResultHandler(null, b("OK"));
  for (const body of ["FAIL", "ok", "OK\n", ""]) {
    throws(() => defaultResultHandler(null, b(body)), RejectEvent);
  }
});

Deno.test("[LSN.result] result lengths parse as Python int() does", () => {
  const cases: [string, number | null][] = [
    ["RESULT 2", 2],
    ["RESULT  2\r", 2],
    ["RESULT +2", 2],
    ["RESULT 1_0", 10],
    ["RESULT 007", 7],
    ["RESULT -0", 0],
    ["RESULT ", null],
    ["RESULT 1__0", null],
    ["RESULT 0x1", null],
    ["RESULT 2 OK", null],
    ["RESULT -1", null], // Python accepts it and then recurses until it fails; we refuse it
    ["RESU", null],
  ];
  for (const [line, want] of cases) equal(parseResultLength(b(line)), want, line);
});

Deno.test("[MLOG.listener.output,LSN.logging] every chunk is echoed at DEBG as a Python bytes repr", () => {
  const { logger, proto } = setup();
  proto.feed(b("READY\n"));
  equal(logger.lines[0], "DEBG 'lst' stdout output:\nb'READY\\n'");
  const quietLog = new LogRecorder("info");
  const quiet = setup({ logger: quietLog });
  quiet.proto.feed(b("READY\n"));
  equal(quiet.proto.state, ListenerState.READY);
  deepEqual(quietLog.lines, []);
  const silent = setup({ echo: false });
  silent.proto.feed(b("READY\n"));
  deepEqual(silent.logger.lines, ["DEBG lst: ACKNOWLEDGED -> READY"]);
});

Deno.test("[EVT.reject.exit] a listener that exits while BUSY gives its event back; reset() starts over", () => {
  const { proto, rejected, event, logger } = busy();
  logger.take();
  proto.exited();
  deepEqual(rejected, [event]);
  equal(proto.event, null);
  proto.exited();
  equal(rejected.length, 1);
  proto.reset();
  equal(proto.state, ListenerState.ACKNOWLEDGED);
  deepEqual(logger.lines, []);
});

Deno.test("[LSN.states] a partly read result is dropped by reset()", () => {
  const { proto, feed } = busy();
  feed("RESULT 4\nFA");
  proto.reset();
  deepEqual(feed("READY\n"), ["DEBG lst: ACKNOWLEDGED -> READY"]);
});
