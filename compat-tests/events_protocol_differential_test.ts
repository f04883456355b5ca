/**
 * Differential tests of the pure event modules against supervisor 4.2.5's
 * own classes, driven in one Python process: the listener protocol
 * (`PEventListenerDispatcher`), capture mode (`POutputDispatcher`), and
 * payloads and envelopes (`events.py`, `EventListenerPool._eventEnvelope`),
 * over fuzzed inputs and random read boundaries.
 *
 * Python counterpart: supervisor/dispatchers.py, supervisor/events.py,
 * supervisor/process.py (test support only).
 * @module
 */

import { deepEqual } from "node:assert/strict";
import { CaptureSplitter } from "../src/logging/capture.ts";
import {
  eventEnvelope,
  processCommunicationEvent,
  processLogEvent,
  processStateEvent,
  remoteCommunicationEvent,
} from "../src/events/events.ts";
import { ListenerProtocol } from "../src/events/listener_protocol.ts";
import { LogRecorder } from "../src/events/_testing.ts";
import { ProcessState } from "../src/process/states.ts";
import { listenerStateName } from "../src/process/states.ts";
import { hasPython, runPython } from "./_python.ts";

const PY_COMMON = String.raw`
from supervisor import events
from supervisor.dispatchers import PEventListenerDispatcher, POutputDispatcher, default_handler, stripEscapes
from supervisor.states import getEventListenerStateDescription
from supervisor.process import EventListenerPool

class Log:
    def __init__(self):
        self.lines = []
    def _at(label):
        def f(self, msg, **kw):
            self.lines.append(label + ' ' + (msg % kw if kw else msg))
        return f
    debug = _at('DEBG'); warn = _at('WARN'); info = _at('INFO'); error = _at('ERRO')
    critical = _at('CRIT'); trace = _at('TRAC'); blather = _at('BLAT')

class NS:
    def __init__(self, **kw):
        self.__dict__.update(kw)

def proc_for(chunks, name='lst', maxbytes=0, strip=False):
    it = iter(chunks)
    options = NS(logger=Log(), strip_ansi=strip, loglevel=100, readfd=lambda fd: next(it),
                 getLogger=lambda: __import__('supervisor.loggers').loggers.Logger())
    config = NS(name=name, options=options, stdout_logfile=None, stdout_syslog=False,
                stdout_logfile_maxbytes=0, stdout_logfile_backups=0,
                stdout_capture_maxbytes=maxbytes, stdout_events_enabled=False, stderr_events_enabled=False)
    group = NS(config=NS(name='grp', result_handler=default_handler))
    return NS(config=config, group=group, pid=42, listener_state=None, event=None)
`;

const PY_LISTENER = PY_COMMON + String.raw`
out = []
for case in INPUT['listener']:
    ops = case
    chunks = [bytes.fromhex(op['out']) for op in ops if 'out' in op]
    proc = proc_for(chunks)
    d = PEventListenerDispatcher(proc, 'stdout', 1)
    rejected = []
    cb = lambda e: rejected.append(e.event)
    events.subscribe(events.EventRejectedEvent, cb)
    steps = []
    for i, op in enumerate(ops):
        if 'out' in op:
            d.handle_read_event()
        else:
            proc.listener_state = 20
            proc.event = op['send']
        steps.append({'state': getEventListenerStateDescription(proc.listener_state),
                      'log': proc.config.options.logger.lines[:], 'rejected': rejected[:]})
        del proc.config.options.logger.lines[:]
        del rejected[:]
    events.unsubscribe(events.EventRejectedEvent, cb)
    out.append(steps)
emit(out)
`;

const PY_CAPTURE = PY_COMMON + String.raw`
out = []
for case in INPUT['capture']:
    chunks = [bytes.fromhex(c) for c in case['chunks']]
    proc = proc_for(chunks, name='cap', maxbytes=case['maxbytes'], strip=case['strip'])
    d = POutputDispatcher(proc, events.ProcessCommunicationStdoutEvent, 1)
    pieces = []
    orig = d._log
    def _log(data, d=d, orig=orig, pieces=pieces, strip=case['strip']):
        if data:
            pieces.append(['capture' if d.capturemode else 'log', (stripEscapes(data) if strip else data).hex()])
        orig(data)
    d._log = _log
    cb = lambda e, pieces=pieces: pieces.append(['comm', e.data.hex()])
    events.subscribe(events.ProcessCommunicationEvent, cb)
    steps = []
    for c in chunks:
        d.handle_read_event()
        steps.append(pieces[:])
        del pieces[:]
    events.unsubscribe(events.ProcessCommunicationEvent, cb)
    out.append(steps)
emit(out)
`;

