/**
 * `apply --dry-run` of our ctl over `POST /api/v1/config/apply` on a real
 * daemon (EXTENSIONS.md §7): after editing one member of a `[group:x]`, the
 * plan names only that member (restart), a priority-only edit is `in place`,
 * a new program is `add`, a deleted one `remove`; a dry run changes no pid.
 * supervisord 4.2.5 loads the same files.
 * @module
 */

import assert from "node:assert/strict";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { fixedEnv, haveReference, ourCommand, ourEntryName, run } from "./_harness.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";

const MEMBERS = ["p1", "p2", "p3"];
const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[group:g]
programs=${MEMBERS.join(",")}
${MEMBERS.map((m) => `\n[program:${m}]\ncommand=/bin/sleep 300\nstartsecs=0\n`).join("")}
[program:old]
command=/bin/sleep 300
startsecs=0
`;

function edit(text: string): string {
  return text
    .replace("[program:p2]\ncommand=/bin/sleep 300", "[program:p2]\ncommand=/bin/sleep 301")
    .replace(
      "[program:p3]\ncommand=/bin/sleep 300\nstartsecs=0\n",
      "[program:p3]\ncommand=/bin/sleep 300\nstartsecs=0\npriority=5\n",
    )
    .replace("[program:old]\n", "[program:new]\n");
}

async function pids(d: CtlDaemon): Promise<string> {
  const [r] = await d.rpc([["supervisor.getAllProcessInfo"]]);
  return (r as { ok: Array<{ name: string; pid: number }> }).ok.map((p) => `${p.name}:${p.pid}`).join(" ");
}

Deno.test({
  name: `apply --dry-run: the plan names only what changed, and nothing moves (${ourEntryName()})`,
  ignore: !haveReference(),
  async fn() {
    await using d = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: \w+ entered RUNNING/, 4]] });
    const ctl = (...args: string[]) => run([...ourCommand(), "ctl", "-c", d.conf, ...args], { env: fixedEnv() });
    const none = await ctl("apply", "--dry-run");
    assert.deepEqual([none.code, none.stdout], [0, "No config changes\n"]);
    const before = await pids(d);
    d.editConfig(edit);
    const plan = await ctl("apply", "--dry-run");
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(
      plan.stdout,
      "old:old  remove  (gone)\ng:p2  restart  (command changed)\ng:p3  in place  (priority 999 -> 5)\n" +
        "new:new  add  (new)\n",
    );
    assert.equal(
      (await ctl("apply", "--dry-run", "g")).stdout,
      "g:p2  restart  (command changed)\ng:p3  in place  (priority 999 -> 5)\n",
    );
    assert.equal(await pids(d), before, "a dry run changes nothing");
    const refused = await ctl("apply", "g");
    assert.deepEqual([refused.code, refused.stdout], [2, "Error: names narrow apply --dry-run only\n"]);
  },
});

Deno.test({
  name: "apply --dry-run: supervisord 4.2.5 loads the fixture and its edit",
  ignore: !canAskPython,
  fn() {
    assert.deepEqual(pythonLoadErrors([FIXTURE, edit(FIXTURE)].map((t) => t.replaceAll("%(here)s", "{TMP}"))), [
      null,
      null,
    ]);
  },
});
