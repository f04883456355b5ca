import { deepEqual, equal } from "node:assert/strict";
import type { HealthCheckConfig } from "../config/schema.ts";
import { HealthState } from "./health_state.ts";

function config(extra: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return {
    probe: { kind: "tcp", host: "127.0.0.1", port: 1 },
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
    ...extra,
  };
}

/** Runs one probe due at its due time, taking `ms`, with `ok`; returns the transition. */
function probe(s: HealthState, ok: boolean, ms = 10) {
  const at = s.nextDue()!;
  const ticket = s.begin(at);
  return s.finish(ticket, ok, at + ms, ok ? "ok" : "HTTP 503");
}

Deno.test("[EXT.health.schedule] initial delay, then start_interval until the first success, then interval", () => {
  const s = new HealthState(config({ initial_delay: 5 }));
  equal(s.nextDue(), null, "nothing before a spawn");
  s.spawned(1000);
  equal(s.nextDue(), 6000);
  equal(probe(s, false), null);
  equal(s.nextDue(), 7000, "start_interval (1 s) from the probe's start");
  deepEqual(probe(s, true), { to: "healthy", count: 1, detail: "ok" });
  equal(s.status, "healthy");
  equal(s.nextDue(), 17000, "interval (10 s) once healthy");
});

Deno.test("[EXT.health.overlap] no probe is due while one runs; a slow probe delays the next", () => {
  const s = new HealthState(config());
  s.spawned(0);
  const ticket = s.begin(0);
  equal(s.nextDue(), null);
  equal(s.inFlight, true);
  s.finish(ticket, false, 2500, "timed out after 2s");
  equal(s.nextDue(), 2500, "one start_interval after the start, but not before the end");
});

Deno.test("[EXT.health.thresholds] retries consecutive failures make it unhealthy; successes bring it back", () => {
  const s = new HealthState(config({ retries: 3, successes: 2 }));
  s.spawned(0);
  probe(s, true);
  equal(probe(s, false), null);
  equal(probe(s, true), null, "a success resets the failure count");
  equal(probe(s, false), null);
  equal(probe(s, false), null);
  deepEqual(probe(s, false), { to: "unhealthy", count: 3, detail: "HTTP 503" });
  equal(probe(s, false), null, "already unhealthy");
  equal(probe(s, true), null, "one success of two");
  deepEqual(probe(s, true), { to: "healthy", count: 2, detail: "ok" });
});

Deno.test("[EXT.health.startperiod] failures inside the start period do not count; a success ends it", () => {
  const s = new HealthState(config({ start_period: 3, retries: 1 }));
  s.spawned(0);
  for (let i = 0; i < 3; i++) equal(probe(s, false), null, `failure ${i} is in the start period`);
  equal(s.status, "starting");
  deepEqual(probe(s, false)?.to, "unhealthy", "past the start period a failure counts");
  const t = new HealthState(config({ start_period: 100, retries: 1 }));
  t.spawned(0);
  probe(t, true);
  deepEqual(probe(t, false)?.to, "unhealthy", "after the first success the period is over");
});

Deno.test("[EXT.health.reset] a spawn resets to starting and drops a running probe's result", () => {
  const s = new HealthState(config({ retries: 1 }));
  s.spawned(0);
  probe(s, true);
  const ticket = s.begin(s.nextDue()!);
  s.spawned(20000);
  equal(s.status, "starting");
  equal(s.finish(ticket, false, 20001, "late"), null, "the old probe's result is dropped");
  equal(s.nextDue(), 20000);
  s.stopped();
  equal(s.nextDue(), null, "no probe while stopped");
  deepEqual(s.history.map((h) => h.ok), [true]);
});

Deno.test("[EXT.health.history] the last five results are kept, output cut to 4 KiB", () => {
  const s = new HealthState(config());
  s.spawned(0);
  for (let i = 0; i < 7; i++) {
    const at = s.nextDue()!;
    s.finish(s.begin(at), i % 2 === 0, at + 3, "x".repeat(5000));
  }
  equal(s.history.length, 5);
  equal(s.history[0]!.detail.length, 4096);
  equal(s.history[0]!.latency, 3);
});
