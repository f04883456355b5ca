import { deepEqual, equal } from "node:assert/strict";
import { ListenerState } from "../process/states.ts";
import { FakeListener, LogRecorder } from "./_testing.ts";
import {
  EventBus,
  type EventTypeName,
  processGroupEvent,
  remoteCommunicationEvent,
  supervisorStateChangeEvent,
  tickEvent,
} from "./events.ts";
import { EventListenerPool } from "./pool.ts";

function setup(opts: { name?: string; buffer_size?: number; events?: EventTypeName[]; listeners?: string[] } = {}) {
  const bus = new EventBus();
  const logger = new LogRecorder("debug");
  const listeners: FakeListener[] = [];
  const pool = new EventListenerPool(
    { name: opts.name ?? "ev", buffer_size: opts.buffer_size ?? 10, events: opts.events ?? ["EVENT"] },
    { bus, logger, identifier: "supervisor" },
    () => listeners,
  );
  for (const name of opts.listeners ?? ["ev"]) {
    listeners.push(new FakeListener(name, logger, (e) => pool.rejected(e)));
  }
  const logs = () => logger.take().filter((l) => !l.startsWith("DEBG 'ev"));
  return { bus, logger, pool, listeners, logs };
}

Deno.test("[EVT.envelope,EVT.dispatch,MLOG.events] the A.7 startup sequence reaches a READY listener one event at a time", () => {
  const { bus, pool, listeners, logs } = setup();
  const l = listeners[0]!;
  bus.notify(processGroupEvent("ADDED", "ev"));
  bus.notify(processGroupEvent("ADDED", "p"));
  bus.notify(supervisorStateChangeEvent("RUNNING"));
  equal(pool.buffered.length, 3);
  pool.dispatchIfReady(); // nobody READY: nothing happens
  deepEqual(logs(), []);
  l.ready();
  pool.dispatchIfReady();
  deepEqual(l.written, [
    "ver:3.0 server:supervisor serial:0 pool:ev poolserial:0 eventname:PROCESS_GROUP_ADDED len:13\ngroupname:ev\n",
  ]);
  equal(l.protocol.state, ListenerState.BUSY);
  deepEqual(logs(), [
    "DEBG ev: ACKNOWLEDGED -> READY",
    "DEBG event 0 sent to listener ev",
    "DEBG rebuffering event 1 for pool ev (buf size=1, max=10)",
  ]);
  for (let i = 0; i < 2; i++) {
    l.result("OK");
    l.ready();
    pool.dispatchIfReady();
  }
  deepEqual(l.written.slice(1), [
    "ver:3.0 server:supervisor serial:1 pool:ev poolserial:1 eventname:PROCESS_GROUP_ADDED len:12\ngroupname:p\n",
    "ver:3.0 server:supervisor serial:2 pool:ev poolserial:2 eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n",
  ]);
  equal(pool.buffered.length, 0);
});

Deno.test("[EVT.serial] the global serial comes from the first pool; each pool numbers its own events", () => {
  const bus = new EventBus();
  const logger = new LogRecorder("debug");
  const ticks = new EventListenerPool({ name: "t", buffer_size: 10, events: ["TICK"] }, {
    bus,
    logger,
    identifier: "x",
  }, () => []);
  const all = new EventListenerPool(
    { name: "a", buffer_size: 10, events: ["EVENT"] },
    { bus, logger, identifier: "x" },
    () => [],
  );
  bus.notify(remoteCommunicationEvent("x", "y")); // only "a"
  bus.notify(tickEvent(5, 5)); // both
  bus.notify(processGroupEvent("REMOVED", "nobody-listens-to-this-in-t"));
  deepEqual(all.buffered.map((e) => [e.type, e.serial, e.poolSerials.get("a")]), [
    ["REMOTE_COMMUNICATION", 0, 0],
    ["TICK_5", 1, 1],
    ["PROCESS_GROUP_REMOVED", 2, 2],
  ]);
  deepEqual(ticks.buffered.map((e) => [e.serial, e.poolSerials.get("t")]), [[1, 0]]);
  // No pool subscribed: no serial used.
  all.close();
  ticks.close();
  bus.notify(tickEvent(5, 10));
  equal(bus.nextSerial(), 3);
});

