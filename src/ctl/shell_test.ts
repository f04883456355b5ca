import assert from "node:assert/strict";
import { parseLine } from "./_text.ts";
import { ctl, fakeRuntime, info, serveStub } from "./_testing.ts";

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
    "supervisor.getAllProcessInfo": () => [info("run", "run", 20, "RUNNING", "pid 7", 7)],
    "supervisor.getPID": () => 42,
  });
  return { rt, stub };
}

const STATUS = "run                              RUNNING   pid 7\n";

Deno.test("[CTL.mode] the shell runs status, then each line after the prompt, until EOF; exit 0", async () => {
  const { rt } = await setup();
  rt.feedStdin("pid\n\nfoo\nstart\n");
  rt.endStdin();
  const r = await ctl(rt, []);
  assert.equal(r.code, 0, "always 0, whatever the commands did");
  assert.equal(
    r.stdout,
    STATUS + "supervisor> 42\nsupervisor> supervisor> *** Unknown syntax: foo\nsupervisor> Error: start requires a " +
      "process name\nstart <name>\t\tStart a process\nstart <gname>:*\t\tStart all processes in a group\n" +
      "start <name> <name>\tStart multiple processes or groups\nstart all\t\tStart all processes\nsupervisor> \n",
  );
});

Deno.test("[CTL.mode] quit and exit leave the shell; -i without a command is the shell too", async () => {
  const { rt } = await setup();
  rt.feedStdin("quit\npid\n");
  assert.deepEqual(await ctl(rt, ["-i"]), { code: 0, stdout: STATUS + "supervisor> \n", stderr: "" });
});

Deno.test("[CTL.mode] Ctrl-C at the prompt ends the shell with an empty line", async () => {
  const { rt } = await setup();
  const run = ctl(rt, []);
  await until(() => rt.stdoutText().endsWith("supervisor> "), "prompt");
  rt.raise("SIGINT");
  assert.deepEqual(await run, { code: 0, stdout: STATUS + "supervisor> \n", stderr: "" });
  assert.equal(rt.signalHandlerCount("SIGINT"), 0);
});

Deno.test("[CTL.mode,CTL.tail] Ctrl-C during tail -f in the shell ends the tail only", async () => {
  const { rt, stub } = await setup();
  rt.feedStdin("tail -f run\n");
  const run = ctl(rt, []);
  await until(() => stub.tails.has("/logtail/run/stdout"), "tail request");
  stub.tails.get("/logtail/run/stdout")!.write("line\n");
  await until(() => rt.stdoutText().endsWith("line\n"), "tail output");
  rt.raise("SIGINT");
  await until(() => rt.stdoutText().endsWith("line\n\nsupervisor> "), "back at the prompt");
  rt.feedStdin("pid\n");
  rt.endStdin();
  assert.equal(
    (await run).stdout,
    STATUS + "supervisor> ==> Press Ctrl-C to exit <==\nline\n\nsupervisor> 42\nsupervisor> \n",
  );
});

Deno.test("[CFG.supervisorctl.prompt,CFG.supervisorctl.history_file] prompt and history file from [supervisorctl]", async () => {
  const { rt } = await setup();
  rt.fs.seedFile(
    "/etc/ctl.conf",
    "[supervisorctl]\nserverurl=unix:///run/s.sock\nprompt=box\nhistory_file=/root/.sv_history\n",
  );
  rt.fs.seedDir("/root");
  rt.fs.seedFile("/root/.sv_history", "old1\nold2\n");
  rt.stdin.terminal = true;
  rt.feedStdin("pid\n\nversion x\n");
  rt.endStdin();
  const r = await ctl(rt, ["-c", "/etc/ctl.conf"]);
  assert.ok(r.stdout.startsWith(STATUS + "box> pid\r\n42\nbox> \r\nbox> version x\r\n"), r.stdout);
  assert.equal(rt.fs.text("/root/.sv_history"), "old1\nold2\npid\nversion x\n");
});

