import { deepEqual, equal } from "node:assert/strict";
import { formatBytes, formatUptime, renderTop, type TopRow } from "./commands_top.ts";

const row = (name: string, extra: Partial<TopRow> = {}): TopRow => ({
  name,
  state: "RUNNING",
  health: null,
  pid: 10,
  uptime: 61,
  restarts: 0,
  cpu: null,
  rssBytes: null,
  ...extra,
});

Deno.test("[EXT.ctl.top] uptime and memory as top shows them", () => {
  equal(formatUptime(3723), "1:02:03");
  equal(formatUptime(2 * 86400 + 5), "2d 0:00:05");
  equal(formatUptime(null), "-");
  equal(formatBytes(512 * 1024), "512K");
  equal(formatBytes(12.34 * 1024 * 1024), "12.3M");
  equal(formatBytes(3 * 1024 ** 3), "3.0G");
  equal(formatBytes(null), "-");
});

Deno.test("[EXT.ctl.top] rows sorted by the chosen key; unknown figures shown as -", () => {
  const rows = [
    row("b", { cpu: 5, rssBytes: 1000, restarts: 2 }),
    row("a", { cpu: 50, rssBytes: 10, health: "healthy" }),
    row("c", { state: "STOPPED", pid: 0, uptime: null, restarts: null }),
  ];
  const names = (key: Parameters<typeof renderTop>[1]) => renderTop(rows, key).slice(1).map((l) => l.split(" ")[0]);
  deepEqual(names("name"), ["a", "b", "c"]);
  deepEqual(names("cpu"), ["a", "b", "c"]);
  deepEqual(names("mem"), ["b", "a", "c"]);
  deepEqual(names("restarts"), ["b", "a", "c"]);
  deepEqual(names("state"), ["a", "b", "c"]);
  const [head, a, , c] = renderTop(rows, "name");
  equal(head, "NAME  STATE     HEALTH          PID       UPTIME  RESTARTS    CPU%      RSS");
  equal(a, "a     RUNNING   healthy          10      0:01:01         0    50.0       0K");
  equal(c, "c     STOPPED   -                 -            -         -       -        -");
});