const PY_PAYLOADS = PY_COMMON + String.raw`
STATES = {'STOPPED': 0, 'STARTING': 10, 'RUNNING': 20, 'BACKOFF': 30, 'STOPPING': 40, 'EXITED': 100, 'FATAL': 200, 'UNKNOWN': 1000}
out = []
for c in INPUT['payloads']:
    proc = NS(config=NS(name=c['name']), group=NS(config=NS(name=c['group'])), pid=c['pid'], backoff=c['tries'])
    data = bytes.fromhex(c['data'])
    evs = [
        events.ProcessLogStdoutEvent(proc, c['pid'], data),
        events.ProcessLogStderrEvent(proc, c['pid'], data),
        events.ProcessCommunicationStdoutEvent(proc, c['pid'], data),
        events.RemoteCommunicationEvent(c['name'], c['text']),
        events.EventTypes.__dict__['PROCESS_STATE_' + c['to']](proc, STATES[c['from']], c['expected']),
    ]
    pool = NS(config=NS(name=c['group'], options=NS(identifier=c['name'])))
    out.append([EventListenerPool._eventEnvelope(pool, type(e), c['pid'], c['tries'], e.payload()) for e in evs])
emit(out)
`;

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const enc = new TextEncoder();
const hex = (d: Uint8Array) => Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => new Uint8Array((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** Splits `data` at random points into 1..n chunks (none empty). */
function chop(data: Uint8Array, next: () => number, maxChunks: number): Uint8Array[] {
  if (data.length === 0) return [];
  const cuts = new Set<number>();
  const n = Math.floor(next() * maxChunks);
  for (let i = 0; i < n; i++) cuts.add(1 + Math.floor(next() * (data.length - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), data.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    if (points[i]! < points[i + 1]!) out.push(data.subarray(points[i], points[i + 1]));
  }
  return out;
}

type ListenerOp = { out: string } | { send: number };

function listenerCases(): ListenerOp[][] {
  const next = rng(7);
  const tokens = [
    "READY\n",
    "READY\n",
    "RESULT 2\nOK",
    "RESULT 2\nOK",
    "RESULT 4\nFAIL",
    "RESULT 0\n",
    "RESULT x\n",
    "RESULT  3 \nabc",
    "REA",
    "garbage\n",
    "\xff\n",
  ];
  const cases: ListenerOp[][] = [];
  for (let c = 0; c < 300; c++) {
    const ops: ListenerOp[] = [];
    let serial = 0;
    const count = 1 + Math.floor(next() * 6);
    for (let i = 0; i < count; i++) {
      if (next() < 0.4) ops.push({ send: serial++ });
      const token = tokens[Math.floor(next() * tokens.length)]!;
      const bytes = token === "\xff\n" ? new Uint8Array([0x52, 0xff, 0x0a]) : enc.encode(token);
      for (const chunk of chop(bytes, next, 3)) ops.push({ out: hex(chunk) });
    }
    cases.push(ops);
  }
  return cases;
}

function runOurListener(ops: ListenerOp[]) {
  const logger = new LogRecorder("debug");
  const rejected: number[] = [];
  const ids = new Map<object, number>();
  const proto = new ListenerProtocol({
    name: "lst",
    logger,
    onReject: (e) => rejected.push(ids.get(e)!),
  });
  return ops.map((op) => {
    if ("out" in op) proto.feed(unhex(op.out));
    else {
      const event = remoteCommunicationEvent("t", String(op.send));
      ids.set(event, op.send);
      proto.sent(event);
    }
    return { state: listenerStateName(proto.state), log: logger.take(), rejected: rejected.splice(0) };
  });
}

Deno.test({
  name:
    "[LSN.states,LSN.ready,LSN.busy,LSN.result,LSN.unknown,MLOG.listener.output] listener protocol matches PEventListenerDispatcher over fuzzed reads",
  ignore: !hasPython,
  fn() {
    const cases = listenerCases();
    const python = runPython(PY_LISTENER, { listener: cases }) as unknown[];
    cases.forEach((ops, i) => deepEqual(runOurListener(ops), python[i], JSON.stringify(ops)));
  },
});

interface CaptureCase {
  chunks: string[];
  maxbytes: number;
  strip: boolean;
}

function captureCases(): CaptureCase[] {
  const next = rng(11);
  const parts = [
    "<!--XSUPERVISOR:BEGIN-->",
    "<!--XSUPERVISOR:END-->",
    "hello ",
    "some longer line of ordinary output\n",
    "another line, long enough to be split across reads and overflow a small capture buffer\n",
    "x",
    "\x1b[31mred\x1b[0m ",
    "<!--XSUP",
    "é\n",
  ];
  const cases: CaptureCase[] = [];
  for (let c = 0; c < 600; c++) {
    let text = "";
    const count = 1 + Math.floor(next() * 8);
    for (let i = 0; i < count; i++) text += parts[Math.floor(next() * parts.length)];
    const chunks = chop(enc.encode(text), next, 10).map(hex);
    const maxbytes = [0, 1, 5, 16, 1024][Math.floor(next() * 5)]!;
    cases.push({ chunks, maxbytes, strip: next() < 0.3 });
  }
  return cases;
}

Deno.test({
  name: "[EVT.comm,EVT.comm.holdback,EVT.comm.nocapture] capture mode matches POutputDispatcher over fuzzed reads",
  ignore: !hasPython,
  fn() {
    const cases = captureCases();
    const python = runPython(PY_CAPTURE, { capture: cases }) as unknown[];
    cases.forEach((c, i) => {
      const s = new CaptureSplitter({ maxbytes: c.maxbytes, stripAnsi: c.strip });
      const ours = c.chunks.map((chunk) => s.feed(unhex(chunk)).map((p) => [p.kind, hex(p.data)]));
      deepEqual(ours, python[i], JSON.stringify(c));
    });
  },
});

interface PayloadCase {
  name: string;
  group: string;
  pid: number;
  tries: number;
  data: string;
  text: string;
  from: string;
  to: string;
  expected: boolean;
}

function payloadCases(): PayloadCase[] {
  const next = rng(3);
  const words = ["p", "grp", "é", "x y", "日本", "😀", "a\nb", ""];
  const states = ["STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN"];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const cases: PayloadCase[] = [];
  for (let i = 0; i < 200; i++) {
    const raw = next() < 0.2 ? new Uint8Array([0x61, 0xff, 0x27, 0x0a]) : enc.encode(pick(words) + pick(words));
    cases.push({
      name: pick(words.slice(0, 6)) || "n",
      group: pick(words.slice(0, 6)) || "g",
      pid: Math.floor(next() * 70000),
      tries: Math.floor(next() * 4),
      data: hex(raw),
      text: pick(words) + pick(words),
      from: pick(states),
      to: pick(states),
      expected: next() < 0.5,
    });
  }
  return cases;
}

Deno.test({
  name:
    "[EVT.envelope,EVT.len,EVT.payload.state,EVT.payload.log,EVT.payload.comm,EVT.payload.remote] envelopes match events.py",
  ignore: !hasPython,
  fn() {
    const cases = payloadCases();
    const python = runPython(PY_PAYLOADS, { payloads: cases }) as unknown[];
    cases.forEach((c, i) => {
      const src = { processname: c.name, groupname: c.group, pid: c.pid };
      const data = unhex(c.data);
      const evs = [
        processLogEvent("stdout", src, data),
        processLogEvent("stderr", src, data),
        processCommunicationEvent("stdout", src, data),
        remoteCommunicationEvent(c.name, c.text),
        processStateEvent(ProcessState[c.to as keyof typeof ProcessState], {
          processname: c.name,
          groupname: c.group,
          from_state: ProcessState[c.from as keyof typeof ProcessState],
          tries: c.tries,
          pid: c.pid,
          expected: c.expected,
        }),
      ];
      const ours = evs.map((e) => {
        e.serial = c.pid;
        return eventEnvelope(e, { identifier: c.name, pool: c.group, poolSerial: c.tries });
      });
      deepEqual(ours, python[i], JSON.stringify(c));
    });
  },
});
