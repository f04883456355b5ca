import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import type { ProcessConfig } from "../config/schema.ts";
import type { MainLogger } from "../logging/types.ts";
import { ProcessState } from "../process/states.ts";
import { CHILDLOGDIR, MAIN_LOG, programGroup, settle, type TestDaemon, testDaemon } from "./_api_testing.ts";
import type { ApiContext } from "./api_context.ts";
import { Faults, RpcError } from "./faults.ts";
import { clearLog, logHandlers, readLog, STDIN_WRITE_GRACE_MS } from "./log_api.ts";
import { Double } from "./xmlrpc_value.ts";

const OUT = "/logs/cat.out";

/** A daemon with `cat` (stdout to OUT, AUTO stderr), `none` (no logs) and `redir` (stderr redirected). */
function daemon(extra: Partial<ProcessConfig> = {}): Promise<TestDaemon> {
  return testDaemon([
    programGroup("cat", [{ stdout_logfile: OUT, stderr_logfile: "AUTO", ...extra }]),
    programGroup("none", [{ stdout_logfile: null, stderr_logfile: null }]),
    programGroup("redir", [{ stdout_logfile: "AUTO", redirect_stderr: true, stderr_logfile: null }]),
  ], logHandlers);
}

/** Asserts that `p` rejects with the fault text `text`. */
async function fault(p: Promise<unknown>, text: string): Promise<void> {
  await rejects(p, (e: unknown) => {
    ok(e instanceof RpcError, `expected a fault, got ${String(e)}`);
    equal(e.message, text);
    return true;
  });
}

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("[RPC.supervisor.readProcessStdoutLog,RPC.supervisor.readProcessLog,RPC.readfile] slices as Python's readFile does", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\n");
  // [offset, length, result] as supervisor.options.readFile answered for b'hello\n' (4.2.5).
  const oracle: Array<[number, number, string]> = [
    [0, 0, "hello\n"],
    [-3, 0, "lo\n"],
    [-100, 0, "hello\n"],
    [0, 3, "hel"],
    [2, 2, "ll"],
    [5, 10, "\n"],
    [6, 0, ""],
    [6, 1, ""],
    [100, 0, ""],
    [100, 5, ""],
    [0, 1, "h"],
  ];
  for (const [offset, length, want] of oracle) {
    equal(await d.call("supervisor.readProcessStdoutLog", "cat", offset, length), want, `${offset},${length}`);
    equal(await d.call("supervisor.readProcessLog", "cat", offset, length), want, `alias ${offset},${length}`);
  }
});

Deno.test("[RPC.readfile,FAULT.table] BAD_ARGUMENTS for a negative offset with a length, or a negative length", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\n");
  for (const [offset, length] of [[-3, 1], [0, -1], [-1, -1]]) {
    await fault(d.call("supervisor.readProcessStdoutLog", "cat", offset!, length!), "BAD_ARGUMENTS");
  }
});

Deno.test("[RPC.readfile] an unreadable file is FAILED, even with bad arguments (Python opens the file first)", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "secret\n", { mode: 0o000 });
  await fault(d.call("supervisor.readProcessStdoutLog", "cat", 0, 0), "FAILED");
  await fault(d.call("supervisor.readProcessStdoutLog", "cat", -3, 1), "FAILED");
  equal((await d.call("supervisor.tailProcessStdoutLog", "cat", 7, 3) as unknown[])[1], 7, "tail: ['', offset, false]");
});

