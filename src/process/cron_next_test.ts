import { equal } from "node:assert/strict";
import { parseCron } from "../config/cron_expr.ts";
import { formatWall, nextFire } from "./cron_next.ts";

/** The next `n` fire times after `from` (an ISO instant), shown in `tz`. */
function fires(expr: string, tz: string, from: string, n: number): string[] {
  const spec = parseCron(expr);
  const out: string[] = [];
  let at = Date.parse(from);
  for (let i = 0; i < n; i++) {
    at = nextFire(spec, tz, at)!;
    out.push(formatWall(at, tz));
  }
  return out;
}

const iso = (expr: string, tz: string, from: string) =>
  new Date(nextFire(parseCron(expr), tz, Date.parse(from))!)
    .toISOString();

Deno.test("[EXT.cron.fire] */5 fires at :00 and :05; strictly after the given time", () => {
  equal(
    fires("*/5 * * * *", "UTC", "2026-11-26T01:58:30Z", 3).join(" | "),
    "2026-11-26 02:00:00 UTC | 2026-11-26 02:05:00 UTC | 2026-11-26 02:10:00 UTC",
  );
  equal(iso("*/5 * * * *", "UTC", "2026-11-26T02:00:00Z"), "2026-11-26T02:05:00.000Z");
});

Deno.test("[EXT.cron.fire] the Go 6-field */10 * * * * * fires every 10 s", () => {
  equal(
    fires("*/10 * * * * *", "UTC", "2026-11-26T02:00:03Z", 3).join(" | "),
    "2026-11-26 02:00:10 UTC | 2026-11-26 02:00:20 UTC | 2026-11-26 02:00:30 UTC",
  );
});

Deno.test("[EXT.cron.fire] day rules: both day fields restricted match either; months and leap days", () => {
  // 1st of the month or a Monday: Dec 2026 starts on a Tuesday.
  equal(
    fires("0 0 1 * mon", "UTC", "2026-11-30T12:00:00Z", 3).join(" | "),
    "2026-12-01 00:00:00 UTC | 2026-12-07 00:00:00 UTC | 2026-12-14 00:00:00 UTC",
  );
  equal(fires("0 12 29 2 *", "UTC", "2026-01-01T00:00:00Z", 1)[0], "2028-02-29 12:00:00 UTC");
  equal(nextFire(parseCron("0 0 30 2 *"), "UTC", 0), null);
  equal(fires("@monthly", "UTC", "2026-01-31T10:00:00Z", 1)[0], "2026-02-01 00:00:00 UTC");
});

Deno.test("[EXT.cron.tz] a time zone through Intl: 02:00 Paris is 01:00 UTC in winter, 00:00 in summer", () => {
  equal(iso("0 2 * * *", "Europe/Paris", "2026-01-10T12:00:00Z"), "2026-01-11T01:00:00.000Z");
  equal(iso("0 2 * * *", "Europe/Paris", "2026-07-10T12:00:00Z"), "2026-07-11T00:00:00.000Z");
  equal(iso("30 9 * * *", "Asia/Kolkata", "2026-07-10T00:00:00Z"), "2026-07-10T04:00:00.000Z");
  equal(formatWall(Date.parse("2026-07-11T00:00:00Z"), "Europe/Paris"), "2026-07-11 02:00:00 Europe/Paris");
});

Deno.test("[EXT.cron.dst] a fixed time in the spring gap fires once at the first valid minute after it", () => {
  // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
  equal(
    fires("30 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", 2).join(" | "),
    "2026-03-29 03:00:00 Europe/Paris | 2026-03-30 02:30:00 Europe/Paris",
  );
  // Several gap times merge into one run.
  equal(
    fires("*/15 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", 2).join(" | "),
    "2026-03-29 03:00:00 Europe/Paris | 2026-03-30 02:00:00 Europe/Paris",
  );
});

Deno.test("[EXT.cron.dst] a fixed time in the autumn repeat fires once, at its first occurrence", () => {
  // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens twice.
  equal(iso("30 2 * * *", "Europe/Paris", "2026-10-24T12:00:00Z"), "2026-10-25T00:30:00.000Z");
  equal(iso("30 2 * * *", "Europe/Paris", "2026-10-25T00:30:00Z"), "2026-10-26T01:30:00.000Z");
});

Deno.test("[EXT.cron.dst] hour * follows elapsed time: through the gap, and the repeated hour again", () => {
  equal(
    fires("*/30 * * * *", "Europe/Paris", "2026-03-29T00:10:00Z", 3).join(" | "),
    "2026-03-29 01:30:00 Europe/Paris | 2026-03-29 03:00:00 Europe/Paris | 2026-03-29 03:30:00 Europe/Paris",
  );
  // From 02:40 CEST: 03:00 CEST never comes; the clock shows 02:00 CET next, and the hour runs again.
  const utc: string[] = [];
  let at = Date.parse("2026-10-25T00:40:00Z");
  for (let i = 0; i < 4; i++) {
    utc.push(new Date(at = nextFire(parseCron("*/15 * * * *"), "Europe/Paris", at)!).toISOString());
  }
  equal(
    utc.join(" "),
    "2026-10-25T00:45:00.000Z 2026-10-25T01:00:00.000Z 2026-10-25T01:15:00.000Z 2026-10-25T01:30:00.000Z",
  );
  equal(formatWall(Date.parse("2026-10-25T01:00:00Z"), "Europe/Paris"), "2026-10-25 02:00:00 Europe/Paris");
});

Deno.test("[EXT.cron.fire] @every adds its interval to the given time", () => {
  equal(nextFire(parseCron("@every 30s"), "UTC", 1000), 31_000);
});
