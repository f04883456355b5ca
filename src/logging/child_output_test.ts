import { deepEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import type { LogLevelName } from "../config/datatypes.ts";
import type { ProcessConfig } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig } from "../test_support.ts";
import { RuntimeError } from "../runtime/types.ts";
import { createProcessOutput, type ProcessOutputContext } from "./child_output.ts";
import { bytePipe } from "./_testing.ts";
import { type Channel, LEVEL_NUMBERS, type Logger } from "./types.ts";

const enc = new TextEncoder();

function proc(overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  return programConfig({
    name: "web",
    command: "/bin/web",
    stdout_logfile: "/logs/web.out",
    stdout_logfile_maxbytes: 0,
    stderr_logfile: "/logs/web.err",
    stderr_logfile_maxbytes: 0,
    ...overrides,
  });
}

/** Lets queued microtasks run until `cond` holds (no timers, no sleeping). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await Promise.resolve();
  ok(cond(), "condition not reached");
}

/** A main log that records what reaches it. */
function recorder(level: LogLevelName = "info") {
  const lines: Array<[LogLevelName, string]> = [];
  const threshold = LEVEL_NUMBERS[level];
  const log = (l: LogLevelName, m: string) => void (LEVEL_NUMBERS[l] >= threshold && lines.push([l, m]));
  const logger: Logger = {
    log,
    critical: (m) => log("critical", m),
    error: (m) => log("error", m),
    warn: (m) => log("warn", m),
    info: (m) => log("info", m),
    debug: (m) => log("debug", m),
    trace: (m) => log("trace", m),
    blather: (m) => log("blather", m),
    enabled: (l) => LEVEL_NUMBERS[l] >= threshold,
    reopen: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { logger, lines };
}

async function setup(
  overrides: Partial<ProcessConfig> = {},
  opts: { level?: LogLevelName; ctx?: Partial<ProcessOutputContext>; cwd?: string } = {},
) {
  const rt = new FakeRuntime({ cwd: opts.cwd ?? "/" });
  rt.fs.seedDir("/logs");
  rt.fs.seedDir("/srv/logs");
  const { logger, lines } = recorder(opts.level);
  const seen: Array<[Channel, string]> = [];
  const ctx: ProcessOutputContext = {
    childlogdir: "/logs",
    identifier: "supervisor",
    strip_ansi: false,
    onOutput: (channel, data) => seen.push([channel, new TextDecoder().decode(data)]),
    ...opts.ctx,
  };
  const config = proc(overrides);
  const output = await createProcessOutput(rt, logger, config, ctx);
  const child = rt.spawn({ path: "/bin/web", argv: ["web"], env: {}, redirectStderr: config.redirect_stderr });
  /** Opens the files, drains both pipes while `script` writes, then ends the child. */
  const run = async (script: () => void) => {
    output.open();
    const drains = [child.stdout, child.stderr].flatMap((s, i) =>
      s === null ? [] : [output.drain(i === 0 ? "stdout" : "stderr", s)]
    );
    script();
    child.exit(0);
    await Promise.all(drains);
  };
  return { rt, output, child, run, lines, seen, text: (p: string) => rt.fs.text(p) };
}

Deno.test("[LOG.child.write] every chunk is written raw and in order to its channel's file", async () => {
  const t = await setup();
  const raw = Uint8Array.of(0x00, 0xff, 0x0a);
  await t.run(() => {
    t.child.writeStdout("first\n");
    t.child.writeStderr("oops ");
    t.child.writeStdout(raw);
    t.child.writeStdout("no newline");
    t.child.writeStderr("again\n");
  });
  deepEqual(
    t.rt.fs.readFileSync("/logs/web.out"),
    Uint8Array.of(...enc.encode("first\n"), ...raw, ...enc.encode("no newline")),
  );
  equal(t.text("/logs/web.err"), "oops again\n");
  deepEqual(t.seen.filter(([c]) => c === "stdout").length, 3, "the observer sees every chunk");
  equal(t.lines.length, 0, "nothing reaches the main log at info");
});

Deno.test("[LOG.child.syslog] <channel>_syslog sends `<name> <line>` per line of each chunk, besides the file", async () => {
  const t = await setup({ stdout_syslog: true, stderr_logfile: "NONE" });
  await t.run(() => {
    t.child.writeStdout("one\ntwo 50%\n\n");
    t.child.writeStderr("not sent\n");
    t.child.writeStdout("partial");
  });
  deepEqual(t.rt.syslogged, ["web one", "web two 50%", "web partial"]);
  equal(t.text("/logs/web.out"), "one\ntwo 50%\n\npartial");
  const listener = await setup({ stdout_syslog: true, stderr_syslog: true }, { ctx: { listener: true } });
  await listener.run(() => {
    listener.child.writeStdout("READY\n");
    listener.child.writeStderr("diagnostics\n");
  });
  deepEqual(listener.rt.syslogged, ["web diagnostics"], "a listener's stdout (the protocol) is never sent");
});

Deno.test("[LOG.child.write] rotation is checked after each chunk (15 KB burst, maxbytes 2KB)", async () => {
  const t = await setup({ stdout_logfile_maxbytes: 2048, stdout_logfile_backups: 10 });
  const burst = "y".repeat(15190);
  await t.run(() => t.child.writeStdout(burst));
  deepEqual([t.text("/logs/web.out"), t.text("/logs/web.out.1")], ["", burst]);
  equal(t.rt.fs.exists("/logs/web.out.2"), false);
});

Deno.test("[LOG.child.write] a pipe target (/dev/stdout) is never rotated: every byte kept, one WARN when maxbytes > 0", async () => {
  const t = await setup({
    stdout_logfile: "/dev/stdout",
    stdout_logfile_maxbytes: 2048,
    stderr_logfile: "/dev/stdout",
  });
  t.rt.fs.seedPipe("/dev/stdout");
  const burst = "z".repeat(15190);
  await t.run(() => {
    t.child.writeStdout(burst);
    t.child.writeStderr("err\n");
  });
  // A second run of the process opens the files again: no second warning.
  t.output.open();
  await t.output.close();
  equal(t.rt.fs.readFileSync("/dev/stdout").length, burst.length + 4, "no byte lost, nothing rotated");
  equal(t.rt.fs.exists("/dev/stdout.1"), false);
  deepEqual(t.lines, [["warn", "stdout_logfile for 'web' is not seekable; rotation disabled"]]);

  const quiet = await setup({ stdout_logfile: "/dev/stdout", stdout_logfile_maxbytes: 0, stderr_logfile: "NONE" });
  quiet.rt.fs.seedPipe("/dev/stdout");
  await quiet.run(() => quiet.child.writeStdout("line\n"));
  deepEqual(quiet.lines, [], "maxbytes=0: nothing to disable, nothing logged (as Python)");
});

Deno.test("memoryLogs (container mode): a channel without a log file keeps its output in a ring; clear empties it", async () => {
  const t = await setup({ stdout_logfile: null, stderr_logfile: "/logs/web.err" }, { ctx: { memoryLogs: true } });
  await t.run(() => {
    t.child.writeStdout("one\n");
    t.child.writeStderr("to the file\n");
    t.child.writeStdout("two\n");
  });
  equal(t.output.logfile("stdout"), "", "still no file, as getProcessInfo reports");
  const ring = t.output.memoryLog?.("stdout");
  equal(new TextDecoder().decode(ring?.read(0, 100)), "one\ntwo\n");
  equal(t.output.memoryLog?.("stderr"), null, "a channel with a file has no ring");
  await t.output.clear();
  equal(ring?.size, 0);
  const plain = await setup({ stdout_logfile: null });
  equal(plain.output.memoryLog?.("stdout"), null, "only in container mode");
});

Deno.test("[LOG.child.auto] AUTO files are created empty with mode 0600 when the output is created", async () => {
  const t = await setup({ stdout_logfile: "AUTO", stderr_logfile: "AUTO" }, {
    cwd: "/srv",
    ctx: { childlogdir: "logs" },
  });
  const out = t.output.logfile("stdout");
  const err = t.output.logfile("stderr");
  match(out, /^\/srv\/logs\/web-stdout---supervisor-[a-z0-9_]{8}\.log$/);
  match(err, /^\/srv\/logs\/web-stderr---supervisor-[a-z0-9_]{8}\.log$/);
  for (const path of [out, err]) {
    const info = t.rt.fs.statSync(path);
    deepEqual([info?.size, info?.mode], [0, 0o100600]);
  }
  await t.run(() => t.child.writeStdout("hi\n"));
  equal(t.text(out), "hi\n");
});

Deno.test("[LOG.child.auto] an AUTO name that exists already is skipped, as mkstemp does", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/logs/w-stdout---id-aaaaaaaa.log", "someone else's");
  const draws = [0, 0, 0, 0, 0, 0, 0, 0, ...Array(8).fill(36 / 37)]; // "aaaaaaaa", then "________"
  const output = await createProcessOutput(rt, recorder().logger, proc({ name: "w", stdout_logfile: "AUTO" }), {
    childlogdir: "/logs",
    identifier: "id",
    strip_ansi: false,
    random: () => draws.shift() ?? 0.5,
  });
  equal(output.logfile("stdout"), "/logs/w-stdout---id-________.log");
  equal(rt.fs.text("/logs/w-stdout---id-aaaaaaaa.log"), "someone else's");
});

