import { deepEqual, equal } from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { parseStat, parseVmRss, readProcStats } from "./proc_stats.ts";

const STAT = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 120 0 0 0 250 130 0 0 20 0 1 0 98765 10000000 300 " +
  "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

Deno.test("parseStat counts fields from the last ')' so a command name with spaces and parentheses is safe", () => {
  deepEqual(parseStat(STAT), { utime: 250, stime: 130, starttime: 98765, pgrp: 4242 });
  equal(parseStat("garbage"), null);
  equal(parseStat("1 (x) S"), null);
});

Deno.test("parseVmRss reads kB into bytes; absent for a zombie", () => {
  equal(parseVmRss("Name:\tx\nVmRSS:\t    1234 kB\nThreads:\t1\n"), 1234 * 1024);
  equal(parseVmRss("Name:\tx\nState:\tZ (zombie)\n"), null);
});

Deno.test("readProcStats reads /proc through the runtime's file system, null when the process is gone", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/proc/4242/stat", STAT);
  rt.fs.seedFile("/proc/4242/status", "VmRSS:\t  2048 kB\n");
  deepEqual(await readProcStats(rt, 4242), { cpuSeconds: 3.8, rssBytes: 2048 * 1024, startTicks: 98765 });
  equal(await readProcStats(rt, 7), null);
  equal(await readProcStats(rt, 0), null);
});