Deno.test("[RPC.supervisor.readProcessStdoutLog,RPC.supervisor.readProcessStderrLog,FAULT.table] NO_FILE with the path when missing, bare when there is no log", async () => {
  const d = await daemon();
  await fault(d.call("supervisor.readProcessStdoutLog", "cat", 0, 0), `NO_FILE: ${OUT}`);
  await fault(d.call("supervisor.readProcessStdoutLog", "none", 0, 0), "NO_FILE");
  await fault(d.call("supervisor.readProcessStderrLog", "redir", 0, 0), "NO_FILE");
  const auto = d.proc("cat").output?.logfile("stderr") ?? "";
  ok(auto.startsWith(`${CHILDLOGDIR}/cat-stderr---test-`), auto);
  equal(await d.call("supervisor.readProcessStderrLog", "cat", 0, 0), "", "the AUTO file exists from the start");
  d.rt.fs.unlinkSync(auto);
  await fault(d.call("supervisor.readProcessStderrLog", "cat", 0, 0), `NO_FILE: ${auto}`);
});

Deno.test("[RPC.supervisor.readProcessStdoutLog,RPC.supervisor.tailProcessStdoutLog,FAULT.table] BAD_NAME for unknown names and whole groups", async () => {
  const d = await daemon();
  for (const name of ["nosuch", "cat:*", "cat:", "cat:nosuch"]) {
    await fault(d.call("supervisor.readProcessStdoutLog", name, 0, 0), `BAD_NAME: ${name}`);
    await fault(d.call("supervisor.tailProcessStdoutLog", name, 0, 0), `BAD_NAME: ${name}`);
    await fault(d.call("supervisor.clearProcessLogs", name), `BAD_NAME: ${name}`);
    await fault(d.call("supervisor.sendProcessStdin", name, "x"), `BAD_NAME: ${name}`);
  }
});

Deno.test("[XMLRPC.badtext,RPC.readfile] log bytes that are not UTF-8 come back with U+FFFD, never a failure", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62, 0xc3, 0xa9]));
  equal(
    await d.call("supervisor.readProcessStdoutLog", "cat", 0, 0),
    "\ufeffa\ufffdb\u00e9",
    "BOM kept, 0xff replaced",
  );
  equal(await d.call("supervisor.readProcessStdoutLog", "cat", -1, 0), "\ufffd", "a character cut by the offset");
  deepEqual(await d.call("supervisor.tailProcessStdoutLog", "cat", 0, 1), ["\ufffd", 8, true]);
  deepEqual(await d.call("supervisor.tailProcessStdoutLog", "cat", 0, 2), ["\u00e9", 8, true]);
});

Deno.test("[XMLRPC.dispatch,XMLRPC.500] offsets go through Python's int(): numeric strings and doubles pass, other text is HTTP 500", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\n");
  equal(await d.call("supervisor.readProcessStdoutLog", "cat", "2", " 2 "), "ll");
  equal(await d.call("supervisor.readProcessStdoutLog", "cat", new Double(1.9), true), "e");
  await rejects(d.call("supervisor.readProcessStdoutLog", "cat", "x", 3), (e) => !(e instanceof RpcError));
  await rejects(d.call("supervisor.tailProcessStdoutLog", "cat", "x", 3), (e) => !(e instanceof RpcError));
  // Python converts only once the file is known to exist.
  await fault(d.call("supervisor.readProcessStdoutLog", "none", "x", 3), "NO_FILE");
  deepEqual(await d.call("supervisor.tailProcessStdoutLog", "none", "x", 3), ["", 0, false]);
});

Deno.test("[RPC.supervisor.tailProcessStdoutLog,RPC.supervisor.tailProcessLog] follows Python's tailFile offsets and overflow flag", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\n");
  // [offset, length, result] as supervisor.options.tailFile answered for b'hello\n' (4.2.5).
  const oracle: Array<[number, number, [string, number, boolean]]> = [
    [0, 3, ["lo\n", 6, true]],
    [0, 100, ["hello\n", 6, false]],
    [-10, 3, ["lo\n", 6, true]],
    [6, -3, ["", 6, true]],
    [6, 3, ["", 6, false]],
    [7, 3, ["", 6, false]],
    [3, 0, ["", 6, true]],
    [0, 0, ["", 6, true]],
    [-3, -3, ["", 6, true]],
    [100, -200, ["", 6, true]],
    [-100, 100, ["hello\n", 6, true]],
    [5, 1, ["\n", 6, false]],
    [2, 2, ["o\n", 6, true]],
    [1, 5, ["ello\n", 6, false]],
    [0, 6, ["hello\n", 6, false]],
    [0, 5, ["ello\n", 6, true]],
  ];
  for (const [offset, length, want] of oracle) {
    deepEqual(await d.call("supervisor.tailProcessStdoutLog", "cat", offset, length), want, `${offset},${length}`);
    deepEqual(await d.call("supervisor.tailProcessLog", "cat", offset, length), want, `alias ${offset},${length}`);
  }
});

