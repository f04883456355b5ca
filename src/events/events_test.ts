import { deepEqual, equal, ok } from "node:assert/strict";
import { EVENT_TYPE_NAMES } from "../config/schema.ts";
import { ProcessState } from "../process/states.ts";
import { b } from "./_testing.ts";
import {
  ABSTRACT_EVENT_TYPES,
  codePointLength,
  EVENT_PARENTS,
  EventBus,
  eventEnvelope,
  eventMatches,
  type EventTypeName,
  isEventTypeName,
  nextSerial,
  processCommunicationEvent,
  processGroupEvent,
  processLogEvent,
  processStateEvent,
  type ProcessStateSnapshot,
  remoteCommunicationEvent,
  type SupervisorEvent,
  supervisorStateChangeEvent,
  TickClock,
  tickEvent,
  timeslice,
} from "./events.ts";

const snap = (over: Partial<ProcessStateSnapshot> = {}): ProcessStateSnapshot => ({
  processname: "foo",
  groupname: "bar",
  from_state: ProcessState.STOPPED,
  tries: 0,
  pid: 0,
  expected: true,
  ...over,
});

Deno.test("[EVT.types] the type names are exactly the ones the config accepts", () => {
  deepEqual(Object.keys(EVENT_PARENTS).sort(), [...EVENT_TYPE_NAMES].sort());
  ok(isEventTypeName("TICK_5"));
  ok(!isEventTypeName("tick_5"));
  ok(!isEventTypeName("toString"));
});

Deno.test("[EVT.types] an abstract name matches all its concrete sub-types and nothing else", () => {
  const concrete = (Object.keys(EVENT_PARENTS) as EventTypeName[]).filter(
    (n) => !(ABSTRACT_EVENT_TYPES as readonly string[]).includes(n),
  );
  for (const name of concrete) {
    ok(eventMatches(name, "EVENT"), name);
    ok(eventMatches(name, name), name);
  }
  const under = (parent: EventTypeName) => concrete.filter((n) => eventMatches(n, parent)).sort();
  deepEqual(under("PROCESS_STATE"), [
    "PROCESS_STATE_BACKOFF",
    "PROCESS_STATE_EXITED",
    "PROCESS_STATE_FATAL",
    "PROCESS_STATE_RUNNING",
    "PROCESS_STATE_STARTING",
    "PROCESS_STATE_STOPPED",
    "PROCESS_STATE_STOPPING",
    "PROCESS_STATE_UNKNOWN",
  ]);
  deepEqual(under("PROCESS_LOG"), ["PROCESS_LOG_STDERR", "PROCESS_LOG_STDOUT"]);
  deepEqual(under("PROCESS_COMMUNICATION"), ["PROCESS_COMMUNICATION_STDERR", "PROCESS_COMMUNICATION_STDOUT"]);
  deepEqual(under("SUPERVISOR_STATE_CHANGE"), ["SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING"]);
  deepEqual(under("TICK"), ["TICK_3600", "TICK_5", "TICK_60"]);
  deepEqual(under("PROCESS_GROUP"), ["PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED"]);
  deepEqual(under("REMOTE_COMMUNICATION"), ["REMOTE_COMMUNICATION"]);
  ok(!eventMatches("PROCESS_LOG_STDOUT", "PROCESS_COMMUNICATION"));
  ok(!eventMatches("PROCESS_STATE", "PROCESS_STATE_RUNNING"));
});

Deno.test("[EVT.payload.state] states without extras: FATAL and UNKNOWN", () => {
  const fatal = processStateEvent(ProcessState.FATAL, snap({ from_state: ProcessState.BACKOFF, pid: 7, tries: 3 }));
  equal(fatal.type, "PROCESS_STATE_FATAL");
  equal(fatal.payload, "processname:foo groupname:bar from_state:BACKOFF");
  const unknown = processStateEvent(ProcessState.UNKNOWN, snap({ from_state: ProcessState.STOPPING }));
  equal(unknown.type, "PROCESS_STATE_UNKNOWN");
  equal(unknown.payload, "processname:foo groupname:bar from_state:STOPPING");
});

