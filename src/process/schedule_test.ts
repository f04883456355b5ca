import { deepEqual, equal } from "node:assert/strict";
import { ManualClock } from "../runtime/fake_clock.ts";
import { type DueSource, Schedule } from "./schedule.ts";

function at(times: Array<number | null>): DueSource & { runs: number[] } {
  const runs: number[] = [];
  return { runs, nextDue: () => times[0] ?? null, run: (now) => void runs.push(now) };
}

Deno.test("Schedule: one timer for the earliest due time, none when nothing is due", () => {
  const clock = new ManualClock();
  let fired = 0;
  const schedule = new Schedule(clock, () => fired++);
  const now = clock.monotonic();
  const late = at([now + 500]);
  const early = at([now + 200]);
  schedule.add(late);
  const removeEarly = schedule.add(early);
  equal(schedule.nextDue(now), now + 200);
  schedule.arm(now);
  schedule.arm(now);
  equal(clock.pending, 1, "arming twice for the same time keeps one timer");
  removeEarly();
  schedule.arm(now);
  equal(clock.pending, 1);
  equal(clock.nextDueIn, 500);
  clock.advance(500);
  equal(fired, 1);
  equal(clock.pending, 0);
  const idle = new Schedule(clock, () => fired++);
  idle.add(at([null]));
  idle.arm(clock.monotonic());
  equal(clock.pending, 0, "nothing due: no timer");
});

Deno.test("Schedule.run() calls every source in registration order", () => {
  const clock = new ManualClock();
  const schedule = new Schedule(clock, () => {});
  const order: string[] = [];
  schedule.add({ nextDue: () => null, run: () => void order.push("first") });
  schedule.add({ nextDue: () => null, run: () => void order.push("second") });
  schedule.run(clock.monotonic());
  deepEqual(order, ["first", "second"]);
});

Deno.test("Schedule.stop() clears the timer", () => {
  const clock = new ManualClock();
  const schedule = new Schedule(clock, () => {});
  schedule.add(at([clock.monotonic() + 10]));
  schedule.arm(clock.monotonic());
  equal(clock.pending, 1);
  schedule.stop();
  equal(clock.pending, 0);
});
