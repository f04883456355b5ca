/**
 * Stock `supervisorctl update` keeps Python's semantics exactly
 * (EXTENSIONS.md §7, P4 acceptance check 4): with a `[group:g]` of five
 * programs, changing one member's `command` makes `update` restart the whole
 * group (every pid changes), and a member stopped by hand is started again
 * (Supervisor/supervisor#214), on both daemons alike.
 * @module
 */

import assert from "node:assert/strict";
import { type CtlDaemon, CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";

const MEMBERS = ["p1", "p2", "p3", "p4", "p5"];
const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[group:g]
programs=${MEMBERS.join(",")}
${MEMBERS.map((m) => `\n[program:${m}]\ncommand=/bin/sleep 300\nstartsecs=0\n`).join("")}`;

async function pids(d: CtlDaemon): Promise<Record<string, { state: string; pid: number }>> {
  const [r] = await d.rpc([["supervisor.getAllProcessInfo"]]);
  const list = (r as { ok: Array<{ name: string; statename: string; pid: number }> }).ok;
  return Object.fromEntries(list.map((p) => [p.name, { state: p.statename, pid: p.pid }]));
}

async function runningAll(d: CtlDaemon): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Object.values(await pids(d)).some((p) => p.state !== "RUNNING")) {
    if (Date.now() > deadline) throw new Error(`${d.side}: not all RUNNING`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    `[CTL.update] stock update restarts the whole group for one changed member, hand-stopped included (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    await using pair = await CtlPair.start(FIXTURE);
    await pair.both(runningAll);
    const stopped = await pair.both((d) => d.ctlBatch([["stop", "g:p5"]]));
    assert.deepEqual(stopped.ours, stopped.reference);
    const before = await pair.both(pids);
    await pair.both((d) => {
      d.editConfig((t) => t.replace("[program:p2]\ncommand=/bin/sleep 300", "[program:p2]\ncommand=/bin/sleep 301"));
      return Promise.resolve();
    });
    const out = await pair.both((d) => d.ctlBatch([["update"]]));
    assert.deepEqual(out.ours, out.reference);
    assert.equal(out.ours[0]!.stdout, "g: stopped\ng: updated process group\n");
    await pair.both(runningAll);
    const after = await pair.both(pids);
    for (const side of ["ours", "reference"] as const) {
      for (const m of MEMBERS.slice(0, 4)) {
        assert.notEqual(after[side][m]!.pid, before[side][m]!.pid, `${side}: ${m} was restarted`);
      }
      assert.equal(before[side].p5!.state, "STOPPED");
      assert.equal(after[side].p5!.state, "RUNNING", `${side}: the hand-stopped member was started again`);
    }
  },
});