Deno.test("[EVT.payload.state] RUNNING, STOPPING and STOPPED carry the pid", () => {
  const cases: [ProcessState, ProcessState, string, string][] = [
    [ProcessState.RUNNING, ProcessState.STARTING, "PROCESS_STATE_RUNNING", "STARTING"],
    [ProcessState.STOPPING, ProcessState.RUNNING, "PROCESS_STATE_STOPPING", "RUNNING"],
    [ProcessState.STOPPED, ProcessState.STOPPING, "PROCESS_STATE_STOPPED", "STOPPING"],
  ];
  for (const [to, from, type, fromName] of cases) {
    const e = processStateEvent(to, snap({ from_state: from, pid: 2078, tries: 5 }));
    equal(e.type, type);
    equal(e.payload, `processname:foo groupname:bar from_state:${fromName} pid:2078`);
  }
  const fromBackoff = processStateEvent(ProcessState.STOPPED, snap({ from_state: ProcessState.BACKOFF, pid: 0 }));
  equal(fromBackoff.payload, "processname:foo groupname:bar from_state:BACKOFF pid:0");
});

Deno.test("[EVT.payload.state] STARTING and BACKOFF carry tries; EXITED carries expected then pid", () => {
  equal(
    processStateEvent(ProcessState.STARTING, snap({ processname: "multi_1", groupname: "multi" })).payload,
    "processname:multi_1 groupname:multi from_state:STOPPED tries:0",
  );
  equal(
    processStateEvent(ProcessState.BACKOFF, snap({ from_state: ProcessState.STARTING, tries: 2, pid: 9 })).payload,
    "processname:foo groupname:bar from_state:STARTING tries:2",
  );
  const exited = processStateEvent(
    ProcessState.EXITED,
    snap({
      processname: "badexit",
      groupname: "badexit",
      from_state: ProcessState.RUNNING,
      pid: 10037,
      expected: false,
    }),
  );
  equal(exited.type, "PROCESS_STATE_EXITED");
  equal(exited.payload, "processname:badexit groupname:badexit from_state:RUNNING expected:0 pid:10037");
  equal(
    processStateEvent(ProcessState.EXITED, snap({ from_state: ProcessState.RUNNING, pid: 1 })).payload,
    "processname:foo groupname:bar from_state:RUNNING expected:1 pid:1",
  );
});

Deno.test("[EVT.payload.log] PROCESS_LOG payload: header line, then the chunk; undecodable as a bytes repr", () => {
  const src = { processname: "p", groupname: "p", pid: 2078 };
  const e = processLogEvent("stderr", src, b("err é\n"));
  equal(e.type, "PROCESS_LOG_STDERR");
  equal(e.payload, "processname:p groupname:p pid:2078 channel:stderr\nerr é\n");
  const bad = processLogEvent("stdout", src, new Uint8Array([0x61, 0xff, 0x0a]));
  equal(bad.type, "PROCESS_LOG_STDOUT");
  equal(bad.payload, "processname:p groupname:p pid:2078 channel:stdout\nUndecodable: b'a\\xff\\n'");
});

Deno.test("[EVT.payload.comm,EVT.payload.remote,EVT.payload.supervisor,EVT.payload.group] the other payloads", () => {
  const comm = processCommunicationEvent(
    "stdout",
    { processname: "comm", groupname: "comm", pid: 10039 },
    b("hello comm"),
  );
  equal(comm.type, "PROCESS_COMMUNICATION_STDOUT");
  equal(comm.payload, "processname:comm groupname:comm pid:10039\nhello comm");
  equal(
    processCommunicationEvent("stderr", { processname: "a", groupname: "", pid: 1 }, b("")).type,
    "PROCESS_COMMUNICATION_STDERR",
  );
  const remote = remoteCommunicationEvent("mytype", "mydata");
  equal(remote.type, "REMOTE_COMMUNICATION");
  equal(remote.payload, "type:mytype\nmydata");
  deepEqual(
    [supervisorStateChangeEvent("RUNNING"), supervisorStateChangeEvent("STOPPING")].map((e) => [e.type, e.payload]),
    [["SUPERVISOR_STATE_CHANGE_RUNNING", ""], ["SUPERVISOR_STATE_CHANGE_STOPPING", ""]],
  );
  deepEqual(
    [processGroupEvent("ADDED", "ev"), processGroupEvent("REMOVED", "p")].map((e) => [e.type, e.payload]),
    [["PROCESS_GROUP_ADDED", "groupname:ev\n"], ["PROCESS_GROUP_REMOVED", "groupname:p\n"]],
  );
  equal(tickEvent(5, 1795579475).payload, "when:1795579475");
  equal(tickEvent(3600, 0).type, "TICK_3600");
});

