import { deepEqual, equal, ok } from "node:assert/strict";
import { MAIN_LOG, programGroup, settle, type TestDaemon, testDaemon } from "../rpc/_api_testing.ts";
import type { ApiContext } from "../rpc/api_context.ts";
import { createLogTails, DEFAULT_TAIL_INTERVAL_MS, followFile, TAIL_HEAD_BYTES } from "./log_tails.ts";
import { createHttpHandler } from "./server.ts";

const OUT = "/logs/cat.out";
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function daemon(): Promise<TestDaemon> {
  return testDaemon([
    programGroup("cat", [{ stdout_logfile: OUT, stderr_logfile: "AUTO" }]),
    programGroup("grp", [{ name: "redir", stdout_logfile: "AUTO", redirect_stderr: true, stderr_logfile: null }]),
  ], () => ({}));
}

function append(d: TestDaemon, path: string, data: string | Uint8Array): void {
  const f = d.rt.fs.openWriteSync(path, "append");
  f.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  f.close();
}

/** A read that can be checked for having arrived without blocking the test. */
function pendingRead(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const state: { done: boolean; value: Uint8Array | undefined; settled: boolean } = {
    done: false,
    value: undefined,
    settled: false,
  };
  reader.read().then((r) => Object.assign(state, { done: r.done, value: r.value, settled: true }));
  return state;
}

async function open(d: TestDaemon, name = "cat") {
  const tail = await createLogTails(d.ctx).processLog(name, "stdout");
  ok(tail !== null, "a tail");
  return tail.body.getReader();
}

Deno.test("[HTTP.logtail] starts with the last 1024 bytes, then sends appended bytes at the next check", async () => {
  const d = await daemon();
  const head = "x".repeat(2000) + "y".repeat(TAIL_HEAD_BYTES);
  d.rt.fs.seedFile(OUT, head);
  const reader = await open(d);
  equal(text((await reader.read()).value), "y".repeat(TAIL_HEAD_BYTES));
  const next = pendingRead(reader);
  await settle();
  append(d, OUT, "new line\n");
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS - 1);
  await settle();
  equal(next.settled, false, "nothing before the check is due");
  d.rt.clock.advance(1);
  await settle();
  equal(text(next.value), "new line\n");
  await reader.cancel();
});

Deno.test("[HTTP.logtail] a short file is sent whole; the body of an empty one yields its first bytes once the file grows", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "short\n");
  const reader = await open(d);
  equal(text((await reader.read()).value), "short\n");
  await reader.cancel();
  d.rt.fs.seedFile(OUT, "");
  const empty = await open(d);
  const first = pendingRead(empty);
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS * 4);
  await settle();
  equal(first.settled, false);
  append(d, OUT, "hello\n");
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS);
  await settle();
  equal(text(first.value), "hello\n");
  await empty.cancel();
});

Deno.test("[HTTP.logtail] a file that shrank sends the truncation notice, then its content from the start", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "0123456789\n");
  const reader = await open(d);
  await reader.read();
  d.rt.fs.openWriteSync(OUT, "truncate").write(new TextEncoder().encode("new\n"));
  const notice = pendingRead(reader);
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS);
  await settle();
  equal(text(notice.value), "==> File truncated <==\n");
  equal(text((await reader.read()).value), "new\n", "right after the notice, no wait");
  await reader.cancel();
});

Deno.test("[HTTP.logtail,LOG.child.write] after rotation the new file is followed from its start", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "old\n");
  const reader = await open(d);
  equal(text((await reader.read()).value), "old\n");
  d.rt.fs.renameSync(OUT, `${OUT}.1`);
  const next = pendingRead(reader);
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS * 3);
  await settle();
  equal(next.settled, false, "the path is gone: wait for it");
  append(d, OUT, "rotated\n");
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS);
  await settle();
  equal(text(next.value), "rotated\n");
  await reader.cancel();
});

Deno.test("[HTTP.logtail] a burst is sent in chunks of at most 64 KiB, without waiting between them", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "");
  const reader = await open(d);
  const first = pendingRead(reader);
  await settle();
  append(d, OUT, new Uint8Array(150 * 1024).fill(0x61));
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS);
  await settle();
  const sizes = [first.value?.length, (await reader.read()).value?.length, (await reader.read()).value?.length];
  deepEqual(sizes, [65536, 65536, 150 * 1024 - 131072]);
  await reader.cancel();
});

