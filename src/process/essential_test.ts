import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { ProcessControl } from "./control.ts";
import { derivedExitStatus, EssentialWatch } from "./essential.ts";
import { SpawnError } from "./exec_args.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { type RunOutcome, Supervisor } from "./supervisor.ts";

function group(name: string, config: Partial<ProcessConfig>): ProcessGroupConfig {
  return {
    kind: "program",
    name,
    priority: 999,
    processes: [programConfig({ name, command: `/bin/${name}`, ...config })],
  };
}

/** An engine on the fake runtime with an essential watch; `spawnErrors` names commands whose lookup fails. */
async function setup(
  groups: ProcessGroupConfig[],
  opts: { exitcode?: number; spawnErrors?: Map<string, SpawnError>; forkError?: boolean } = {},
) {
  const runtime = new FakeRuntime();
  if (opts.forkError) runtime.spawnError = new Error("fork failed");
  runtime.killExits = true;
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => {
      const error = opts.spawnErrors?.get(proc.config.command);
      if (error !== undefined) throw error;
      return { path: proc.config.command, argv: [proc.config.command], env: {} };
    },
  });
  const watch = new EssentialWatch(sup, logger, opts.exitcode ?? null);
  for (const g of groups) await sup.addProcessGroup(g);
  let outcome: RunOutcome | null = null;
  void sup.run().then((o) => (outcome = o));
  await settle(40);
  const child = (name: string) => {
    const found = [...runtime.spawns].reverse().find((c) => c.options.path === `/bin/${name}` && c.status === null);
    ok(found, `a running ${name}`);
    return found;
  };
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(60);
  };
  return { sup, runtime, logger, watch, child, advance, outcome: () => outcome };
}

const WEB = { startsecs: 0, autorestart: false as const, essential: true };

Deno.test("essential: an unexpected exit that is not restarted stops the rest and gives its exit code", async () => {
  const t = await setup([group("web", WEB), group("db", { startsecs: 0 })]);
  t.child("web").exit(3);
  await settle(80);
  equal(t.watch.status, 3);
  ok(t.logger.lines.includes("CRIT essential program 'web' exited (exit status 3); shutting down (exit status 3)"));
  ok(t.logger.lines.includes("WARN stopped: db (terminated by SIGTERM)"), "the others get the ordered stop");
  equal(t.outcome(), "shutdown");
});

Deno.test("essential: a signal gives 128+signal", async () => {
  const t = await setup([group("web", WEB)]);
  t.child("web").terminate("SIGKILL");
  await settle(80);
  equal(t.watch.status, 137);
  ok(t.logger.lines.some((l) => l.includes("exited (terminated by SIGKILL); shutting down (exit status 137)")));
});

Deno.test("essential: FATAL from spawn errors gives 127 (not found), 126 (not executable), 1 (fork failed)", async () => {
  const cases: Array<[SpawnError | null, number]> = [
    [new SpawnError("NotFound", "can't find command '/bin/web'"), 127],
    [new SpawnError("NotExecutable", "command at '/bin/web' is not executable"), 126],
    [new SpawnError("NoPermission", "no permission to run command '/bin/web'"), 126],
    [null, 1],
  ];
  for (const [error, status] of cases) {
    const spawnErrors = new Map(error === null ? [] : [["/bin/web", error]]);
    // null: the runtime's spawn itself fails (no SpawnError kind).
    const t = await setup([group("web", { ...WEB, startretries: 0 })], { spawnErrors, forkError: error === null });
    await t.advance(0);
    equal(t.watch.status, status, `${error?.kind ?? "fork"}`);
    ok(t.logger.lines.some((l) => l.startsWith("CRIT essential program 'web' entered FATAL state (spawn error)")));
  }
});

Deno.test("essential: FATAL after retries of quick exits gives the last attempt's code", async () => {
  const t = await setup([group("web", { essential: true, startsecs: 10, startretries: 1 })]);
  t.child("web").exit(2);
  await settle(60);
  await t.advance(1000);
  t.child("web").exit(2);
  await t.advance(0);
  equal(t.watch.status, 2);
  ok(
    t.logger.lines.includes(
      "CRIT essential program 'web' entered FATAL state (exit status 2); shutting down (exit status 2)",
    ),
  );
});

Deno.test("shutdown_on_exit: any exit not retried counts, 0 included; a retried one does not", async () => {
  const t = await setup([group("job", { startsecs: 0, shutdown_on_exit: true })]);
  t.child("job").exit(1); // autorestart=unexpected: restarted, not a trigger
  await settle(80);
  equal(t.watch.status, null);
  t.child("job").exit(0);
  await settle(80);
  equal(t.watch.status, 0);
  ok(
    t.logger.lines.includes(
      "WARN shutdown_on_exit program 'job' exited (exit status 0); shutting down (exit status 0)",
    ),
  );
});

Deno.test("essential_exitcode replaces the derived status; the first trigger wins", async () => {
  const fixed = await setup([group("web", WEB)], { exitcode: 42 });
  fixed.child("web").exit(3);
  await settle(80);
  equal(fixed.watch.status, 42);
  const two = await setup([group("a", WEB), group("b", { ...WEB, stopsignal: 9 })]);
  two.child("a").exit(5);
  await settle(80);
  equal(two.watch.status, 5, "b's end during the shutdown does not count");
});

Deno.test("not triggers: SIGTERM to the daemon, an operator's stop or restart, expected exits, restarts, others' FATAL", async () => {
  const term = await setup([group("web", { ...WEB, autorestart: true })]);
  term.sup.handleSignal("SIGTERM");
  await settle(80);
  equal(term.outcome(), "shutdown");
  equal(term.watch.status, null, "the children end with 143, supervisord with 0");

  const op = await setup([group("web", WEB)]);
  const control = new ProcessControl(op.sup);
  const web = op.sup.allProcesses()[0]!;
  await control.restartProcess(web, { wait: false });
  await settle(80);
  await control.stopProcess(web, { wait: false });
  await settle(80);
  equal(op.watch.status, null);
  equal(op.outcome(), null, "still running");

  const calm = await setup([
    group("ok", { ...WEB }),
    group("again", { essential: true, startsecs: 0, autorestart: true }),
    group("other", { startsecs: 10, startretries: 0 }),
  ]);
  calm.child("ok").exit(0); // expected exit of an essential program
  calm.child("again").exit(1); // restarted at once
  await settle(80);
  equal(calm.child("again").status, null, "respawned");
  calm.child("other").exit(1);
  await settle(80);
  equal(calm.sup.allProcesses().find((p) => p.name === "other")?.state, 200, "a non-essential FATAL");
  equal(calm.watch.status, null);
  deepEqual(calm.outcome(), null);
});

Deno.test("derivedExitStatus() maps every kind of end", () => {
  equal(derivedExitStatus({ status: { code: 3, signal: null } }), 3);
  equal(derivedExitStatus({ status: { code: 256 + 7, signal: null } }), 7);
  equal(derivedExitStatus({ status: { code: null, signal: "SIGTERM" } }), 143);
  equal(derivedExitStatus({ status: { code: null, signal: "SIGKILL" } }), 137);
  equal(derivedExitStatus({ status: { code: null, signal: null } }), 1);
  equal(derivedExitStatus({ spawnError: "NotFound" }), 127);
  equal(derivedExitStatus({ spawnError: "BadCommand" }), 1);
  equal(derivedExitStatus(null), 1);
});
