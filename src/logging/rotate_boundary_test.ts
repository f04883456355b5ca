import { deepEqual, equal } from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { nextBoundary } from "./rotate_boundary.ts";

const utc = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("UTC boundaries: next hour, next midnight, next Monday 00:00, strictly after the time given", () => {
  const t = utc("2026-03-25T10:20:30.000Z"); // a Wednesday
  equal(iso(nextBoundary(t, { kind: "hourly" }, true)), "2026-03-25T11:00:00.000Z");
  equal(iso(nextBoundary(t, { kind: "daily" }, true)), "2026-03-26T00:00:00.000Z");
  equal(iso(nextBoundary(t, { kind: "weekly" }, true)), "2026-03-30T00:00:00.000Z");
  const midnight = utc("2026-03-26T00:00:00.000Z");
  equal(
    iso(nextBoundary(midnight, { kind: "daily" }, true)),
    "2026-03-27T00:00:00.000Z",
    "at a boundary: the next one",
  );
  const monday = utc("2026-03-30T00:00:00.000Z");
  equal(iso(nextBoundary(monday, { kind: "weekly" }, true)), "2026-04-06T00:00:00.000Z");
  equal(iso(nextBoundary(utc("2026-03-29T23:59:59.999Z"), { kind: "weekly" }, true)), "2026-03-30T00:00:00.000Z");
});

Deno.test("a duration rotates at the next multiple of it since the epoch", () => {
  const t = utc("2026-03-25T10:20:30.000Z");
  equal(iso(nextBoundary(t, { kind: "every", seconds: 900 }, true)), "2026-03-25T10:30:00.000Z");
  equal(iso(nextBoundary(t, { kind: "every", seconds: 60 }, false)), "2026-03-25T10:21:00.000Z");
});

/** Boundaries computed in a child runtime whose TZ is `tz` (the zone is read at startup). */
function inZone(tz: string, cases: Array<[string, string]>): string[] {
  const url = new URL("./rotate_boundary.ts", import.meta.url).href;
  const code = `import { nextBoundary } from ${JSON.stringify(url)};
const out = ${
    JSON.stringify(cases)
  }.map(([t, k]) => new Date(nextBoundary(Date.parse(t), { kind: k }, false)).toISOString());
console.log(JSON.stringify(out));`;
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
  const args = bun ? ["-e", code] : ["eval", code];
  const r = spawnSync(process.execPath, args, { env: { ...process.env, TZ: tz }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

Deno.test("local boundaries across daylight-saving changes: midnight stays midnight, the hour stays the hour", () => {
  deepEqual(
    inZone("Europe/Berlin", [
      ["2026-03-28T11:00:00Z", "daily"], // Saturday noon CET: midnight CET
      ["2026-03-29T10:00:00Z", "daily"], // the 23-hour day: the next midnight is CEST
      ["2026-03-25T11:00:00Z", "weekly"], // Wednesday: Monday 00:00 CEST
      ["2026-03-29T00:30:00Z", "hourly"], // 01:30 CET: 02:00 CET is 03:00 CEST
      ["2026-10-25T00:30:00Z", "hourly"], // 02:30 CEST, before the clocks go back
      ["2026-10-25T01:30:00Z", "hourly"], // 02:30 CET, the repeated hour
      ["2026-10-24T12:00:00Z", "daily"], // the 25-hour day
    ]),
    [
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T02:00:00.000Z",
      "2026-10-24T22:00:00.000Z",
    ],
  );
  deepEqual(inZone("Asia/Kolkata", [["2026-03-25T10:20:00Z", "hourly"], ["2026-03-25T10:20:00Z", "daily"]]), [
    "2026-03-25T10:30:00.000Z", // 16:00 IST
    "2026-03-25T18:30:00.000Z", // midnight IST
  ]);
});
