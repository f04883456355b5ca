import assert from "node:assert/strict";
import {
  listenerStateName,
  ProcessState,
  processStateName,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  SupervisorState,
  supervisorStateName,
} from "./states.ts";

Deno.test("[STATE.codes] ProcessState codes and names match supervisord", () => {
  const table = Object.values(ProcessState).map((code) => [processStateName(code), code]);
  assert.deepEqual(table, [
    ["STOPPED", 0],
    ["STARTING", 10],
    ["RUNNING", 20],
    ["BACKOFF", 30],
    ["STOPPING", 40],
    ["EXITED", 100],
    ["FATAL", 200],
    ["UNKNOWN", 1000],
  ]);
});

Deno.test("[STATE.codes] BACKOFF counts as running and STOPPING does not", () => {
  assert.ok(RUNNING_STATES.has(ProcessState.BACKOFF));
  assert.ok(!RUNNING_STATES.has(ProcessState.STOPPING));
  assert.ok(!STOPPED_STATES.has(ProcessState.STOPPING));
  assert.ok(SIGNALLABLE_STATES.has(ProcessState.STOPPING));
  assert.ok(!SIGNALLABLE_STATES.has(ProcessState.BACKOFF));
  assert.deepEqual([...STOPPED_STATES].map(processStateName), ["STOPPED", "EXITED", "FATAL", "UNKNOWN"]);
});

Deno.test("[STATE.supervisor,STATE.listener] supervisor and listener state names", () => {
  assert.equal(supervisorStateName(SupervisorState.RUNNING), "RUNNING");
  assert.equal(supervisorStateName(SupervisorState.SHUTDOWN), "SHUTDOWN");
  assert.deepEqual([10, 20, 30, 40].map((c) => listenerStateName(c as 10)), [
    "READY",
    "BUSY",
    "ACKNOWLEDGED",
    "UNKNOWN",
  ]);
  assert.throws(() => processStateName(5 as 0), RangeError);
});