Deno.test("createProcessOutput() rejects when an AUTO file cannot be created", async () => {
  const rt = new FakeRuntime();
  await rejects(
    createProcessOutput(rt, recorder().logger, proc({ stdout_logfile: "AUTO" }), {
      childlogdir: "/missing",
      identifier: "supervisor",
      strip_ansi: false,
    }),
    (e) => e instanceof RuntimeError && e.code === "ENOENT",
  );
});

Deno.test("[LOG.child.none] with no log file output is read and discarded but still observed and echoed", async () => {
  const t = await setup({ stdout_logfile: null, stderr_logfile: null }, { level: "debug" });
  await t.run(() => t.child.writeStdout("gone\n"));
  deepEqual([t.output.logfile("stdout"), t.output.logfile("stderr")], ["", ""]);
  deepEqual(t.rt.fs.readDirSync("/logs"), []);
  deepEqual(t.seen, [["stdout", "gone\n"]]);
  deepEqual(t.lines, [["debug", "'web' stdout output:\ngone\n"]]);
});

Deno.test("[LOG.child.redirect] with redirect_stderr stderr goes into the stdout log and there is no stderr log", async () => {
  const t = await setup({ redirect_stderr: true, stderr_logfile: "/logs/ignored.err" });
  await t.run(() => {
    t.child.writeStdout("out ");
    t.child.writeStderr("err\n");
  });
  equal(t.text("/logs/web.out"), "out err\n");
  equal(t.output.logfile("stderr"), "");
  equal(t.rt.fs.exists("/logs/ignored.err"), false);
  deepEqual(t.seen.map(([c]) => c), ["stdout", "stdout"]);
});

