/**
 * `apply` on a real daemon (EXTENSIONS.md §7, P4 acceptance check 4): in a
 * `[group:g]` of five programs, changing one member's `command` and applying
 * changes only that member's pid; a member stopped by hand stays STOPPED; a
 * priority-only change moves no pid; a new program starts, a deleted one is
 * stopped and removed. Stock `supervisorctl update` afterwards sees nothing
 * left to do. supervisord 4.2.5 loads the same files.
 * @module
 */

import assert from "node:assert/strict";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, run } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const MEMBERS = ["p1", "p2", "p3", "p4", "p5"];
const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[group:g]
programs=${MEMBERS.join(",")}
${MEMBERS.map((m) => `\n[program:${m}]\ncommand=/bin/sleep 300\nstartsecs=0\n`).join("")}
[program:old]
command=/bin/sleep 300
startsecs=0
`;

const COMMAND_EDIT = (t: string) =>
  t.replace("[program:p2]\ncommand=/bin/sleep 300", "[program:p2]\ncommand=/bin/sleep 301")
    .replace("[program:p5]\ncommand=/bin/sleep 300", "[program:p5]\ncommand=/bin/sleep 302");
const PRIORITY_EDIT = (t: string) => t.replace("[program:p3]\n", "[program:p3]\npriority=5\n");
const ADD_REMOVE_EDIT = (t: string) => t.replace("[program:old]\n", "[program:new]\n");

type Info = Record<string, { state: string; pid: number }>;

async function infos(d: CtlDaemon): Promise<Info> {
  const [r] = await d.rpc([["supervisor.getAllProcessInfo"]]);
  const list = (r as { ok: Array<{ name: string; statename: string; pid: number }> }).ok;
  return Object.fromEntries(list.map((p) => [p.name, { state: p.statename, pid: p.pid }]));
}

async function until(d: CtlDaemon, what: string, ok: (i: Info) => boolean): Promise<Info> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const i = await infos(d);
    if (ok(i)) return i;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(i)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    `apply: only the edited member's pid changes; hand-stopped stays STOPPED; priority moves nothing (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    await using d = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: \w+ entered RUNNING/, 6]] });
    const ctl = (...args: string[]) => run([...ourCommand(), "ctl", "-c", d.conf, ...args], { env: fixedEnv() });
    assert.equal((await d.ctlBatch([["stop", "g:p5"]]))[0]!.stdout, "g:p5: stopped\n");
    const before = await infos(d);

    d.editConfig(COMMAND_EDIT);
    const applied = await ctl("apply");
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, "g:p2  restart  (command changed)\ng:p5  restart  (command changed)\n");
    const after = await until(d, "p2 RUNNING again", (i) => i.p2!.state === "RUNNING" && i.p2!.pid !== before.p2!.pid);
    for (const m of ["p1", "p3", "p4", "old"]) assert.equal(after[m]!.pid, before[m]!.pid, `${m} kept its pid`);
    assert.equal(after.p5!.state, "STOPPED", "the hand-stopped member is not started by apply");

    d.editConfig(PRIORITY_EDIT);
    assert.equal((await ctl("apply")).stdout, "g:p3  in place  (priority 999 -> 5)\n");
    const prio = await infos(d);
    for (const m of ["p1", "p2", "p3", "p4", "old"]) assert.equal(prio[m]!.pid, after[m]!.pid, `${m}: no pid change`);

    d.editConfig(ADD_REMOVE_EDIT);
    assert.equal((await ctl("apply")).stdout, "old:old  remove  (gone)\nnew:new  add  (new)\n");
    const added = await until(d, "new RUNNING", (i) => i.new?.state === "RUNNING");
    assert.equal(added.old, undefined);
    assert.equal(added.p1!.pid, before.p1!.pid);

    const [reread] = await d.ctlBatch([["reread"]]);
    assert.equal(reread!.stdout, "No config updates to processes\n", "stock reread sees nothing left to do");
  },
});

Deno.test({
  name: "apply: supervisord 4.2.5 loads the fixture and each edit",
  ignore: !canAskPython,
  fn() {
    const surgical = FIXTURE.replace("[supervisorctl]\n", "[supervisorctl]\nupdate_mode=surgical\n");
    const texts = [FIXTURE, COMMAND_EDIT(FIXTURE), PRIORITY_EDIT(COMMAND_EDIT(FIXTURE)), surgical];
    assert.deepEqual(pythonLoadErrors(texts.map((t) => t.replaceAll("%(here)s", "{TMP}"))), texts.map(() => null));
  },
});

Deno.test({
  name: `update_mode=surgical: our ctl's update applies; the stock client's update stays Python's (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    const fixture = FIXTURE.replace("[supervisorctl]\n", "[supervisorctl]\nupdate_mode=surgical\n");
    await using d = await CtlDaemon.start("ours", fixture, { ready: [[/success: \w+ entered RUNNING/, 6]] });
    const ctl = (...args: string[]) => run([...ourCommand(), "ctl", "-c", d.conf, ...args], { env: fixedEnv() });
    const before = await infos(d);
    d.editConfig((t) => t.replace("[program:p2]\ncommand=/bin/sleep 300", "[program:p2]\ncommand=/bin/sleep 301"));
    assert.equal((await ctl("update")).stdout, "g:p2  restart  (command changed)\n");
    const after = await until(d, "p2 RUNNING again", (i) => i.p2!.state === "RUNNING" && i.p2!.pid !== before.p2!.pid);
    for (const m of ["p1", "p3", "p4", "p5"]) assert.equal(after[m]!.pid, before[m]!.pid, `${m} kept its pid`);

    d.editConfig((t) => t.replace("[program:p2]\ncommand=/bin/sleep 301", "[program:p2]\ncommand=/bin/sleep 303"));
    const [stock] = await d.ctlBatch([["update"]]);
    assert.equal(stock!.stdout, "g: stopped\ng: updated process group\n", "the stock client ignores update_mode");
  },
});