Deno.test("[EVT.buffer,MLOG.events] a full buffer drops its oldest event with an ERRO line", () => {
  const { bus, pool, logs } = setup({ buffer_size: 2 });
  for (const g of ["a", "b", "c"]) bus.notify(processGroupEvent("ADDED", g));
  deepEqual(logs(), ["ERRO pool ev event buffer overflowed, discarding event 0"]);
  deepEqual(pool.buffered.map((e) => e.serial), [1, 2]);
});

Deno.test("[EVT.buffer,LSN.result] a rejected event goes back to the head with its serials, and is sent again", () => {
  const { bus, pool, listeners, logs } = setup();
  const l = listeners[0]!;
  bus.notify(remoteCommunicationEvent("t", "1"));
  bus.notify(remoteCommunicationEvent("t", "2"));
  l.ready();
  pool.dispatchIfReady();
  logs();
  l.result("FAIL");
  deepEqual(logs(), [
    "WARN ev: event was rejected",
    "DEBG ev: BUSY -> ACKNOWLEDGED",
    "DEBG rebuffering event 0 for pool ev (buf size=1, max=10)",
  ]);
  deepEqual(pool.buffered.map((e) => e.serial), [0, 1]);
  l.ready();
  pool.dispatchIfReady();
  equal(l.written[1], l.written[0]);
});

Deno.test("[EVT.buffer] a rejected event re-inserted into a full buffer displaces the oldest one", () => {
  const { bus, pool, listeners, logs } = setup({ buffer_size: 2 });
  const l = listeners[0]!;
  bus.notify(remoteCommunicationEvent("t", "0"));
  l.ready();
  pool.dispatchIfReady();
  bus.notify(remoteCommunicationEvent("t", "1"));
  bus.notify(remoteCommunicationEvent("t", "2"));
  logs();
  l.result("FAIL");
  deepEqual(logs().slice(2), [
    "DEBG rebuffering event 0 for pool ev (buf size=2, max=2)",
    "ERRO pool ev event buffer overflowed, discarding event 1",
  ]);
  deepEqual(pool.buffered.map((e) => e.serial), [0, 2]);
});

Deno.test("[EVT.dispatch] events go to the first RUNNING and READY listener, in pool order", () => {
  const { bus, pool, listeners, logs } = setup({ listeners: ["l0", "l1", "l2"] });
  const [l0, l1, l2] = listeners as [FakeListener, FakeListener, FakeListener];
  l0.ready();
  l0.running = false; // READY but no longer RUNNING: skipped
  l1.ready();
  l2.ready();
  for (const g of ["a", "b", "c"]) bus.notify(processGroupEvent("ADDED", g));
  logs();
  pool.dispatchIfReady();
  deepEqual([l0.written.length, l1.written.length, l2.written.length], [0, 1, 1]);
  deepEqual(logs(), [
    "DEBG event 0 sent to listener l1",
    "DEBG event 1 sent to listener l2",
    "DEBG rebuffering event 2 for pool ev (buf size=0, max=10)",
  ]);
  deepEqual(pool.buffered.map((e) => e.serial), [2]);
});

Deno.test("[EVT.dispatch] EPIPE: logged, listener state unchanged, next listener tried", () => {
  const { bus, pool, listeners, logs } = setup({ listeners: ["l0", "l1"] });
  const [l0, l1] = listeners as [FakeListener, FakeListener];
  l0.ready();
  l1.ready();
  l0.stdinOpen = false;
  bus.notify(processGroupEvent("ADDED", "a"));
  logs();
  pool.dispatchIfReady();
  deepEqual(logs(), [
    "DEBG epipe occurred while sending event 0 to listener l0, listener state unchanged",
    "DEBG event 0 sent to listener l1",
  ]);
  equal(l0.protocol.state, ListenerState.READY);
  equal(l1.protocol.state, ListenerState.BUSY);
  // Only listener gone: the event stays at the head.
  const solo = setup();
  solo.listeners[0]!.ready();
  solo.listeners[0]!.stdinOpen = false;
  solo.bus.notify(processGroupEvent("ADDED", "a"));
  solo.logs();
  solo.pool.dispatchIfReady();
  deepEqual(solo.logs(), [
    "DEBG epipe occurred while sending event 0 to listener ev, listener state unchanged",
    "DEBG rebuffering event 0 for pool ev (buf size=0, max=10)",
  ]);
  equal(solo.pool.buffered.length, 1);
});

