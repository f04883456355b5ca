/**
 * Event listeners end to end: a listener written with
 * `supervisor.childutils` records every envelope it receives while a
 * scripted scenario runs (startup, output with `*_events_enabled` and a
 * capture block, a crash through BACKOFF to FATAL, an unexpected exit, a
 * stop, two `sendRemoteCommEvent` calls, the first rejected once with
 * `RESULT 4\nFAIL`, and a group remove/add through supervisorctl).
 *
 * The reference run is checked against the expected sequence kept below
 * (pids masked; serials checked for their rules, then dropped). Our
 * daemon's run is compared with the same sequence, but only once it
 * supports events: a probe at load time starts our daemon with one
 * listener and looks for a delivered envelope; until one arrives, that
 * test is ignored with the reason in its name.
 *
 * Python counterpart: supervisor/events.py, supervisor/process.py
 * (`EventListenerPool`), supervisor/dispatchers.py, supervisor/childutils.py.
 * @module
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { fixedEnv, haveReference, REFERENCE_CTL, run, tempDir } from "./_harness.ts";
import { PYTHON } from "./_python.ts";

/** The listener: READY, read one envelope, append it to the file as JSON, answer (FAIL once for `rejectme`). */
const LISTENER = String.raw`
import json, sys
from supervisor import childutils
out = open(sys.argv[1], 'a', encoding='utf-8')
rejected = set()
while True:
    childutils.listener.ready(sys.stdout)
    line = sys.stdin.readline()
    headers = childutils.get_headers(line)
    payload = sys.stdin.read(int(headers['len']))
    out.write(json.dumps({'line': line, 'payload': payload}) + '\n')
    out.flush()
    if payload.startswith('type:rejectme') and headers['serial'] not in rejected:
        rejected.add(headers['serial'])
        childutils.listener.fail(sys.stdout)
    else:
        childutils.listener.ok(sys.stdout)
`;

/** Output in one write each (so both sides read the same chunks): stderr first, then a capture block. */
const TALKER = String.raw`
import os, time
os.write(2, 'err é\n'.encode())
time.sleep(0.3)
os.write(1, b'hello\n<!--XSUPERVISOR:BEGIN-->comm data<!--XSUPERVISOR:END-->after the block, a long enough line\n')
time.sleep(100)
`;

const REMOTE = String.raw`
import sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
p = xmlrpc.client.ServerProxy('http://127.0.0.1', SupervisorTransport('', '', 'unix://' + sys.argv[1]))
for t, d in (('rejectme', 'first é'), ('mytype', 'mydata')):
    assert p.supervisor.sendRemoteCommEvent(t, d) is True
`;

function config(dir: string, events: string): string {
  return `[unix_http_server]
file=${dir}/sock

[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
identifier=evtest
loglevel=debug
childlogdir=${dir}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://${dir}/sock

[eventlistener:rec]
command=${PYTHON} ${dir}/listener.py ${dir}/events.jsonl
events=${events}
buffer_size=100
environment=PYTHONIOENCODING="utf-8"

[program:talker]
command=${PYTHON} ${dir}/talker.py
autostart=false
stdout_events_enabled=true
stderr_events_enabled=true
stdout_capture_maxbytes=1KB
startsecs=3

[program:crash]
command=/bin/sh -c "exit 3"
autostart=false
startsecs=5
startretries=1

[program:once]
command=/bin/sh -c "sleep 0.5; exit 2"
autostart=false
autorestart=false
startsecs=0

[program:extra]
command=/bin/sleep 100
autostart=false
`;
}

const ALL_BUT_TICK =
  "PROCESS_STATE,PROCESS_LOG,PROCESS_COMMUNICATION,REMOTE_COMMUNICATION,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP";

/** One received envelope. */
interface Received {
  line: string;
  payload: string;
}

