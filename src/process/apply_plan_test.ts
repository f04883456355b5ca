import assert from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { parseCron } from "../config/cron_expr.ts";
import { programConfig } from "./_testing.ts";
import { classifyProcess, formatPlan, KEY_CLASS, planApply } from "./apply_plan.ts";

function group(name: string, procs: ProcessConfig[], priority = 999): ProcessGroupConfig {
  return { kind: "program", name, priority, processes: procs };
}

Deno.test("apply plan: every ProcessConfig key is classified, and a change to it is classified as its class says", () => {
  const base = programConfig({ name: "api", stdout_logfile: "/logs/a.out", environment: { A: "1", B: "2" } });
  const changed: Record<keyof ProcessConfig, unknown> = {
    name: "other",
    command: "/bin/other",
    directory: "/tmp",
    umask: 0o077,
    priority: 1,
    autostart: false,
    autorestart: true,
    startsecs: 5,
    startretries: 9,
    uid: 0,
    stdout_logfile: "/logs/b.out",
    stdout_capture_maxbytes: 1,
    stdout_events_enabled: true,
    stdout_logfile_backups: 1,
    stdout_logfile_maxbytes: 1,
    stdout_syslog: true,
    stderr_logfile: "/logs/e.out",
    stderr_capture_maxbytes: 1,
    stderr_events_enabled: true,
    stderr_logfile_backups: 1,
    stderr_logfile_maxbytes: 1,
    stderr_syslog: true,
    stopsignal: 9,
    stopwaitsecs: 1,
    stopasgroup: true,
    killasgroup: true,
    exitcodes: [0, 2],
    redirect_stderr: true,
    environment: { A: "1" },
    serverurl: "http://x",
    console: { stdout: "stdout", stderr: null },
    console_prefix: "web",
    essential: true,
    shutdown_on_exit: true,
    backoff: "fixed",
    backoff_delay: 2,
    backoff_factor: 1.5,
    backoff_max: 10,
    backoff_jitter: 0.1,
    backoff_reset_after: 30,
    retry_forever: true,
    dependent_startup: true,
    ready_log: "ready",
    depends_on: [{ target: "db", condition: "healthy" }],
    depends_timeout: 5,
    on_dependency_failure: "restart",
    depends_section: "program:web",
    healthcheck: {
      probe: { kind: "tcp", host: "127.0.0.1", port: 5432 },
      interval: 10,
      timeout: 2,
      initial_delay: 0,
      start_period: 0,
      start_interval: 1,
      retries: 3,
      successes: 1,
      action: "restart",
      expect: [[0, 0]],
      body: null,
      tls_verify: true,
    },
    env_file: { files: [{ path: "/app.env", optional: false }], explicit: [] },
    cron: { start: parseCron("@daily"), stop: null, timezone: null, overlap: "skip" },
    watch: {
      dirs: ["/src"],
      patterns: ["*"],
      ignore: [],
      debounce: 0.3,
      binary: false,
      on_file: { kind: "restart" },
      on_binary: { kind: "restart" },
      cascade: false,
    },
    stdout_logfile_rotate_every: { kind: "daily" },
    stderr_logfile_rotate_every: { kind: "every", seconds: 60 },
  };

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