Deno.test("[RPC.supervisor.tailProcessStderrLog] no log file or a missing one gives ['', 0, false]", async () => {
  const d = await daemon();
  deepEqual(await d.call("supervisor.tailProcessStderrLog", "redir", 0, 3), ["", 0, false]);
  deepEqual(await d.call("supervisor.tailProcessStdoutLog", "none", 5, 3), ["", 0, false]);
  deepEqual(await d.call("supervisor.tailProcessStdoutLog", "cat", 5, 3), ["", 0, false], "configured, not created");
  const child = d.start("cat");
  child.writeStderr("oops\n");
  await settle();
  deepEqual(await d.call("supervisor.tailProcessStderrLog", "cat", 0, 3), ["ps\n", 5, true]);
});

Deno.test("[RPC.supervisor.readLog,RPC.supervisor.readMainLog] reads the main log as it is written", async () => {
  const d = await daemon();
  d.logger.info("first line");
  const text = d.rt.fs.text(MAIN_LOG) ?? "";
  ok(text.endsWith(" INFO first line\n"), text);
  equal(await d.call("supervisor.readLog", 0, 0), text);
  equal(await d.call("supervisor.readMainLog", -5, 0), "line\n");
  await fault(d.call("supervisor.readLog", -5, 5), "BAD_ARGUMENTS");
  d.rt.fs.unlinkSync(MAIN_LOG);
  await fault(d.call("supervisor.readLog", 0, 0), `NO_FILE: ${MAIN_LOG}`);
});

/** The context with a main log whose `logfile` is `path` (null: syslog). */
function withMainLog(d: TestDaemon, path: string | null): ApiContext {
  const logger: MainLogger = Object.assign(Object.create(d.logger), { logfile: path });
  return { ...d.ctx, logger };
}

Deno.test("[RPC.supervisor.readLog,RPC.supervisor.clearLog,LOG.main.syslog] a syslog main log has no file: bare NO_FILE", async () => {
  const d = await daemon();
  const ctx = withMainLog(d, null);
  await fault(readLog(ctx, 0, 0), "NO_FILE");
  await fault(clearLog(ctx), "NO_FILE");
});

Deno.test("[RPC.supervisor.clearLog,MLOG.clearlog] clearLog deletes the main log and reopens an empty one", async () => {
  const d = await daemon();
  d.logger.info("old line");
  const before = d.rt.fs.statSync(MAIN_LOG);
  equal(await d.call("supervisor.clearLog"), true);
  const after = d.rt.fs.statSync(MAIN_LOG);
  ok(before !== null && after !== null && before.ino !== after.ino, "a new file");
  equal(d.rt.fs.text(MAIN_LOG), "", "'reopening log file' went to the deleted file");
  d.logger.info("new line");
  ok((d.rt.fs.text(MAIN_LOG) ?? "").endsWith(" INFO new line\n"));
  d.rt.fs.unlinkSync(MAIN_LOG);
  await fault(d.call("supervisor.clearLog"), "NO_FILE");
});

Deno.test("[RPC.supervisor.clearLog,FAULT.table] clearLog is FAILED when the file cannot be removed", async () => {
  const d = await daemon();
  d.rt.fs.seedDir("/var/log/adir");
  await fault(clearLog(withMainLog(d, "/var/log/adir")), "FAILED");
  ok(d.rt.fs.statSync("/var/log/adir")?.isDirectory, "a directory is not removed");
});