Deno.test("[LOG.child.strip_ansi] strip_ansi applies to the log file, the debug echo and the observer", async () => {
  const t = await setup({}, { level: "debug", ctx: { strip_ansi: true } });
  await t.run(() => t.child.writeStdout("\x1b[32mgreen\x1b[0m\n"));
  equal(t.text("/logs/web.out"), "green\n");
  deepEqual(t.seen, [["stdout", "green\n"]]);
  deepEqual(t.lines, [["debug", "'web' stdout output:\ngreen\n"]]);
  const raw = await setup({}, { ctx: { strip_ansi: false } });
  await raw.run(() => raw.child.writeStdout("\x1b[32mgreen\x1b[0m\n"));
  equal(raw.text("/logs/web.out"), "\x1b[32mgreen\x1b[0m\n");
});

Deno.test("[LOG.child.debugecho,MLOG.output] at loglevel debug each chunk is echoed to the main log", async () => {
  const t = await setup({ name: "it's" }, { level: "debug" });
  await t.run(() => {
    t.child.writeStdout("hello\n");
    t.child.writeStderr(Uint8Array.of(0x62, 0xff, 0x0a));
  });
  deepEqual(t.lines, [
    ["debug", `"it's" stdout output:\nhello\n`],
    ["debug", `"it's" stderr output:\nUndecodable: b'b\\xff\\n'`],
  ]);
  const quiet = await setup({}, { level: "info" });
  await quiet.run(() => quiet.child.writeStdout("hello\n"));
  deepEqual(quiet.lines, []);
});

