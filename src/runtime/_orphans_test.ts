import assert from "node:assert/strict";
import { exitStatusOf, orphanZombies, type ProcReader, reapOrphans, SpawnedPids } from "./_orphans.ts";

/** A /proc with the given processes (pid → [state, ppid]) under pid 1. */
function fakeProc(procs: Record<number, [string, number]>, withChildrenFiles = true): ProcReader {
  const files = new Map<string, string>();
  for (const [pid, [state, ppid]] of Object.entries(procs)) {
    files.set(`/proc/${pid}/stat`, `${pid} (a b) c) ${state} ${ppid} ${pid} ${pid} 0 -1`);
  }
  const children = (parent: number) =>
    Object.entries(procs).filter(([, [, ppid]]) => ppid === parent).map(([pid]) => pid);
  if (withChildrenFiles) {
    // Children are spread over two threads, as the kernel lists them per task.
    const kids = children(1);
    files.set("/proc/1/task/1/children", kids.filter((_, i) => i % 2 === 0).map((p) => `${p} `).join(""));
    files.set("/proc/1/task/7/children", kids.filter((_, i) => i % 2 === 1).map((p) => `${p} `).join(""));
  }
  return {
    readText: (path) => files.get(path) ?? null,
    listDir: (path) => {
      if (path === "/proc") return [...Object.keys(procs), "self", "sys"];
      if (path === "/proc/1/task") return withChildrenFiles ? ["1", "7"] : ["1"];
      return null;
    },
  };
}

const PROCS: Record<number, [string, number]> = {
  1: ["S", 0],
  20: ["Z", 1], // an orphan that exited
  21: ["S", 1], // an orphan still running
  30: ["Z", 1], // our own child, not yet reaped by the runtime
  31: ["S", 1],
  40: ["Z", 21], // someone else's zombie
  9: ["Z", 1],
};

Deno.test("[PROC.reap] orphanZombies(): zombie children not spawned by the adapter, from the task children files", () => {
  const spawned = new SpawnedPids();
  spawned.add(30);
  spawned.add(31);
  assert.deepEqual(orphanZombies(fakeProc(PROCS), 1, spawned), [9, 20]);
});

Deno.test("[PROC.reap] orphanZombies(): falls back to every /proc/<pid>/stat without children files", () => {
  const spawned = new SpawnedPids();
  spawned.add(30);
  assert.deepEqual(orphanZombies(fakeProc(PROCS, false), 1, spawned), [9, 20]);
  spawned.delete(30);
  assert.deepEqual(orphanZombies(fakeProc(PROCS, false), 1, spawned), [9, 20, 30]);
  const notInit = fakeProc({ 5: ["S", 0], 6: ["Z", 5] }, false);
  assert.deepEqual(orphanZombies(notInit, 5, spawned), [], "only PID 1 looks for orphans");
});

Deno.test("[PROC.reap] reapOrphans() waits for each orphan by pid and decodes its status", () => {
  const waited: number[] = [];
  const statuses: Record<number, number | null> = { 9: 0x0100 * 3, 20: 9, 30: null };
  const reaped = reapOrphans(fakeProc(PROCS), 1, new SpawnedPids(), (pid) => {
    waited.push(pid);
    return statuses[pid] ?? null;
  });
  assert.deepEqual(waited, [9, 20, 30]);
  assert.deepEqual(reaped, [
    { pid: 9, status: { code: 3, signal: null } },
    { pid: 20, status: { code: null, signal: "SIGKILL" } },
  ]);
});

Deno.test("exitStatusOf() decodes raw wait statuses", () => {
  assert.deepEqual(exitStatusOf(0), { code: 0, signal: null });
  assert.deepEqual(exitStatusOf(0x7f00), { code: 127, signal: null });
  assert.deepEqual(exitStatusOf(15), { code: null, signal: "SIGTERM" });
  assert.deepEqual(exitStatusOf(0x80 | 11), { code: null, signal: "SIGSEGV" }, "the core-dump bit is ignored");
});