function received(dir: string): Received[] {
  const file = join(dir, "events.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Received);
}

/** `EVENTNAME payload` with pids masked: what must be the same on both sides. */
function shape(r: Received): string {
  const name = /eventname:(\S+)/.exec(r.line)?.[1] ?? "?";
  return `${name} ${r.payload.replace(/pid:\d+/g, "pid:<PID>")}`;
}

/** Checks the header rules: fields and order, `len` in code points, serials (a re-sent event repeats its serial). */
function checkHeaders(all: Received[]): void {
  let last = -1;
  for (const r of all) {
    const m = /^ver:3\.0 server:evtest serial:(\d+) pool:rec poolserial:(\d+) eventname:[A-Z_0-9]+ len:(\d+)\n$/.exec(
      r.line,
    );
    ok(m, `bad header ${JSON.stringify(r.line)}`);
    const [serial, poolSerial, len] = [Number(m[1]), Number(m[2]), Number(m[3])];
    equal(poolSerial, serial, r.line);
    equal(len, [...r.payload].length, r.line);
    const resent = r.payload.startsWith("type:rejectme") && serial === last;
    ok(resent || serial === last + 1, `serial ${serial} after ${last}`);
    last = serial;
  }
}

async function waitUntil(what: string, dir: string, pred: (shapes: string[]) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred(received(dir).map(shape))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; received:\n${received(dir).map(shape).join("\n")}`);
}

const has = (prefix: string) => (s: string[]) => s.some((x) => x.startsWith(prefix));

/** Runs the scenario on one side and returns what the listener received. */
async function scenario(side: Side): Promise<Received[]> {
  using tmp = tempDir("svts-events-");
  const dir = tmp.path;
  const conf = join(dir, "supervisord.conf");
  writeFileSync(join(dir, "listener.py"), LISTENER);
  writeFileSync(join(dir, "talker.py"), TALKER);
  writeFileSync(conf, config(dir, ALL_BUT_TICK));
  using daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: dir, env: fixedEnv() });
  const ctl = async (...args: string[]) => {
    const r = await run([REFERENCE_CTL, "-c", conf, ...args], { cwd: dir, env: fixedEnv() });
    ok(!r.timedOut, `supervisorctl ${args.join(" ")} timed out`);
    return r.stdout;
  };
  await waitUntil("the listener running", dir, has("PROCESS_STATE_RUNNING processname:rec "));
  await ctl("start", "talker");
  await waitUntil("talker running", dir, has("PROCESS_STATE_RUNNING processname:talker "));
  await ctl("start", "crash");
  await waitUntil("crash fatal", dir, has("PROCESS_STATE_FATAL processname:crash "));
  await ctl("start", "once");
  await waitUntil("once exited", dir, has("PROCESS_STATE_EXITED processname:once "));
  await ctl("stop", "talker");
  await waitUntil("talker stopped", dir, has("PROCESS_STATE_STOPPED processname:talker "));
  const remote = await run([PYTHON, "-c", REMOTE, join(dir, "sock")], { cwd: dir, env: fixedEnv() });
  equal(remote.code, 0, remote.stderr);
  await waitUntil("remote events", dir, has("REMOTE_COMMUNICATION type:mytype"));
  equal(await ctl("remove", "extra"), "extra: removed process group\n");
  equal(await ctl("add", "extra"), "extra: added process group\n");
  await waitUntil(
    "group re-added",
    dir,
    (s) => s.filter((x) => x === "PROCESS_GROUP_ADDED groupname:extra\n").length === 2,
  );
  const out = received(dir);
  daemon.signal("SIGTERM");
  await daemon.exited;
  return out;
}

/** What the reference delivers (pids masked), in order. */
const EXPECTED: string[] = [
  "PROCESS_GROUP_ADDED groupname:rec\n",
  "PROCESS_GROUP_ADDED groupname:crash\n",
  "PROCESS_GROUP_ADDED groupname:extra\n",
  "PROCESS_GROUP_ADDED groupname:once\n",
  "PROCESS_GROUP_ADDED groupname:talker\n",
  "SUPERVISOR_STATE_CHANGE_RUNNING ",
  "PROCESS_STATE_STARTING processname:rec groupname:rec from_state:STOPPED tries:0",
  "PROCESS_STATE_RUNNING processname:rec groupname:rec from_state:STARTING pid:<PID>",
  "PROCESS_STATE_STARTING processname:talker groupname:talker from_state:STOPPED tries:0",
  "PROCESS_LOG_STDERR processname:talker groupname:talker pid:<PID> channel:stderr\nerr é\n",
  "PROCESS_LOG_STDOUT processname:talker groupname:talker pid:<PID> channel:stdout\nhello\n",
  "PROCESS_LOG_STDOUT processname:talker groupname:talker pid:<PID> channel:stdout\ncomm data",
  "PROCESS_COMMUNICATION_STDOUT processname:talker groupname:talker pid:<PID>\ncomm data",
  "PROCESS_LOG_STDOUT processname:talker groupname:talker pid:<PID> channel:stdout\nafter the block, a long enough line\n",
  "PROCESS_STATE_RUNNING processname:talker groupname:talker from_state:STARTING pid:<PID>",
  "PROCESS_STATE_STARTING processname:crash groupname:crash from_state:STOPPED tries:0",
  "PROCESS_STATE_BACKOFF processname:crash groupname:crash from_state:STARTING tries:1",
  "PROCESS_STATE_STARTING processname:crash groupname:crash from_state:BACKOFF tries:1",
  "PROCESS_STATE_BACKOFF processname:crash groupname:crash from_state:STARTING tries:2",
  "PROCESS_STATE_FATAL processname:crash groupname:crash from_state:BACKOFF",
  "PROCESS_STATE_STARTING processname:once groupname:once from_state:STOPPED tries:0",
  "PROCESS_STATE_RUNNING processname:once groupname:once from_state:STARTING pid:<PID>",
  "PROCESS_STATE_EXITED processname:once groupname:once from_state:RUNNING expected:0 pid:<PID>",
  "PROCESS_STATE_STOPPING processname:talker groupname:talker from_state:RUNNING pid:<PID>",
  "PROCESS_STATE_STOPPED processname:talker groupname:talker from_state:STOPPING pid:<PID>",
  "REMOTE_COMMUNICATION type:rejectme\nfirst é",
  "REMOTE_COMMUNICATION type:rejectme\nfirst é",
  "REMOTE_COMMUNICATION type:mytype\nmydata",
  "PROCESS_GROUP_REMOVED groupname:extra\n",
  "PROCESS_GROUP_ADDED groupname:extra\n",
];

const IDS = [
  "EVT.types",
  "EVT.envelope",
  "EVT.len",
  "EVT.serial",
  "EVT.payload.state",
  "EVT.payload.log",
  "EVT.payload.comm",
  "EVT.payload.remote",
  "EVT.payload.supervisor",
  "EVT.payload.group",
  "EVT.dispatch",
  "EVT.comm",
  "LSN.ready",
  "LSN.result",
  "LSN.childutils",
].join(",");

/**
 * Whether our daemon delivers events: it runs one listener subscribed to
 * SUPERVISOR_STATE_CHANGE_RUNNING; an envelope within a few seconds says yes.
 */
async function ourDaemonDeliversEvents(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  using tmp = tempDir("svts-events-probe-");
  const dir = tmp.path;
  const conf = join(dir, "supervisord.conf");
  writeFileSync(join(dir, "listener.py"), LISTENER);
  writeFileSync(conf, config(dir, "SUPERVISOR_STATE_CHANGE_RUNNING"));
  using daemon = new ForegroundDaemon("ours", ["-n", "-c", conf], { cwd: dir, env: fixedEnv() });
  const end = Date.now() + 6_000;
  let delivered = false;
  while (!delivered && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    delivered = received(dir).length > 0;
  }
  daemon.signal("SIGTERM");
  await Promise.race([daemon.exited, new Promise((r) => setTimeout(r, 3_000))]);
  return delivered;
}

const canRunReference = haveReference() && existsSync(PYTHON) && existsSync(REFERENCE_CTL);
const oursHasEvents = canRunReference && await ourDaemonDeliversEvents();

Deno.test({
  // No SURFACE IDs: this pins the reference, it proves nothing about our daemon.
  name: "reference supervisord delivers the scripted event sequence to a childutils listener",
  ignore: !canRunReference,
  async fn() {
    const got = await scenario("reference");
    checkHeaders(got);
    deepEqual(got.map(shape), EXPECTED);
  },
});

Deno.test({
  name: `[${IDS}] our supervisord delivers the same event sequence` +
    (oursHasEvents
      ? ""
      : " (ignored: our daemon delivered no event to a listener in the probe; events not integrated yet)"),
  ignore: !oursHasEvents,
  async fn() {
    const got = await scenario("ours");
    checkHeaders(got);
    deepEqual(got.map(shape), EXPECTED);
  },
});
