import { deepEqual, equal, match, throws } from "node:assert/strict";
import type { LogLevelName } from "../config/datatypes.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { RuntimeError } from "../runtime/types.ts";
import { createMainLogger, formatAsctime, type MainLoggerOptions } from "./main_logger.ts";

function setup(opts: Partial<MainLoggerOptions> = {}) {
  const rt = new FakeRuntime();
  rt.fs.seedDir("/var/log");
  const logger = createMainLogger(rt, {
    logfile: "/var/log/supervisord.log",
    maxbytes: 0,
    backups: 0,
    level: "info",
    echo: null,
    ...opts,
  });
  return { rt, logger, text: (suffix = "") => rt.fs.text(`/var/log/supervisord.log${suffix}`) ?? "" };
}

/** Python's asctime for `ms`, built from the local-time Date getters (TZ-independent check). */
function expectedAsctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const millis = ms % 1000;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},` +
    `${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}`;
}

Deno.test("[LOG.main.format] main log lines are `<local asctime>,mmm LEVL message`", () => {
  const { rt, logger, text } = setup();
  rt.clock.advance(3_723_042);
  const t1 = rt.clock.now();
  logger.info("spawned: 'web' with pid 42");
  rt.clock.advance(7);
  logger.warn("two\nlines");
  const t2 = rt.clock.now();
  equal(
    text(),
    `${expectedAsctime(t1)} INFO spawned: 'web' with pid 42\n${expectedAsctime(t2)} WARN two\nlines\n`,
  );
  match(text(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,042 INFO /);
});

Deno.test("[LOG.main.format] asctime truncates milliseconds and follows the clock across seconds and jumps", () => {
  equal(formatAsctime(Date.UTC(2024, 0, 1) + 999.9), expectedAsctime(Date.UTC(2024, 0, 1) + 999));
  const { rt, logger, text } = setup();
  const seen: number[] = [];
  for (const step of [999, 1, 59_000, 0]) {
    rt.clock.advance(step);
    seen.push(rt.clock.now());
    logger.info("tick");
  }
  rt.clock.jumpWall(-86_400_000);
  seen.push(rt.clock.now());
  logger.info("tick");
  equal(text(), seen.map((ms) => `${expectedAsctime(ms)} INFO tick\n`).join(""));
});

Deno.test("[LOG.levels] messages below the configured level are dropped; labels are CRIT…BLAT", () => {
  const { logger, text } = setup({ level: "warn" });
  logger.blather("b");
  logger.trace("t");
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  logger.critical("c");
  deepEqual(text().split("\n").filter(Boolean).map((l) => l.slice(24)), ["WARN w", "ERRO e", "CRIT c"]);
  deepEqual(
    (["critical", "error", "warn", "info", "debug", "trace", "blather"] as LogLevelName[]).map((l) =>
      logger.enabled(l)
    ),
    [true, true, true, false, false, false, false],
  );
  const all = setup({ level: "blather" });
  for (const level of ["critical", "error", "warn", "info", "debug", "trace", "blather"] as const) {
    all.logger.log(level, level);
  }
  deepEqual(all.text().split("\n").filter(Boolean).map((l) => l.slice(24, 28)), [
    "CRIT",
    "ERRO",
    "WARN",
    "INFO",
    "DEBG",
    "TRAC",
    "BLAT",
  ]);
});

Deno.test("[LOG.main.rotate] the main log rotates into numbered backups", () => {
  const { logger, text } = setup({ maxbytes: 100, backups: 2 });
  for (let i = 0; i < 11; i++) logger.info(`message number ${i}`); // 46-47 bytes a line: 3 lines a file
  const lines = (s: string) => s.split("\n").filter(Boolean).map((l) => l.slice(29));
  deepEqual(lines(text(".2")), ["message number 3", "message number 4", "message number 5"]);
  deepEqual(lines(text(".1")), ["message number 6", "message number 7", "message number 8"]);
  deepEqual(lines(text()), ["message number 9", "message number 10"]);
});

Deno.test("[LOG.main.stdout] in the foreground every line written is echoed, same format and filter", () => {
  const fg = setup({ level: "info" });
  const echoed = createMainLogger(fg.rt, {
    logfile: "/var/log/echo.log",
    maxbytes: 0,
    backups: 0,
    level: "info",
    echo: fg.rt.stdout,
  });
  echoed.info("hello");
  echoed.debug("hidden");
  echoed.error("bad");
  equal(fg.rt.stdoutText(), fg.rt.fs.text("/var/log/echo.log"));
  equal(fg.rt.stdoutText().split("\n").length, 3);
  fg.logger.info("not echoed");
  equal(fg.rt.stdoutText().includes("not echoed"), false);
});

Deno.test("console_loglevel: the echo has its own threshold, above or below the file's", () => {
  const lines = (s: string) => s.split("\n").filter(Boolean).map((l) => l.slice(29));
  const quiet = setup({ level: "info", echo: null });
  const q = createMainLogger(quiet.rt, {
    logfile: "/var/log/q.log",
    maxbytes: 0,
    backups: 0,
    level: "info",
    echo: quiet.rt.stdout,
    echoLevel: "warn",
  });
  q.info("file only");
  q.warn("both");
  equal(lines(quiet.rt.fs.text("/var/log/q.log") ?? "").join("|"), "file only|both");
  equal(lines(quiet.rt.stdoutText()).join("|"), "both");
  const chatty = createMainLogger(quiet.rt, {
    logfile: "/var/log/c.log",
    maxbytes: 0,
    backups: 0,
    level: "warn",
    echo: { write: (line) => void lines2.push(String(line)) },
    echoLevel: "debug",
  });
  const lines2: string[] = [];
  equal(chatty.enabled("debug"), true, "a level the echo wants is enabled");
  chatty.debug("echo only");
  chatty.error("both");
  equal(lines(quiet.rt.fs.text("/var/log/c.log") ?? "").join("|"), "both");
  equal(lines(lines2.join("")).join("|"), "echo only|both");
});

Deno.test("[LOG.main.syslog] logfile=syslog: one syslog record per line, file-formatted; no file, no logfile path; still echoes", () => {
  const rt = new FakeRuntime({ cwd: "/run" });
  const logger = createMainLogger(rt, { logfile: "syslog", maxbytes: 10, backups: 1, level: "info", echo: rt.stdout });
  logger.info("to syslog");
  logger.debug("below the level");
  logger.warn("'x' stdout output:\nline 1\nline 2 100%\n\n");
  equal(logger.logfile, null);
  deepEqual(rt.fs.readDirSync("/run"), []);
  match(rt.stdoutText(), / INFO to syslog\n/);
  equal(rt.syslogged.length, 4);
  match(rt.syslogged[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO to syslog\n$/);
  deepEqual(rt.syslogged.slice(1).map((m) => m.slice(24)), [
    "WARN 'x' stdout output:\n",
    "WARN line 1\n",
    "WARN line 2 100%\n",
  ]);
});

Deno.test("createMainLogger() exposes the log path and throws when it cannot open it", () => {
  const { logger } = setup();
  equal(logger.logfile, "/var/log/supervisord.log");
  const rt = new FakeRuntime();
  throws(
    () => createMainLogger(rt, { logfile: "/nope/x.log", maxbytes: 0, backups: 0, level: "info", echo: null }),
    (e) => e instanceof RuntimeError && e.code === "ENOENT",
  );
});

Deno.test("the main log reports a failing file once on stderr and keeps logging to the echo", async () => {
  const { rt } = setup();
  const logger = createMainLogger(rt, {
    logfile: "/var/log/x.log",
    maxbytes: 10,
    backups: 1,
    level: "info",
    echo: rt.stdout,
  });
  await rt.fs.remove("/var/log", { recursive: true });
  logger.info("first");
  logger.info("second");
  equal(rt.stderrText().split("\n").filter(Boolean).length, 1);
  match(rt.stderrText(), /^supervisord: main log rotate \/var\/log\/x\.log failed: .*No such file/);
  equal(rt.stdoutText().split("\n").filter(Boolean).length, 2);
});

Deno.test("the main log reopen() follows a rename (SIGUSR2) and close() stops file writes", async () => {
  const { rt, logger, text } = setup();
  logger.info("one");
  await rt.fs.rename("/var/log/supervisord.log", "/var/log/supervisord.log.old");
  logger.info("two");
  await logger.reopen();
  logger.info("three");
  match(rt.fs.text("/var/log/supervisord.log.old") ?? "", /one\n.*two\n$/s);
  match(text(), /INFO three\n$/);
  await logger.close();
  logger.info("four");
  equal(text().includes("four"), false);
});
