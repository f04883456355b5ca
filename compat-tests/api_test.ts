/**
 * Black-box tests of `/api/v1` (EXTENSIONS.md §8) on our entries (Deno,
 * Bun, or the binary with SUPERVISOR_TS_BIN): a daemon with a real child
 * answers every documented route, each JSON answer checked against the
 * OpenAPI document it serves; 10,000 lines followed over SSE arrive in
 * order, a reconnect with `Last-Event-ID` resumes with no gap and no
 * duplicate, and a log moved away then reopened through the API gives a
 * `rotated` event with nothing lost. The config (extension keys included)
 * loads in supervisord 4.2.5.
 *
 * Python counterpart: none (Python answers 404 on `/api/v1`; `api=false`
 * keeps that answer, checked here on the unix server).
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedEnv, ourEntryName, tempDir } from "./_harness.ts";
import { ForegroundDaemon } from "./_daemon.ts";
import { freePort } from "./_ctl_process.ts";
import { rawHttp } from "./_raw_http.ts";
import { canAskPython, pythonLoadErrors } from "./_python_accepts.ts";
import { checkSchema, responseSchema } from "../src/api/_schema_check.ts";
import { SseReader } from "../src/api/_sse_testing.ts";

const LINES = 10_000;
const AUTH = { Authorization: "Basic " + btoa("admin:secret") };

function conf(dir: string, port: number): string {
  return `[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true

[inet_http_server]
port=127.0.0.1:${port}
username=admin
password=secret
api=true

[unix_http_server]
file=${dir}/s.sock
api=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:writer]
command=/bin/sh -c 'i=0; while [ $i -lt ${LINES} ]; do echo "line $i"; i=$((i+1)); done; exec sleep 1000'
stdout_logfile=${dir}/writer.log
stdout_logfile_maxbytes=0
startsecs=0

[program:idle]
command=/bin/sleep 1000
startsecs=0
autostart=false
`;
}

async function conforming(res: Response, doc: Record<string, unknown>, method: string, path: string) {
  const body = await res.json();
  assert.deepEqual(checkSchema(doc, responseSchema(doc, method, path, res.status), body), [], JSON.stringify(body));
  return body;
}

/** Reads log events until `want` bytes of text have arrived; returns the text and the last id. */
async function readUntil(sse: SseReader, want: number, text = ""): Promise<{ text: string; id: number }> {
  let id = -1;
  while (text.length < want) {
    const f = await sse.next();
    assert.ok(f !== null, "the stream stays open");
    if (f.event !== "log") continue;
    text += JSON.parse(f.data!);
    id = Number(f.id);
  }
  return { text, id };
}

