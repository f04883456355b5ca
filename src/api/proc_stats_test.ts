import { deepEqual, equal } from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { pageSizeOfAuxv, parseStat, readProcStats } from "./proc_stats.ts";

const STAT = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 120 0 0 0 250 130 0 0 20 0 1 0 98765 10000000 300 " +
  "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

Deno.test("parseStat counts fields from the last ')' so a command name with spaces and parentheses is safe", () => {
  deepEqual(parseStat(STAT), { utime: 250, stime: 130, starttime: 98765, pgrp: 4242, rss: 300 });
  equal(parseStat("garbage"), null);
  equal(parseStat("1 (x) S"), null);
});

Deno.test("pageSizeOfAuxv finds AT_PAGESZ in the auxiliary vector", () => {
  const auxv = new DataView(new ArrayBuffer(64));
  auxv.setBigUint64(0, 33n, true); // AT_SYSINFO_EHDR
  auxv.setBigUint64(8, 0x7fff0000n, true);
  auxv.setBigUint64(16, 6n, true); // AT_PAGESZ
  auxv.setBigUint64(24, 16384n, true);
  equal(pageSizeOfAuxv(new Uint8Array(auxv.buffer)), 16384);
  equal(pageSizeOfAuxv(new Uint8Array(16)), null, "AT_NULL first: no page size");
});

Deno.test("readProcStats reads /proc through the runtime's file system, null when the process is gone", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/proc/4242/stat", STAT);
  // No /proc/self/auxv in the fake file system: 4096-byte pages.
  deepEqual(await readProcStats(rt, 4242), { cpuSeconds: 3.8, rssBytes: 300 * 4096, startTicks: 98765 });
  equal(await readProcStats(rt, 7), null);
  equal(await readProcStats(rt, 0), null);
});
