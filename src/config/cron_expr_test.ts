import { deepEqual, equal, throws } from "node:assert/strict";
import { type CronSpec, parseCron } from "./cron_expr.ts";

type Fields = Extract<CronSpec, { kind: "fields" }>;
const fields = (s: string) => parseCron(s) as Fields;
const sorted = (set: ReadonlySet<number>) => [...set].sort((a, b) => a - b);

Deno.test("[EXT.cron.expr] 5-field: steps, ranges, lists, names; seconds are [0]", () => {
  const f = fields("*/15 9-17/4 1,15 jan-mar mon-fri");
  deepEqual(sorted(f.seconds), [0]);
  deepEqual(sorted(f.minutes), [0, 15, 30, 45]);
  deepEqual(sorted(f.hours), [9, 13, 17]);
  deepEqual(sorted(f.days), [1, 15]);
  deepEqual(sorted(f.months), [1, 2, 3]);
  deepEqual(sorted(f.weekdays), [1, 2, 3, 4, 5]);
  equal(f.daysAny, false);
  equal(f.weekdaysAny, false);
});

Deno.test("[EXT.cron.expr] 6-field (Go): seconds first; 7 is Sunday; a/n runs to the field's end; ? is any", () => {
  const f = fields("*/10 * * ? * 7");
  deepEqual(sorted(f.seconds), [0, 10, 20, 30, 40, 50]);
  deepEqual(sorted(f.weekdays), [0]);
  equal(f.daysAny, true);
  deepEqual(sorted(fields("50/5 * * * *").minutes), [50, 55]);
});

Deno.test("[EXT.cron.expr] macros and @every", () => {
  deepEqual(sorted(fields("@hourly").minutes), [0]);
  equal(fields("@hourly").hours.size, 24);
  deepEqual(sorted(fields("@weekly").weekdays), [0]);
  deepEqual(sorted(fields("@yearly").months), [1]);
  deepEqual(parseCron("@every 30s"), { kind: "every", source: "@every 30s", ms: 30_000 });
  equal((parseCron("@every 1h30m") as { ms: number }).ms, 5_400_000);
  equal((parseCron("@every 500ms") as { ms: number }).ms, 500);
});

Deno.test("[EXT.cron.errors] load errors name the expression and the field", () => {
  throws(() => parseCron("61 * * * *"), {
    message: "invalid cron expression '61 * * * *': minute 61 out of range 0-59",
  });
  throws(() => parseCron("* * *"), { message: "invalid cron expression '* * *': expected 5 or 6 fields, got 3" });
  throws(() => parseCron("* 24 * * *"), { message: /hour 24 out of range 0-23/ });
  throws(() => parseCron("*/0 * * * *"), { message: /bad step in minute/ });
  throws(() => parseCron("5-1 * * * *"), { message: /bad minute range '5-1'/ });
  throws(() => parseCron("@fortnightly"), { message: /unknown macro '@fortnightly'/ });
  throws(() => parseCron("@every soon"), { message: /@every needs a duration/ });
  throws(() => parseCron("* * * foo *"), { message: /bad month 'foo'/ });
});