Deno.test(`/api/v1 on a live daemon: routes match the OpenAPI document; SSE follow resumes and sees rotation (${ourEntryName()})`, async () => {
  using tmp = tempDir("svts-api-");
  const port = await freePort();
  const text = conf(tmp.path, port);
  const path = join(tmp.path, "supervisord.conf");
  writeFileSync(path, text);
  if (canAskPython) assert.deepEqual(pythonLoadErrors([text.replaceAll(tmp.path, "{TMP}")]), [null]);
  using d = new ForegroundDaemon("ours", ["-c", path], { cwd: "/", env: fixedEnv() });
  await d.waitFor(/success: writer entered RUNNING state/);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(base + p, { ...init, headers: { ...AUTH, ...(init.headers as Record<string, string> ?? {}) } });
  const doc = await (await api("/openapi.json")).json();

  assert.equal((await fetch(base + "/processes")).status, 401);
  const list = await conforming(await api("/processes"), doc, "GET", "/processes");
  const writer = list.processes.find((p: { name: string }) => p.name === "writer");
  assert.equal(writer.statename, "RUNNING");
  assert.ok(writer.cpu_seconds >= 0 && writer.rss_bytes > 0, JSON.stringify(writer));
  await conforming(await api("/health"), doc, "GET", "/health");

  const refused = await api("/processes/idle/start", { method: "POST" });
  assert.equal(refused.status, 415);
  await conforming(refused, doc, "POST", "/processes/{ns}/start");
  const post = (p: string) => api(p, { method: "POST", headers: { "Content-Type": "application/json" } });
  const started = await post("/processes/idle/start?wait=true&timeout=30s");
  assert.equal(started.status, 200);
  await conforming(started, doc, "POST", "/processes/{ns}/start");
  const twice = await post("/processes/idle/start");
  assert.equal(twice.status, 409);
  await conforming(twice, doc, "POST", "/processes/{ns}/start");
  assert.equal((await post("/processes/idle/stop")).status, 200);
  await conforming(await post("/processes/nope/stop"), doc, "POST", "/processes/{ns}/stop");

  // 10,000 lines over SSE from the start of the file, in order.
  const expected = Array.from({ length: LINES }, (_, i) => `line ${i}\n`).join("");
  const first = new SseReader((await api("/processes/writer/logs/stdout/follow?offset=0")).body!);
  const half = await readUntil(first, expected.length / 2);
  await first.cancel();
  assert.ok(expected.startsWith(half.text));
  // Reconnect with Last-Event-ID: the rest, no gap, no duplicate.
  const second = new SseReader(
    (await api("/processes/writer/logs/stdout/follow", { headers: { "Last-Event-ID": String(half.id) } })).body!,
  );
  const rest = await readUntil(second, expected.length - half.text.length);
  assert.equal(half.text + rest.text, expected);
  const read = await conforming(
    await api("/processes/writer/logs/stdout?offset=-8"),
    doc,
    "GET",
    "/processes/{ns}/logs/{stream}",
  );
  assert.equal(read.data, "ne 9999\n");

  // Move the log away, reopen through the API: a rotated event, then the new file's bytes.
  const log = join(tmp.path, "writer.log");
  renameSync(log, log + ".1");
  const reopened = await post("/logs/reopen");
  assert.equal(reopened.status, 200);
  await conforming(reopened, doc, "POST", "/logs/reopen");
  let frame = await second.next();
  while (frame !== null && frame.event !== "rotated") frame = await second.next();
  assert.deepEqual(frame, { event: "rotated", id: "0", data: "{}" });
  assert.equal(readFileSync(log + ".1", "utf8"), expected);
  await second.cancel();

  // Rotate on demand while followed: the follower sees it; the backup holds what the log held.
  const third = new SseReader((await api("/processes/writer/logs/stdout/follow")).body!);
  const rotated = await post("/processes/writer/logs/rotate?stream=stdout");
  assert.deepEqual((await conforming(rotated, doc, "POST", "/processes/{ns}/logs/rotate")).results, [
    { target: "writer", stream: "stdout", path: log, rotated: true },
  ]);
  frame = await third.next();
  while (frame !== null && frame.event !== "rotated") frame = await third.next();
  assert.deepEqual(frame, { event: "rotated", id: "0", data: "{}" });
  await third.cancel();
  assert.equal(readFileSync(log + ".1", "utf8"), "");
  assert.equal(readFileSync(log + ".2", "utf8"), expected);
  const all = await post("/logs/rotate");
  const results = (await conforming(all, doc, "POST", "/logs/rotate")).results as Array<Record<string, unknown>>;
  assert.deepEqual(results[0], {
    target: "main",
    stream: "main",
    path: join(tmp.path, "supervisord.log"),
    rotated: true,
  });
  assert.ok(results.some((r) => r.target === "writer" && r.stream === "stdout" && r.rotated === true));
  assert.ok(results.some((r) => r.target === "idle" && r.rotated === false), "idle is stopped: its logs are closed");

  // api=false: the unix server answers as Python does.
  const off = await rawHttp({ path: join(tmp.path, "s.sock") }, "GET /api/v1/processes HTTP/1.0\r\n\r\n");
  assert.equal(off.status, 404);
  assert.match(off.head, /Content-Type: text\/html/i);
});