Deno.test("[CFG.supervisorctl.history_file] history is rewritten unchanged when input is not a terminal", async () => {
  const { rt } = await setup();
  rt.fs.seedFile("/etc/ctl.conf", "[supervisorctl]\nserverurl=unix:///run/s.sock\nhistory_file=/tmp/h\n");
  rt.fs.seedDir("/tmp");
  rt.feedStdin("pid\n");
  rt.endStdin();
  await ctl(rt, ["-c", "/etc/ctl.conf"]);
  assert.equal(rt.fs.text("/tmp/h"), "");
});

Deno.test("[CTL.auth401] 401: one-shot prints the notice and Python's retry error; interactive asks and retries", async () => {
  const rt = fakeRuntime();
  await serveStub(rt, { "supervisor.getPID": () => 42 }, { credentials: "user:123" });
  assert.deepEqual(await ctl(rt, ["pid"]), {
    code: 1,
    stdout: "Server requires authentication\nerror: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for " +
      "127.0.0.1/RPC2: 401 Unauthorized>: file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 539\n",
    stderr: "",
  });
  rt.feedStdin("user\n123\n");
  assert.deepEqual(await ctl(rt, ["-i", "pid"]), {
    code: 0,
    stdout: "Server requires authentication\nUsername:\n42\n",
    stderr: "Password:",
  });
});

Deno.test("parseLine() follows cmd.Cmd.parseline", () => {
  assert.deepEqual(parseLine("  status  a b "), { cmd: "status", arg: "a b", line: "status  a b" });
  assert.deepEqual(parseLine("status:x"), { cmd: "status", arg: ":x", line: "status:x" });
  assert.deepEqual(parseLine("?tail"), { cmd: "help", arg: "tail", line: "help tail" });
  assert.deepEqual(parseLine("!ls"), { cmd: null, arg: "", line: "!ls" });
  assert.deepEqual(parseLine("-x"), { cmd: "", arg: "-x", line: "-x" });
  assert.deepEqual(parseLine(" \t"), { cmd: null, arg: "", line: "" });
});

Deno.test("[CTL.mode] on a terminal: raw mode while editing, cooked while a command runs, Tab and Up work", async () => {
  const rt = fakeRuntime();
  const rawDuringCommand: boolean[] = [];
  await serveStub(rt, {
    "supervisor.getAllProcessInfo": () => [info("run", "run", 20, "RUNNING", "pid 7", 7)],
    "supervisor.getPID": () => {
      rawDuringCommand.push(rt.stdin.raw);
      return 42;
    },
  });
  rt.stdin.terminal = true;
  // "pi<Tab>" completes the command; Up recalls it; the second line arrives in the same read.
  rt.feedStdin("pi\t\r\x1b[A\rquit\r");
  const r = await ctl(rt, []);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    STATUS + "supervisor> pid \r\n42\nsupervisor> \rsupervisor> pid \x1b[K\r\n42\nsupervisor> quit\r\n\n",
  );
  assert.deepEqual(rawDuringCommand, [false, false]);
  assert.equal(rt.stdin.raw, false, "cooked mode again once the shell ends");
});

Deno.test("[CTL.mode] on a terminal: process names complete from the server; Ctrl-C ends the shell", async () => {
  const { rt } = await setup();
  rt.stdin.terminal = true;
  rt.feedStdin("stop r\t");
  const run = ctl(rt, []);
  for (let i = 0; i < 200 && !rt.stdoutText().endsWith("stop run "); i++) {
    await new Promise((r) => setTimeout(r, 1)); // the completion's RPC crosses the fake network
  }
  rt.feedStdin("\x03");
  assert.deepEqual(await run, { code: 0, stdout: STATUS + "supervisor> stop run ^C\n", stderr: "" });
  assert.equal(rt.stdin.raw, false);
});
