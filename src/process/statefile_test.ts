import assert from "node:assert/strict";
import type { ProcessGroupConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { ProcessControl } from "./control.ts";
import { processStateName } from "./states.ts";
import { formatStatefile, HELD_DESCRIPTION, parseStatefile, Statefile } from "./statefile.ts";
import { Supervisor } from "./supervisor.ts";

const PATH = "/var/lib/sv/state.json";

function groups(): ProcessGroupConfig[] {
  return [
    { kind: "program", name: "web", priority: 1, processes: [programConfig({ name: "web", startsecs: 0 })] },
    {
      kind: "program",
      name: "g",
      priority: 2,
      processes: ["a", "b"].map((n) => programConfig({ name: n, command: `/bin/${n}`, startsecs: 0 })),
    },
  ];
}

/** One engine run on `runtime` (whose fs keeps the statefile between runs). */
async function run(runtime: FakeRuntime) {
  const logger = new RecordingLogger("info");
  const sup = new Supervisor({
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  for (const g of groups()) await sup.addProcessGroup(g);
  const statefile = new Statefile(PATH, sup, runtime.fs, logger);
  void sup.run();
  await settle();
  runtime.clock.advance(0);
  await settle();
  const states = () => sup.allProcesses().map((p) => `${p.groupName}:${p.name}:${processStateName(p.state)}`);
  const file = () => parseStatefile(new TextDecoder().decode(runtime.fs.readFileSync(PATH)));
  const proc = (name: string) => sup.allProcesses().find((p) => p.name === name)!;
  return { sup, logger, statefile, states, file, proc, control: new ProcessControl(sup) };
}

Deno.test("statefile: an operator stop is remembered across a daemon restart; a start forgets it", async () => {
  const runtime = new FakeRuntime();
  runtime.fs.seedDir("/var/lib/sv");
  const first = await run(runtime);
  assert.deepEqual(first.states(), ["web:web:RUNNING", "g:a:RUNNING", "g:b:RUNNING"]);
  await first.control.stopProcess(first.proc("a"), { wait: false });
  await settle(30);
  assert.deepEqual(first.file(), ["g:a"]);
  assert.equal(new TextDecoder().decode(runtime.fs.readFileSync(PATH)), '{"version":1,"operator_stopped":["g:a"]}\n');
  first.statefile.close();

  const second = await run(runtime);
  assert.deepEqual(second.states(), ["web:web:RUNNING", "g:a:STOPPED", "g:b:RUNNING"]);
  assert.equal(second.sup.describe(second.proc("a"), "Not started"), HELD_DESCRIPTION);
  assert.equal(second.sup.describe(second.proc("b"), "pid 2, uptime 0:00:00"), "pid 2, uptime 0:00:00");
  await second.control.startProcess(second.proc("a"), { wait: false });
  await settle(30);
  assert.deepEqual(second.states(), ["web:web:RUNNING", "g:a:RUNNING", "g:b:RUNNING"]);
  assert.deepEqual(second.file(), []);
  second.statefile.close();
});

Deno.test("statefile: stale entries are dropped; an unreadable file is a WARN and ignored", async () => {
  const runtime = new FakeRuntime();
  runtime.fs.seedFile(PATH, formatStatefile(["gone:x", "web:web"]));
  const r = await run(runtime);
  assert.deepEqual(r.states(), ["web:web:STOPPED", "g:a:RUNNING", "g:b:RUNNING"]);
  assert.deepEqual(r.file(), ["web:web"]);
  r.statefile.close();

  const bad = new FakeRuntime();
  bad.fs.seedFile(PATH, "{not json");
  const b = await run(bad);
  assert.deepEqual(b.states(), ["web:web:RUNNING", "g:a:RUNNING", "g:b:RUNNING"]);
  assert.ok(b.logger.lines.some((l) => l.includes(`WARN statefile '${PATH}' is not a version 1 statefile; ignored`)));
  b.statefile.close();
});

Deno.test("statefile format: version 1 only, names sorted", () => {
  assert.equal(formatStatefile(["b:b", "a:a"]), '{"version":1,"operator_stopped":["a:a","b:b"]}\n');
  assert.deepEqual(parseStatefile('{"version":1,"operator_stopped":["x:y"]}'), ["x:y"]);
  assert.equal(parseStatefile('{"version":2,"operator_stopped":[]}'), null);
  assert.equal(parseStatefile('{"version":1,"operator_stopped":[1]}'), null);
});