Deno.test("[HTTP.logtail] nothing is read or scheduled until the client asks; cancelling stops the timer", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "data\n");
  await settle();
  const idle = d.rt.clock.pending;
  const reader = await open(d);
  await settle();
  equal(d.rt.clock.pending, idle, "no timer before the first read");
  await reader.read();
  const waiting = pendingRead(reader);
  await settle();
  equal(d.rt.clock.pending, idle + 1, "one timer while the client waits");
  await reader.cancel();
  await settle();
  equal(d.rt.clock.pending, idle, "the timer is gone");
  ok(waiting.settled && waiting.done, "the waiting read ends");
});

Deno.test("[HTTP.logtail] unknown names, whole groups, channels without a log and missing files are 404 (null)", async () => {
  const d = await daemon();
  const tails = createLogTails(d.ctx);
  for (const name of ["nosuch", "cat:nosuch", "cat:", "cat:*", "grp"]) {
    equal(await tails.processLog(name, "stdout"), null, name);
  }
  equal(await tails.processLog("grp:redir", "stderr"), null, "stderr redirected");
  equal(await tails.processLog("cat", "stdout"), null, "configured, not created yet");
  ok(await tails.processLog("cat", "stderr") !== null, "the AUTO file exists from the start");
  ok(await tails.processLog("grp:redir", "stdout") !== null);
  d.rt.fs.seedDir(OUT);
  equal(await tails.processLog("cat", "stdout"), null, "not a regular file");
});

Deno.test("[HTTP.mainlogtail] follows the main log; none when it is syslog or missing", async () => {
  const d = await daemon();
  d.logger.info("hello main");
  const tail = await createLogTails(d.ctx).mainLog();
  ok(tail !== null);
  equal(tail.mtime, d.rt.fs.statSync(MAIN_LOG)?.mtime);
  const reader = tail.body.getReader();
  ok(text((await reader.read()).value).endsWith(" INFO hello main\n"));
  const next = pendingRead(reader);
  d.logger.info("second");
  d.rt.clock.advance(DEFAULT_TAIL_INTERVAL_MS);
  await settle();
  ok(text(next.value).endsWith(" INFO second\n"));
  await reader.cancel();
  const syslog = { ...d.ctx, logger: Object.assign(Object.create(d.logger), { logfile: null }) } as ApiContext;
  equal(await createLogTails(syslog).mainLog(), null);
  d.rt.fs.unlinkSync(MAIN_LOG);
  equal(await createLogTails(d.ctx).mainLog(), null);
});

Deno.test("[HTTP.logtail,HTTP.mainlogtail,LOG.child.write] through the HTTP front: 200 with the tail headers, child output streamed", async () => {
  const d = await daemon();
  const h = createHttpHandler({
    rpc: { handle: () => Promise.reject(new Error("no rpc")) },
    logs: createLogTails(d.ctx, { intervalMs: 100 }),
  });
  const child = d.start("cat");
  child.writeStdout("from the child\n");
  await settle();
  const res = await h(new Request("http://localhost/logtail/cat/stdout"));
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/plain;charset=utf-8");
  equal(res.headers.get("x-accel-buffering"), "no");
  equal(res.headers.get("content-length"), null);
  const reader = res.body!.getReader();
  equal(text((await reader.read()).value), "from the child\n");
  const next = pendingRead(reader);
  child.writeStdout("more\n");
  await settle();
  d.rt.clock.advance(100);
  await settle();
  equal(text(next.value), "more\n");
  await reader.cancel();
  equal((await h(new Request("http://localhost/logtail/nosuch"))).status, 404);
  equal((await h(new Request("http://localhost/mainlogtail"))).status, 200);
});

Deno.test("followFile() reports the file's mtime and refuses what is not a regular file", async () => {
  const d = await daemon();
  d.rt.fs.seedFile("/logs/f", "abc");
  d.rt.clock.advance(5000);
  append(d, "/logs/f", "d");
  const tail = await followFile(d.rt, "/logs/f");
  equal(tail?.mtime, d.rt.fs.statSync("/logs/f")?.mtime);
  await tail?.body.cancel();
  equal(await followFile(d.rt, "/logs"), null);
  equal(await followFile(d.rt, "/logs/none"), null);
});
