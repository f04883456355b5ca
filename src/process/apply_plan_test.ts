import assert from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { changedProcessValues, programConfig } from "./_testing.ts";
import { classifyProcess, formatPlan, KEY_CLASS, planApply } from "./apply_plan.ts";

function group(name: string, procs: ProcessConfig[], priority = 999): ProcessGroupConfig {
  return { kind: "program", name, priority, processes: procs };
}

Deno.test("apply plan: every ProcessConfig key is classified, and a change to it is classified as its class says", () => {
  const base = programConfig({ name: "api", stdout_logfile: "/logs/a.out", environment: { A: "1", B: "2" } });
  const changed = changedProcessValues();

  const restart = ["command", "directory", "umask", "uid", "environment", "env_file", "redirect_stderr", "serverurl"];
  const channel = /^(stdout|stderr)_|^console/;
  for (const [key, value] of Object.entries(changed) as Array<[keyof ProcessConfig, unknown]>) {
    if (key === "name") continue;
    const got = classifyProcess("web:web", base, { ...base, [key]: value });
    assert.ok(got !== null, `${key} is compared`);
    assert.equal(got.kind, restart.includes(key) || channel.test(key) ? "restart" : "in place", key);
    assert.equal(KEY_CLASS[key], got.kind, key);
  }
  assert.equal(KEY_CLASS.name, "identity");
  assert.equal(classifyProcess("web:web", base, { ...base, environment: { B: "2", A: "1" } }), null, "dict order");
});

Deno.test("apply plan: only the edited process of a group changes; a priority-only change restarts nothing", () => {
  const members = (cmd2: string, prio = 999) =>
    ["p1", "p2", "p3"].map((n) => programConfig({ name: n, command: n === "p2" ? cmd2 : "/bin/x", priority: prio }));
  const before = [group("g", members("/bin/x"))];
  assert.deepEqual(planApply(before, [group("g", members("/bin/y"))]), [
    { process: "g:p2", kind: "restart", detail: "command changed" },
  ]);
  const prio = planApply(before, [group("g", members("/bin/x", 5))]);
  assert.ok(prio.every((c) => c.kind === "in place"), JSON.stringify(prio));
  assert.equal(formatPlan(prio.slice(0, 1)), "g:p1  in place  (priority 999 -> 5)\n");
  assert.deepEqual(planApply(before, before), []);
});

Deno.test("apply plan: adds, removes, renames and numprocs; group-wide settings restart the group", () => {
  const a = programConfig({ name: "a" });
  const b = programConfig({ name: "b", startretries: 3 });
  const plan = planApply(
    [group("a", [a]), group("b", [b]), group("w", [programConfig({ name: "w_00" })])],
    [
      group("b", [{ ...b, startretries: 5 }]),
      group("c", [programConfig({ name: "c" })]),
      group("w", ["w_00", "w_01"].map((n) => programConfig({ name: n }))),
    ],
  );
  assert.equal(
    formatPlan(plan),
    "a:a  remove  (gone)\nb:b  in place  (startretries 3 -> 5)\nc:c  add  (new)\nw:w_01  add  (new)\n",
  );
  const pool = (events: string[]): ProcessGroupConfig => ({
    kind: "eventlistener",
    name: "ev",
    priority: -1,
    buffer_size: 10,
    events,
    result_handler: "supervisor.dispatchers:default_handler",
    processes: [programConfig({ name: "ev" })],
  });
  assert.deepEqual(planApply([pool(["TICK_5"])], [pool(["TICK_60"])]), [
    { process: "ev:ev", kind: "restart", detail: "events changed" },
  ]);
});

Deno.test("apply plan: details never carry an environment value", () => {
  const a = programConfig({ name: "x", environment: { TOKEN: "s3cret" } });
  const text = formatPlan(planApply([group("x", [a])], [group("x", [{ ...a, environment: { TOKEN: "n3w" } }])]));
  assert.equal(text, "x:x  restart  (environment changed)\n");
});