Deno.test("[EVT.reject.exit] a listener that dies while BUSY: its event is buffered again at the head", () => {
  const { bus, pool, listeners } = setup();
  const l = listeners[0]!;
  bus.notify(processGroupEvent("ADDED", "a"));
  l.ready();
  pool.dispatchIfReady();
  bus.notify(processGroupEvent("ADDED", "b"));
  l.running = false;
  l.protocol.exited();
  deepEqual(pool.buffered.map((e) => e.serial), [0, 1]);
  l.protocol.reset();
  l.running = true;
  l.ready();
  pool.dispatchIfReady();
  equal(l.written.length, 2);
  equal(l.written[1], l.written[0]);
});

Deno.test("[EVT.reject.crosspool] a rejection is re-buffered only by the listener's own pool", () => {
  const bus = new EventBus();
  const logger = new LogRecorder("debug");
  const mk = (name: string) => {
    const ls: FakeListener[] = [];
    const pool = new EventListenerPool(
      { name, buffer_size: 10, events: ["EVENT"] },
      { bus, logger, identifier: "s" },
      () => ls,
    );
    ls.push(new FakeListener(name, logger, (e) => pool.rejected(e)));
    return { pool, l: ls[0]! };
  };
  const a = mk("a");
  const other = mk("b");
  bus.notify(processGroupEvent("ADDED", "g"));
  a.l.ready();
  a.pool.dispatchIfReady();
  a.l.result("FAIL");
  equal(a.pool.buffered.length, 1);
  equal(other.pool.buffered.length, 1); // its own copy from the notify, not a duplicate
});

Deno.test("[EVT.delivery.scope] a pool sees events only between construction and close()", () => {
  const { bus, pool } = setup({ events: ["PROCESS_GROUP_ADDED", "TICK_5"] });
  bus.notify(processGroupEvent("REMOVED", "x"));
  bus.notify(tickEvent(5, 5));
  bus.notify(tickEvent(60, 60));
  deepEqual(pool.buffered.map((e) => e.type), ["TICK_5"]);
  pool.close();
  pool.close();
  bus.notify(processGroupEvent("ADDED", "x"));
  equal(pool.buffered.length, 1);
});

Deno.test("overlapping subscriptions buffer the event twice, the second time as a rebuffer (Python quirk)", () => {
  const { bus, pool, logs } = setup({ events: ["PROCESS_GROUP", "PROCESS_GROUP_ADDED"] });
  bus.notify(processGroupEvent("ADDED", "x"));
  deepEqual(pool.buffered.map((e) => [e.serial, e.poolSerials.get("ev")]), [[0, 0], [0, 0]]);
  deepEqual(logs(), ["DEBG rebuffering event 0 for pool ev (buf size=1, max=10)"]);
});

Deno.test("[EVT.dispatch] a pool asks for a pass when it buffers an event or a rejection, not when nobody took one", () => {
  const bus = new EventBus();
  const logger = new LogRecorder("debug");
  const listeners: FakeListener[] = [];
  let wakes = 0;
  const pool = new EventListenerPool(
    { name: "ev", buffer_size: 10, events: ["EVENT"] },
    { bus, logger, identifier: "supervisor", wake: () => wakes++ },
    () => listeners,
  );
  const l = new FakeListener("ev", logger, (e) => pool.rejected(e));
  listeners.push(l);
  bus.notify(tickEvent(5, 5));
  equal(wakes, 1, "buffered from the bus");
  pool.dispatchIfReady();
  pool.dispatch();
  equal(wakes, 1, "no listener READY: the event goes back quietly (no pass loop)");
  l.ready();
  pool.dispatchIfReady();
  equal(l.written.length, 1);
  l.result("FAIL");
  equal(wakes, 2, "a rejected event asks for a pass too");
  deepEqual(pool.buffered.map((e) => e.type), ["TICK_5"]);
});