Deno.test("[RPC.supervisor.clearProcessLogs,RPC.supervisor.clearProcessLog,LOG.child.clear] a running process's logs are deleted and recreated", async () => {
  const d = await daemon();
  const child = d.start("cat");
  child.writeStdout("out1\n");
  child.writeStderr("err1\n");
  await settle();
  const errlog = d.proc("cat").output?.logfile("stderr") ?? "";
  const ino = d.rt.fs.statSync(OUT)?.ino;
  equal(await d.call("supervisor.clearProcessLogs", "cat"), true);
  equal(d.rt.fs.text(OUT), "");
  equal(d.rt.fs.text(errlog), "");
  ok(d.rt.fs.statSync(OUT)?.ino !== ino, "removed and recreated, as Python's removelogs");
  child.writeStdout("out2\n");
  await settle();
  equal(d.rt.fs.text(OUT), "out2\n", "output goes on into the new file");
  equal(await d.call("supervisor.clearProcessLog", "cat"), true, "the alias");
  equal(d.rt.fs.text(OUT), "");
});

Deno.test("[RPC.supervisor.clearProcessLogs,LOG.child.clear] a stopped process's logs are emptied too (decision, unlike Python)", async () => {
  const d = await daemon();
  const child = d.start("cat");
  child.writeStdout("before exit\n");
  child.exit(0);
  await settle(40);
  equal(d.proc("cat").pid, 0);
  equal(d.rt.fs.text(OUT), "before exit\n");
  equal(await d.call("supervisor.clearProcessLogs", "cat"), true);
  equal(d.rt.fs.text(OUT), "");
  equal(await d.call("supervisor.clearProcessLogs", "none"), true, "no log files: nothing to do");
});

Deno.test("[RPC.supervisor.clearProcessLogs,FAULT.table] an I/O error is FAILED: <name>", async () => {
  const d = await daemon();
  d.start("cat");
  await settle();
  d.rt.fs.failWith(OUT, "EACCES");
  await fault(d.call("supervisor.clearProcessLogs", "cat:cat"), "FAILED: cat:cat");
});

Deno.test("[RPC.supervisor.clearAllProcessLogs,RPC.struct.result] one result struct per process in priority order, failures included", async () => {
  const d = await testDaemon([
    programGroup("b", [{ stdout_logfile: "/logs/b.out" }], 20),
    programGroup("grp", [{ name: "p2", priority: 2, stdout_logfile: "/logs/p2.out" }, { name: "p1", priority: 1 }], 10),
  ], logHandlers);
  d.start("b");
  d.start("grp", "p2");
  await settle();
  d.rt.fs.failWith("/logs/p2.out", "EACCES");
  deepEqual(await d.call("supervisor.clearAllProcessLogs"), [
    { name: "p1", group: "grp", status: Faults.SUCCESS, description: "OK" },
    { name: "p2", group: "grp", status: Faults.FAILED, description: "FAILED: grp:p2" },
    { name: "b", group: "b", status: Faults.SUCCESS, description: "OK" },
  ]);
});

Deno.test("[RPC.supervisor.sendProcessStdin] writes the text as UTF-8 to the child's stdin", async () => {
  const d = await daemon();
  const child = d.start("cat");
  equal(await d.call("supervisor.sendProcessStdin", "cat", "héllo\n"), true);
  equal(await d.call("supervisor.sendProcessStdin", "cat", bytes("more")), true, "base64 params arrive as bytes");
  equal(child.stdinText(), "héllo\nmore");
});

Deno.test("[RPC.supervisor.sendProcessStdin,FAULT.table] INCORRECT_PARAMETERS for a non-string, before the name is looked up", async () => {
  const d = await daemon();
  await fault(d.call("supervisor.sendProcessStdin", "cat", 5), "INCORRECT_PARAMETERS: 5");
  await fault(d.call("supervisor.sendProcessStdin", "nosuch", ["x"]), "INCORRECT_PARAMETERS: ['x']");
});

