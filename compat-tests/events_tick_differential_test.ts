/**
 * TICK_5 delivery to a listener that answers at once, on the reference
 * supervisord and on ours side by side: the listener (written with
 * `supervisor.childutils`) records each tick's `when:` and the wall-clock
 * time it read the envelope. On both sides every period boundary must
 * produce a tick, in order, and each tick must arrive before the next one is
 * due. The bound is structural (a tick left in the buffer until the next
 * event arrives is a whole period late), not a timer: Python delivers within
 * its one-second loop pass, ours within the pass that notices the boundary.
 *
 * Python counterpart: `Supervisor.tick` in supervisor/supervisord.py,
 * `EventListenerPool.transition`/`dispatch` in supervisor/process.py.
 * @module
 */

import { ok } from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, tempDir } from "./_harness.ts";
import { PYTHON } from "./_python.ts";

/** READY, read one envelope, append `{when, received}` to the file, answer OK at once. */
const LISTENER = String.raw`
import json, sys, time
from supervisor import childutils
out = open(sys.argv[1], 'a', encoding='utf-8')
while True:
    childutils.listener.ready(sys.stdout)
    line = sys.stdin.readline()
    received = time.time()
    headers = childutils.get_headers(line)
    payload = sys.stdin.read(int(headers['len']))
    when = int(childutils.get_headers(payload)['when'])
    out.write(json.dumps({'event': headers['eventname'], 'when': when, 'received': received}) + '\n')
    out.flush()
    childutils.listener.ok(sys.stdout)
`;

function config(dir: string): string {
  return `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid

[eventlistener:ticks]
command=${PYTHON} ${dir}/listener.py ${dir}/ticks.jsonl
events=TICK_5
`;
}

/** One tick as the listener saw it. */
interface Tick {
  event: string;
  when: number;
  received: number;
}

function ticks(dir: string): Tick[] {
  const file = join(dir, "ticks.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Tick);
}

/** Runs a daemon with the listener until it has received `count` ticks (or a generous deadline passes). */
async function collect(side: Side, count: number): Promise<Tick[]> {
  using tmp = tempDir("svts-ticks-");
  const dir = tmp.path;
  const conf = join(dir, "supervisord.conf");
  writeFileSync(join(dir, "listener.py"), LISTENER);
  writeFileSync(conf, config(dir));
  using daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: dir, env: fixedEnv() });
  const deadline = Date.now() + (count + 4) * 5_000;
  while (ticks(dir).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const got = ticks(dir);
  daemon.signal("SIGTERM");
  await Promise.race([daemon.exited, new Promise((r) => setTimeout(r, 5_000))]);
  return got;
}

/** Every boundary produced one tick, in order, each received after its time and before the next one was due. */
function checkDelivery(side: Side, got: Tick[], count: number): void {
  const text = got.map((t) => `${t.event} when:${t.when} received +${(t.received - t.when).toFixed(3)} s`).join("\n");
  ok(got.length >= count, `${side}: ${got.length} of ${count} ticks arrived:\n${text}`);
  for (const [i, t] of got.entries()) {
    ok(t.event === "TICK_5" && t.when % 5 === 0, `${side}: not a TICK_5 on a boundary:\n${text}`);
    if (i > 0) ok(t.when === got[i - 1]!.when + 5, `${side}: a period without its tick:\n${text}`);
    ok(t.received >= t.when, `${side}: a tick arrived before its time:\n${text}`);
    ok(t.received < t.when + 5, `${side}: a tick arrived after the next one was due:\n${text}`);
  }
}

const COUNT = 4;

Deno.test({
  name:
    "[EVT.tick,EVT.dispatch] a listener that answers at once gets every TICK_5 before the next is due, as from supervisord",
  ignore: !haveReference() || !existsSync(PYTHON),
  async fn() {
    const [reference, ours] = await Promise.all([collect("reference", COUNT), collect("ours", COUNT)]);
    checkDelivery("reference", reference, COUNT);
    checkDelivery("ours", ours, COUNT);
  },
});
