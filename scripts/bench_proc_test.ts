import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import {
  ChildScanner,
  descendants,
  isAlive,
  liveChildren,
  parseStat,
  parseVmRssKiB,
  readStat,
  vmRssKiB,
} from "./bench_proc.ts";

const STAT = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 120 0 0 0 31 7 0 0 20 0 1 0 987654 1000 200 " +
  "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

Deno.test("parseStat() reads fields after a comm that holds spaces and parentheses", () => {
  const st = parseStat(STAT);
  assert.deepEqual(st, {
    pid: 4242,
    comm: "a) b (c)",
    state: "S",
    ppid: 17,
    pgrp: 4242,
    utime: 31,
    stime: 7,
    starttime: 987654,
  });
  assert.throws(() => parseStat("garbage"), SyntaxError);
});

Deno.test("parseVmRssKiB() finds VmRSS, and null when a zombie has none", () => {
  assert.equal(parseVmRssKiB("Name:\tx\nVmHWM:\t   999 kB\nVmRSS:\t   31428 kB\nRssAnon: 1 kB\n"), 31428);
  assert.equal(parseVmRssKiB("Name:\tx\nState:\tZ (zombie)\n"), null);
});

Deno.test("readStat(), vmRssKiB() and the child scans see a real child, and isAlive() its end", async () => {
  const me = readStat(process.pid);
  assert.ok(me !== null && me.pid === process.pid && me.state !== "Z");
  assert.ok((vmRssKiB(process.pid) ?? 0) > 1000);
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const pid = child.pid!;
    assert.ok(new ChildScanner(process.pid).children().includes(pid));
    assert.ok(liveChildren(process.pid).some((s) => s.pid === pid));
    const st = descendants(process.pid).find((s) => s.pid === pid);
    assert.ok(st !== undefined);
    assert.equal(isAlive(st), true);
    assert.equal(isAlive({ pid, starttime: st.starttime + 1 }), false, "a recycled pid is another process");
    child.kill("SIGKILL");
    await exited;
    assert.equal(isAlive(st), false);
  } finally {
    child.kill("SIGKILL");
  }
});

Deno.test("readStat() of a missing pid is null", () => {
  assert.equal(readStat(2 ** 30), null);
});
