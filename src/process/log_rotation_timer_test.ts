import { deepEqual, equal } from "node:assert/strict";
import { programGroup, settle, testDaemon } from "../rpc/_api_testing.ts";
import { installLogRotationTimer } from "./log_rotation_timer.ts";

const OUT = "/logs/web.out";
const DAY = 86_400_000;

async function daemon() {
  const d = await testDaemon([
    programGroup("web", [{
      stdout_logfile: OUT,
      stdout_logfile_backups: 3,
      stdout_logfile_rotate_every: { kind: "daily" },
    }]),
    programGroup("plain", [{ stdout_logfile: "/logs/plain.out" }]),
  ], () => ({}));
  installLogRotationTimer(d.sup, true);
  await settle();
  return d;
}

Deno.test("rotate_every=daily: exactly one rotation at midnight from the timer, with no write needed", async () => {
  const d = await daemon();
  // The fake clock starts at 2024-01-01T00:00Z; move to 10:00.
  d.rt.clock.advance(10 * 3_600_000);
  await settle();
  const child = d.start("web");
  d.start("plain");
  child.writeStdout("monday\n");
  await settle();
  d.rt.clock.advance(14 * 3_600_000 - 1);
  await settle();
  equal(d.rt.fs.exists(OUT + ".1"), false, "nothing before midnight");
  d.rt.clock.advance(1);
  await settle();
  deepEqual([d.rt.fs.text(OUT), d.rt.fs.text(OUT + ".1")], ["", "monday\n"]);
  equal(d.rt.fs.exists("/logs/plain.out.1"), false, "a log without the key is not rotated");
  child.writeStdout("tuesday\n");
  d.rt.clock.advance(DAY / 2);
  await settle();
  equal(d.rt.fs.exists(OUT + ".2"), false, "one rotation per period");
  d.rt.clock.advance(DAY / 2);
  await settle();
  deepEqual([d.rt.fs.text(OUT + ".1"), d.rt.fs.text(OUT + ".2")], ["tuesday\n", "monday\n"]);
});

Deno.test("a log that is not open at its boundary is left alone; the next boundary counts from then", async () => {
  const d = await daemon();
  d.rt.clock.advance(DAY);
  await settle();
  equal(d.rt.fs.exists(OUT + ".1"), false);
  const child = d.start("web");
  child.writeStdout("late\n");
  await settle();
  d.rt.clock.advance(DAY);
  await settle();
  equal(d.rt.fs.text(OUT + ".1"), "late\n");
});

Deno.test("logfile_rotate_every: the main log rotates at its boundary too", async () => {
  const d = await testDaemon([], () => ({}));
  let rotations = 0;
  installLogRotationTimer(d.sup, true, { every: { kind: "hourly" }, rotate: () => void rotations++ });
  await settle();
  d.rt.clock.advance(3_600_000 - 1);
  await settle();
  equal(rotations, 0);
  d.rt.clock.advance(1);
  await settle();
  equal(rotations, 1, "at 01:00 UTC");
  d.rt.clock.advance(3_600_000);
  await settle();
  equal(rotations, 2);
});