Deno.test("[RPC.supervisor.sendProcessStdin,FAULT.table] NOT_RUNNING without a pid or while being killed", async () => {
  const d = await daemon();
  await fault(d.call("supervisor.sendProcessStdin", "cat", "x"), "NOT_RUNNING: cat");
  d.start("cat");
  d.proc("cat").stop();
  equal(d.proc("cat").state, ProcessState.STOPPING);
  await fault(d.call("supervisor.sendProcessStdin", "cat", "x"), "NOT_RUNNING: cat");
});

Deno.test("[RPC.supervisor.sendProcessStdin,FAULT.table] a closed stdin is NO_FILE: <name>", async () => {
  const d = await daemon();
  const child = d.start("cat");
  await child.stdin?.close();
  await fault(d.call("supervisor.sendProcessStdin", "cat", "x"), "NO_FILE: cat");
  const proc = d.proc("cat");
  proc.child = { ...child, stdin: null };
  await fault(d.call("supervisor.sendProcessStdin", "cat", "x"), "NO_FILE: cat");
});

Deno.test("[RPC.supervisor.sendProcessStdin] a write the pipe cannot take yet answers true after the grace period", async () => {
  const d = await daemon();
  const child = d.start("cat");
  let finish: (() => void) | null = null;
  const slow = { write: () => new Promise<void>((r) => (finish = r)), close: () => Promise.resolve() };
  d.proc("cat").child = { ...child, stdin: slow };
  let answered: unknown = "pending";
  await settle();
  const timers = d.rt.clock.pending;
  d.call("supervisor.sendProcessStdin", "cat", "x").then((v) => (answered = v));
  await settle();
  equal(answered, "pending");
  d.rt.clock.advance(STDIN_WRITE_GRACE_MS);
  await settle();
  equal(answered, true);
  ok(finish !== null);
  equal(d.rt.clock.pending, timers, "no timer left behind");
});

Deno.test("[RPC.supervisor.sendRemoteCommEvent] hands type and data to the event hook and answers true", async () => {
  const d = await daemon();
  equal(await d.call("supervisor.sendRemoteCommEvent", "mytype", "some data"), true);
  equal(await d.call("supervisor.sendRemoteCommEvent", 1, 2), true);
  deepEqual(d.events, [["mytype", "some data"], ["1", "2"]]);
  const noHook = logHandlers({ ...d.ctx, remoteCommEvent: undefined } as unknown as ApiContext);
  equal(await noHook["supervisor.sendRemoteCommEvent"]?.(["t", "d"]), true);
});

Deno.test("[FAULT.shutdown] every log method is SHUTDOWN_STATE while stopping, except sendRemoteCommEvent", async () => {
  const d = await daemon();
  d.rt.fs.seedFile(OUT, "hello\n");
  d.sup.shutdown();
  const calls: Array<[string, ...unknown[]]> = [
    ["supervisor.readLog", 0, 0],
    ["supervisor.readMainLog", 0, 0],
    ["supervisor.clearLog"],
    ["supervisor.readProcessStdoutLog", "cat", 0, 0],
    ["supervisor.readProcessStderrLog", "cat", 0, 0],
    ["supervisor.tailProcessStdoutLog", "cat", 0, 0],
    ["supervisor.tailProcessStderrLog", "cat", 0, 0],
    ["supervisor.clearProcessLogs", "cat"],
    ["supervisor.clearAllProcessLogs"],
    ["supervisor.sendProcessStdin", "cat", 5],
  ];
  for (const [method, ...params] of calls) {
    await fault(d.call(method, ...(params as never[])), "SHUTDOWN_STATE");
  }
  equal(await d.call("supervisor.sendRemoteCommEvent", "t", "d"), true);
});
