import { deepEqual, equal, ok } from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { type ConsoleProcess, ConsoleStream } from "./console_stream.ts";
import type { OutputTee } from "./types.ts";

const enc = new TextEncoder();

function setup(opts: { format?: "prefixed" | "raw" | "json"; color?: boolean; limit?: number } = {}) {
  const rt = new FakeRuntime();
  const console = new ConsoleStream({
    format: opts.format ?? "prefixed",
    color: opts.color ?? false,
    clock: rt.clock,
    targets: { stdout: rt.stdout, stderr: rt.stderr },
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
  });
  const proc = (name: string, extra: Partial<ConsoleProcess> = {}): OutputTee => {
    const tee = console.source({
      name,
      group: name,
      prefix: name,
      route: { stdout: "stdout", stderr: "stderr" },
      ...extra,
    });
    ok(tee);
    return tee;
  };
  return { rt, console, proc };
}

/** Lets the queue's writer run (it awaits each write). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("console: whole lines, each with the prefix padded to the longest and ' | '", async () => {
  const t = setup();
  const web = t.proc("web_00");
  const db = t.proc("db");
  web.write("stdout", enc.encode("one\ntw"));
  db.write("stdout", enc.encode("ready\n"));
  web.write("stdout", enc.encode("o\nthree\n"));
  db.write("stderr", enc.encode("warning\n"));
  await settle();
  equal(t.rt.stdoutText(), "web_00 | one\ndb     | ready\nweb_00 | two\nweb_00 | three\n");
  equal(t.rt.stderrText(), "db     | warning\n");
});

Deno.test("console: `console=stdout` sends both channels to one stream; a process with no route gets no tee", async () => {
  const t = setup();
  const both = t.proc("app", { route: { stdout: "stdout", stderr: "stdout" } });
  both.write("stderr", enc.encode("err\n"));
  both.write("stdout", enc.encode("out\n"));
  await settle();
  equal(t.rt.stdoutText(), "app | err\napp | out\n");
  equal(t.console.source({ name: "x", group: "x", prefix: "x", route: { stdout: null, stderr: null } }), null);
});

Deno.test("console: a partial line is held, then written with '…' after 500 ms without output", async () => {
  const t = setup();
  const app = t.proc("app");
  app.write("stdout", enc.encode("Password: "));
  t.rt.clock.advance(300);
  app.write("stdout", enc.encode("(hidden) "));
  t.rt.clock.advance(499);
  await settle();
  equal(t.rt.stdoutText(), "", "idle is counted from the last output");
  t.rt.clock.advance(1);
  await settle();
  equal(t.rt.stdoutText(), "app | Password: (hidden) …\n");
  app.write("stdout", enc.encode("rest\n"));
  await settle();
  equal(t.rt.stdoutText(), "app | Password: (hidden) …\napp | rest\n");
});

Deno.test("console: a partial line of 64 KiB is written at once; one at end of file becomes a line", async () => {
  const t = setup({ format: "raw" });
  const app = t.proc("app");
  app.write("stdout", new Uint8Array(65536).fill(120));
  app.write("stdout", enc.encode("last"));
  app.end("stdout");
  await settle();
  equal(t.rt.stdoutText(), "x".repeat(65536) + "…\nlast\n");
});

Deno.test("console: raw writes the lines unchanged; json writes one object a line", async () => {
  const raw = setup({ format: "raw" });
  raw.proc("web").write("stdout", enc.encode("a\nb\n"));
  await settle();
  equal(raw.rt.stdoutText(), "a\nb\n");

  const json = setup({ format: "json" });
  const web = json.proc("web", { group: "front" });
  web.write("stderr", enc.encode('x "q"\ny'));
  json.rt.clock.advance(500);
  await settle();
  const lines = json.rt.stderrText().trimEnd().split("\n").map((l) => JSON.parse(l));
  const ts = new Date(json.rt.clock.now()).toISOString();
  deepEqual(lines, [
    {
      ts: new Date(json.rt.clock.now() - 500).toISOString(),
      process: "web",
      group: "front",
      stream: "stderr",
      line: 'x "q"',
    },
    { ts, process: "web", group: "front", stream: "stderr", line: "y", partial: true },
  ]);
});

Deno.test("console: colour wraps the prefix and its bar", async () => {
  const t = setup({ color: true });
  t.proc("a").write("stdout", enc.encode("hi\n"));
  t.proc("b").write("stdout", enc.encode("yo\n"));
  await settle();
  equal(t.rt.stdoutText(), "\x1b[36ma |\x1b[0m hi\n\x1b[33mb |\x1b[0m yo\n");
});

Deno.test("console: daemon lines share the queue; in json they are records of their own", async () => {
  const t = setup();
  const app = t.proc("app");
  app.write("stdout", enc.encode("par"));
  t.console.line("2024-01-01 00:00:00,000 WARN something\n");
  app.write("stdout", enc.encode("tial\n"));
  await settle();
  equal(t.rt.stdoutText(), "2024-01-01 00:00:00,000 WARN something\napp | partial\n");
  const json = setup({ format: "json" });
  json.console.line("2024-01-01 00:00:00,000 WARN x\n");
  await settle();
  deepEqual(JSON.parse(json.rt.stdoutText()), {
    ts: new Date(json.rt.clock.now()).toISOString(),
    process: "supervisord",
    group: "",
    stream: "log",
    line: "2024-01-01 00:00:00,000 WARN x",
  });
});

Deno.test("console: a stalled stdout holds the readers once the queue is over its limit, and lets them go", async () => {
  const t = setup({ limit: 1000 });
  const release = t.rt.holdStdout();
  const app = t.proc("app");
  const line = enc.encode("x".repeat(99) + "\n");
  let fed = 0;
  while (app.ready() === null) {
    app.write("stdout", line);
    fed++;
  }
  const wait = app.ready();
  ok(wait !== null && fed <= 12, `held after ${fed} lines`);
  equal(t.rt.stdoutText(), "");
  let released = false;
  void wait.then(() => (released = true));
  await settle();
  equal(released, false, "the reader waits while stdout is stalled");
  release();
  await settle();
  equal(released, true);
  equal(app.ready(), null);
  await t.console.drained();
  equal(t.rt.stdoutText(), `app | ${"x".repeat(99)}\n`.repeat(fed));
});
