import assert from "node:assert/strict";
import { ctl, fakeRuntime, info, serveStub, StubFault } from "./_testing.ts";

/** Yields to pending promise jobs until `check` holds (no timers involved). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (check()) return;
    await new Promise<void>((r) => queueMicrotask(r));
  }
  throw new Error(`never happened: ${what}`);
}

async function setup() {
  const rt = fakeRuntime();
  const stub = await serveStub(rt, {
    "supervisor.readProcessStdoutLog": (name, offset, length) => {
      if (name === "nosuch") throw new StubFault(10, "BAD_NAME: nosuch");
      if (name === "nolog") throw new StubFault(20, "NO_FILE: nolog");
      if (name === "broken") throw new StubFault(30, "FAILED");
      return `out of ${name} ${offset} ${length}\n`;
    },
    "supervisor.readProcessStderrLog": (name, offset) => `err of ${name} ${offset}`,
    "supervisor.readLog": (offset, length) => `main ${offset} ${length}\n`,
    "supervisor.getProcessInfo": (name) => {
      if (name === "cat") return info("cat", "cat", 20, "RUNNING", "pid 5", 5);
      if (name === "stopped") return info("stopped", "stopped", 0, "STOPPED", "Not started");
      throw new StubFault(10, `BAD_NAME: ${name}`);
    },
  });
  return { rt, stub };
}

Deno.test("[CTL.tail] tail reads the last 1600 bytes (or -N, or stderr) and prints them plus a newline", async () => {
  const { rt, stub } = await setup();
  assert.deepEqual(await ctl(rt, ["tail", "x"]), { code: 0, stdout: "out of x -1600 0\n\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["tail", "-20", "x", "STDERR"]), { code: 0, stdout: "err of x -20\n", stderr: "" });
  assert.equal((await ctl(rt, ["tail", "-0", "x"])).stdout, "out of x 0 0\n\n");
  assert.equal((await ctl(rt, ["tail", "--5", "x"])).stdout, "out of x 5 0\n\n");
  assert.deepEqual(stub.calls.at(-1), ["supervisor.readProcessStdoutLog", ["x", 5, 0]]);
});

Deno.test("[CTL.tail] tail argument and fault errors", async () => {
  const { rt } = await setup();
  const cases: Array<[string[], string, number]> = [
    [["tail", "x", "stdin"], "Error: bad channel 'stdin'\n", 1],
    [["tail", "-x", "x"], "Error: bad argument -x\n", 1],
    [["tail", "-f"], "Error: tail requires process name\n", 1],
    [["tail", "nosuch"], "nosuch: ERROR (no such process name)\n", 1],
    [["tail", "nolog"], "nolog: ERROR (no log file)\n", 1],
    [["tail", "broken"], "broken: ERROR (unknown error reading log)\n", 1],
  ];
  for (const [args, out, code] of cases) {
    assert.deepEqual(await ctl(rt, args), { code, stdout: out, stderr: "" }, args.join(" "));
  }
  const many = await ctl(rt, ["tail", "a", "b", "c", "d"]);
  assert.match(
    many.stdout,
    /^Error: too many arguments\ntail \[-f\] <name> \[stdout\|stderr\] \(default stdout\)\nEx:\n/,
  );
  assert.match((await ctl(rt, ["tail"])).stdout, /^Error: too few arguments\n/);
  assert.equal(
    (await ctl(rt, ["tail", "-99999999999", "x"])).stdout,
    "error: <class 'OverflowError'>, int exceeds XML-RPC limits: file: /usr/lib/python3.11/xmlrpc/client.py line: 552\n",
  );
});

Deno.test("[CTL.maintail] maintail: default 1600, -N, errors", async () => {
  const { rt, stub } = await setup();
  assert.deepEqual(await ctl(rt, ["maintail"]), { code: 0, stdout: "main -1600 0\n\n", stderr: "" });
  assert.equal((await ctl(rt, ["maintail", "-200"])).stdout, "main -200 0\n\n");
  assert.deepEqual(await ctl(rt, ["maintail", "x"]), { code: 1, stdout: "Error: bad argument x\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["maintail", "-"]), { code: 1, stdout: "Error: bad argument -\n", stderr: "" });
  assert.match((await ctl(rt, ["maintail", "a", "b"])).stdout, /^Error: too many arguments\nmaintail -f \t/);
  stub.methods["supervisor.readLog"] = () => {
    throw new StubFault(20, "NO_FILE: x");
  };
  assert.deepEqual(await ctl(rt, ["maintail"]), { code: 1, stdout: "supervisord: ERROR (no log file)\n", stderr: "" });
});

Deno.test("[CTL.tail,XPORT.tailf,HTTP.logtail] tail -f streams /logtail/<name>/<channel> until Ctrl-C, then an empty line", async () => {
  const { rt, stub } = await setup();
  const run = ctl(rt, ["tail", "-f", "x", "stderr"]);
  await until(() => stub.tails.has("/logtail/x/stderr"), "tail request");
  stub.tails.get("/logtail/x/stderr")!.write("one\n");
  await until(() => rt.stdoutText().includes("one"), "first chunk");
  stub.tails.get("/logtail/x/stderr")!.write("two\n");
  await until(() => rt.stdoutText().includes("two"), "second chunk");
  assert.equal(rt.signalHandlerCount("SIGINT"), 1);
  rt.raise("SIGINT");
  assert.deepEqual(await run, { code: 0, stdout: "==> Press Ctrl-C to exit <==\none\ntwo\n\n", stderr: "" });
  assert.equal(rt.signalHandlerCount("SIGINT"), 0, "Ctrl-C handling is released afterwards");
});

Deno.test("[CTL.maintail,HTTP.mainlogtail] maintail -f ends quietly when the server ends the stream; 404 goes to stderr", async () => {
  const { rt, stub } = await setup();
  const run = ctl(rt, ["maintail", "-f"]);
  await until(() => stub.tails.has("/mainlogtail"), "mainlogtail request");
  stub.tails.get("/mainlogtail")!.write("log line\n");
  stub.tails.get("/mainlogtail")!.end();
  assert.deepEqual(await run, { code: 0, stdout: "==> Press Ctrl-C to exit <==\nlog line\n", stderr: "" });
  stub.missing.add("/logtail/nosuch/stdout");
  assert.deepEqual(await ctl(rt, ["tail", "-f", "nosuch"]), {
    code: 0,
    stdout: "==> Press Ctrl-C to exit <==\n",
    stderr: "unix:///run/s.sock/logtail/nosuch/stdout Cannot read, status code 404\n",
  });
});

Deno.test("[CTL.fg] fg streams both logs, sends typed lines to the process, ends at EOF", async () => {
  const { rt, stub } = await setup();
  const sent: string[] = [];
  stub.methods["supervisor.sendProcessStdin"] = (_name, chars) => {
    sent.push(chars as string);
    return true;
  };
  const run = ctl(rt, ["fg", "cat"]);
  await until(() => stub.tails.has("/logtail/cat/stdout") && stub.tails.has("/logtail/cat/stderr"), "fg streams");
  stub.tails.get("/logtail/cat/stdout")!.write("echoed\n");
  await until(() => rt.stdoutText().includes("echoed"), "stdout chunk");
  rt.feedStdin("hello\nworld\n");
  await until(() => sent.length === 2, "two lines sent");
  rt.endStdin();
  const r = await run;
  assert.deepEqual(sent, ["hello\n", "world\n"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "==> Press Ctrl-C to exit <==\nechoed\nExiting foreground\n");
});

Deno.test("[CTL.fg] fg: argument errors, bad name, not running, process killed", async () => {
  const { rt, stub } = await setup();
  assert.match((await ctl(rt, ["fg"])).stdout, /^ERROR: no process name supplied\nfg <process>\t/);
  assert.deepEqual(await ctl(rt, ["fg", "a", "b"]), {
    code: 1,
    stdout: "ERROR: too many process names supplied\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["fg", "nosuch"]), {
    code: 1,
    stdout: "ERROR: bad process name supplied\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["fg", "stopped"]), { code: 1, stdout: "ERROR: process not running\n", stderr: "" });
  stub.methods["supervisor.sendProcessStdin"] = () => {
    throw new StubFault(70, "NOT_RUNNING: cat");
  };
  rt.feedStdin("x\n");
  const r = await ctl(rt, ["fg", "cat"]);
  assert.equal(r.stdout, "==> Press Ctrl-C to exit <==\nProcess got killed\nExiting foreground\n");
});