Deno.test("[LOG.child.reopen] reopen() reopens the log files at the same path", async () => {
  const t = await setup();
  t.output.open();
  const drain = t.output.drain("stdout", t.child.stdout!);
  t.child.writeStdout("one\n");
  await until(() => t.seen.length === 1);
  await t.rt.fs.rename("/logs/web.out", "/logs/web.out.old");
  await t.output.reopen();
  t.child.writeStdout("two\n");
  t.child.exit(0);
  await drain;
  deepEqual([t.text("/logs/web.out.old"), t.text("/logs/web.out")], ["one\n", "two\n"]);
});

Deno.test("[LOG.child.clear] clear() recreates open log files empty (umask mode); with files closed it does nothing", async () => {
  const t = await setup({ stdout_logfile: "AUTO", stdout_logfile_maxbytes: 4, stdout_logfile_backups: 1 });
  const path = t.output.logfile("stdout");
  await t.run(() => t.child.writeStdout("12345"));
  t.rt.fs.seedFile(path, "more");
  await t.output.clear();
  deepEqual([t.text(path), t.text(`${path}.1`), t.rt.fs.statSync(path)?.mode], ["", "12345", 0o100644]);
  await t.output.close();
  t.rt.fs.seedFile(path, "kept");
  await t.output.clear();
  equal(t.text(path), "kept");
});

Deno.test("clear() rejects with the error of a file it could not remove", async () => {
  const t = await setup();
  t.output.open();
  t.rt.fs.failWith("/logs/web.err", "EACCES");
  await rejects(t.output.clear(), (e) => e instanceof RuntimeError && e.code === "EACCES");
});

Deno.test("close() ends a drain that is still reading, as Python closes the pipes of a reaped process", async () => {
  const t = await setup();
  t.output.open();
  const drain = t.output.drain("stdout", t.child.stdout!);
  t.child.writeStdout("before\n");
  await until(() => t.seen.length === 1);
  await t.output.close();
  await drain;
  equal(t.text("/logs/web.out"), "before\n");
});

Deno.test("open() throws when a log file cannot be opened; drain() without open() reports it and goes on", async () => {
  const t = await setup({ stdout_logfile: "/nodir/web.out" });
  throws(() => t.output.open(), (e) => e instanceof RuntimeError && e.code === "ENOENT");
  const drain = t.output.drain("stdout", t.child.stdout!);
  t.child.writeStdout("x");
  t.child.exit(0);
  await drain;
  deepEqual(t.seen, [["stdout", "x"]]);
  equal(t.lines.length, 1);
  match(t.lines[0]![1], /^could not open the log files of 'web': /);
});

Deno.test("a throwing observer is reported and the drain keeps writing", async () => {
  const t = await setup({}, {
    ctx: {
      onOutput: () => {
        throw new Error("boom");
      },
    },
  });
  await t.run(() => {
    t.child.writeStdout("a");
    t.child.writeStdout("b");
  });
  equal(t.text("/logs/web.out"), "ab");
  deepEqual(t.lines, [["error", "output observer of 'web' failed: boom"], [
    "error",
    "output observer of 'web' failed: boom",
  ]]);
  ok(t.output.onOutput !== null);
});

Deno.test("drain() of a byte-stream pipe (Deno's) waits with a small buffer and still writes every byte", async () => {
  const t = await setup();
  const pipe = bytePipe();
  for (const data of [enc.encode("line 1\n"), new Uint8Array(100_000).fill(0x61), enc.encode("quiet\n")]) {
    pipe.write(data);
  }
  const asked = pipe.asked;
  t.output.open();
  const drain = t.output.drain("stdout", pipe.stream);
  await until(() => asked.length >= 7);
  ok(asked.includes(65536) && asked.every((n) => n <= 65536), "the burst was read in buffers of up to 64 KiB");
  equal(asked.at(-1), 4096, "the read left pending on the quiet pipe asks for 4 KiB, not 64 KiB");
  pipe.end();
  await drain;
  const all = "line 1\n" + "a".repeat(100_000) + "quiet\n";
  equal(t.text("/logs/web.out"), all);
  equal(t.seen.map(([, s]) => s).join(""), all, "the observer saw each chunk's bytes");
});