Deno.test("[EVT.envelope,EVT.len] the envelope header; len counts code points, not bytes or UTF-16 units", () => {
  const e: SupervisorEvent = processLogEvent("stderr", { processname: "p", groupname: "p", pid: 2078 }, b("err é\n"));
  e.serial = 3;
  equal(
    eventEnvelope(e, { identifier: "supervisor", pool: "ev", poolSerial: 3 }),
    "ver:3.0 server:supervisor serial:3 pool:ev poolserial:3 eventname:PROCESS_LOG_STDERR len:56\n" +
      "processname:p groupname:p pid:2078 channel:stderr\nerr é\n",
  );
  equal(b(e.payload).length, 57);
  const empty = supervisorStateChangeEvent("RUNNING");
  empty.serial = 2;
  equal(
    eventEnvelope(empty, { identifier: "supervisor", pool: "ev", poolSerial: 2 }),
    "ver:3.0 server:supervisor serial:2 pool:ev poolserial:2 eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n",
  );
  equal(codePointLength("a😀b"), 3); // "a😀b".length is 4
});

Deno.test("[EVT.tick] the first check only records; a crossed boundary makes one event per period type", () => {
  const clock = new TickClock();
  deepEqual(clock.check(1000.5), []);
  deepEqual(clock.check(1004.9), []);
  deepEqual(clock.check(1005.0).map((e) => [e.type, e.payload]), [["TICK_5", "when:1005"]]);
  // Minutes later: one TICK_5 (missed periods are not replayed) and one TICK_60.
  deepEqual(clock.check(1263.2).map((e) => [e.type, e.payload]), [["TICK_5", "when:1260"], ["TICK_60", "when:1260"]]);
  deepEqual(clock.check(3600).map((e) => e.type), ["TICK_5", "TICK_60", "TICK_3600"]);
  equal(timeslice(5, 1795579477.9), 1795579475);
  equal(timeslice(60, -1), -60);
});

Deno.test("[EVT.delivery.scope] EventBus: subscribers in order, by type match, only while subscribed", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  const a = (e: SupervisorEvent) => seen.push(`a:${e.type}`);
  const c = (e: SupervisorEvent) => seen.push(`c:${e.type}`);
  bus.subscribe("PROCESS_GROUP", a);
  bus.subscribe("TICK_5", c);
  bus.notify(processGroupEvent("ADDED", "g"));
  bus.notify(tickEvent(5, 5));
  bus.notify(tickEvent(60, 60));
  deepEqual(seen, ["a:PROCESS_GROUP_ADDED", "c:TICK_5"]);
  ok(bus.hasSubscribers("PROCESS_GROUP_REMOVED"));
  ok(!bus.hasSubscribers("TICK_60"));
  ok(bus.unsubscribe("PROCESS_GROUP", a));
  ok(!bus.unsubscribe("PROCESS_GROUP", a));
  bus.notify(processGroupEvent("REMOVED", "g"));
  equal(seen.length, 2);
});

Deno.test("EventBus: a callback subscribed to overlapping types is called once per subscription, as in Python", () => {
  const bus = new EventBus();
  let calls = 0;
  const cb = () => calls++;
  bus.subscribe("PROCESS_STATE", cb);
  bus.subscribe("PROCESS_STATE_RUNNING", cb);
  bus.notify(processStateEvent(ProcessState.RUNNING, snap()));
  equal(calls, 2);
  bus.notify(processStateEvent(ProcessState.FATAL, snap()));
  equal(calls, 3);
  bus.clear();
  bus.notify(processStateEvent(ProcessState.FATAL, snap()));
  equal(calls, 3);
});

Deno.test("[EVT.serial] serials start at 0, are per bus instance, and wrap to 0 after the maximum", () => {
  const bus = new EventBus(2);
  deepEqual([bus.nextSerial(), bus.nextSerial(), bus.nextSerial(), bus.nextSerial()], [0, 1, 2, 0]);
  equal(new EventBus().nextSerial(), 0);
  equal(nextSerial(-1), 0);
  equal(nextSerial(Number.MAX_SAFE_INTEGER), 0);
});
