import assert from "node:assert/strict";
import { HELP_LISTING } from "./help.ts";
import { ctl, fakeRuntime, info, serveStub, StubFault } from "./_testing.ts";

async function setup() {
  const rt = fakeRuntime();
  const stub = await serveStub(rt, {
    "supervisor.getSupervisorVersion": () => "4.2.5",
    "supervisor.getAllProcessInfo":
      () => [info("grp", "gp1", 20, "RUNNING", "pid 1", 1), info("run", "run", 20, "RUNNING", "x")],
  });
  return { rt, stub };
}

function fault(code: number, text: string) {
  return () => {
    throw new StubFault(code, text);
  };
}

Deno.test("[CTL.avail] avail formats each config entry; arguments are refused", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.getAllConfigInfo"] = () => [
    { name: "gp1", group: "grp", inuse: true, autostart: true, group_prio: 100, process_prio: 10 },
    { name: "notexec", group: "notexec", inuse: true, autostart: false, group_prio: 999, process_prio: 999 },
    { name: "run2", group: "run2", inuse: false, autostart: true, group_prio: 999, process_prio: 999 },
  ];
  assert.deepEqual(await ctl(rt, ["avail"]), {
    code: 0,
    stdout: "grp:gp1                          in use    auto      100:10\n" +
      "notexec                          in use    manual    999:999\n" +
      "run2                             avail     auto      999:999\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["avail", "x"]), {
    code: 1,
    stdout: "Error: avail accepts no arguments\navail\t\t\tDisplay all configured processes\n",
    stderr: "",
  });
  stub.methods["supervisor.getAllConfigInfo"] = fault(6, "SHUTDOWN_STATE");
  assert.deepEqual(await ctl(rt, ["avail"]), { code: 1, stdout: "ERROR: supervisor shutting down\n", stderr: "" });
});

Deno.test("[CTL.reread] reread lists changes sorted by name, or says nothing changed; CANT_REREAD", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.reloadConfig"] = () => [[["run2"], ["multi", "grp"], ["run"]]];
  assert.deepEqual(await ctl(rt, ["reread"]), {
    code: 0,
    stdout: "grp: changed\nmulti: changed\nrun: disappeared\nrun2: available\n",
    stderr: "",
  });
  stub.methods["supervisor.reloadConfig"] = () => [[[], [], []]];
  assert.equal((await ctl(rt, ["reread"])).stdout, "No config updates to processes\n");
  stub.methods["supervisor.reloadConfig"] = fault(92, "CANT_REREAD: not a valid boolean value: 'maybe'");
  assert.deepEqual(await ctl(rt, ["reread"]), {
    code: 1,
    stdout: "ERROR: CANT_REREAD: not a valid boolean value: 'maybe'\n",
    stderr: "",
  });
});

Deno.test("[CTL.update] update stops and removes, replaces, adds, in Python's order; names filter; unknown groups", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.reloadConfig"] = () => [[["run2"], ["grp"], ["run"]]];
  stub.methods["supervisor.stopProcessGroup"] = () => [];
  stub.methods["supervisor.removeProcessGroup"] = () => true;
  stub.methods["supervisor.addProcessGroup"] = () => true;
  assert.deepEqual(await ctl(rt, ["update"]), {
    code: 0,
    stdout: "run: stopped\nrun: removed process group\ngrp: stopped\ngrp: updated process group\n" +
      "run2: added process group\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["update", "grp", "nosuch"]), {
    code: 1,
    stdout: "ERROR: no such group: nosuch\ngrp: stopped\ngrp: updated process group\n",
    stderr: "",
  });
  assert.equal((await ctl(rt, ["update", "run2"])).stdout, "run2: added process group\n", "added names are valid");
  stub.methods["supervisor.stopProcessGroup"] =
    () => [{ name: "run", group: "run", status: 30, description: "FAILED" }];
  stub.methods["supervisor.reloadConfig"] = () => [[[], [], ["run"]]];
  assert.deepEqual(await ctl(rt, ["update", "all"]), {
    code: 1,
    stdout: "run: stopped\nrun: has problems; not removing\n",
    stderr: "",
  });
});

Deno.test("[CTL.add,CTL.remove] add and remove report per name with Python's exit statuses", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.addProcessGroup"] = (name) => {
    if (name === "dup") throw new StubFault(90, "ALREADY_ADDED: dup");
    if (name === "nosuch") throw new StubFault(10, "BAD_NAME: nosuch");
    return true;
  };
  stub.methods["supervisor.removeProcessGroup"] = (name) => {
    if (name === "busy") throw new StubFault(91, "STILL_RUNNING: busy");
    return true;
  };
  assert.deepEqual(await ctl(rt, ["add", "new", "dup"]), {
    code: 0,
    stdout: "new: added process group\nERROR: process group already active\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["add", "nosuch"]), {
    code: 1,
    stdout: "ERROR: no such process/group: nosuch\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["add"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await ctl(rt, ["remove", "busy", "old"]), {
    code: 1,
    stdout: "ERROR: process/group still running: busy\nold: removed process group\n",
    stderr: "",
  });
});

Deno.test("[CTL.shutdown,CTL.reload] shutdown and reload; SHUTDOWN_STATE; a server already gone", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.shutdown"] = () => true;
  stub.methods["supervisor.restart"] = () => true;
  assert.deepEqual(await ctl(rt, ["shutdown"]), { code: 0, stdout: "Shut down\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["reload"]), { code: 0, stdout: "Restarted supervisord\n", stderr: "" });
  assert.match((await ctl(rt, ["shutdown", "now"])).stdout, /^Error: shutdown accepts no arguments\nshutdown \t/);
  stub.methods["supervisor.shutdown"] = fault(6, "SHUTDOWN_STATE");
  stub.methods["supervisor.restart"] = fault(6, "SHUTDOWN_STATE");
  assert.deepEqual(await ctl(rt, ["shutdown"]), { code: 0, stdout: "ERROR: already shutting down\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["reload"]), { code: 1, stdout: "ERROR: already shutting down\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["-s", "unix:///run/gone.sock", "shutdown"]), {
    code: 1,
    stdout: "ERROR: unix:///run/gone.sock no such file (already shut down?)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["-s", "http://127.0.0.1:9", "shutdown"]), {
    code: 1,
    stdout: "ERROR: http://127.0.0.1:9 refused connection (already shut down?)\n",
    stderr: "",
  });
});

Deno.test("[CTL.shutdown,CTL.reload] with -i, shutdown and reload ask first; EOF is Python's EOFError line", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.shutdown"] = () => true;
  rt.feedStdin("n\n");
  assert.deepEqual(await ctl(rt, ["-i", "shutdown"]), {
    code: 0,
    stdout: "Really shut the remote supervisord process down y/N? ",
    stderr: "",
  });
  assert.equal(stub.calls.length, 0, "declined: nothing is sent, not even getVersion");
  rt.feedStdin("Yes\n");
  assert.deepEqual(await ctl(rt, ["-i", "shutdown"]), {
    code: 0,
    stdout: "Really shut the remote supervisord process down y/N? Shut down\n",
    stderr: "",
  });
  rt.endStdin();
  assert.deepEqual(await ctl(rt, ["-i", "reload"]), {
    code: 1,
    stdout: "Really restart the remote supervisord process y/N? error: <class 'EOFError'>, EOF when reading a line: " +
      "file: /usr/lib/python3/dist-packages/supervisor/supervisorctl.py line: 1027\n",
    stderr: "",
  });
});

Deno.test("[CTL.version,CTL.open] version; open switches servers and keeps the exit status", async () => {
  const { rt } = await setup();
  assert.deepEqual(await ctl(rt, ["version"]), { code: 0, stdout: "4.2.5\n", stderr: "" });
  assert.match((await ctl(rt, ["version", "x"])).stdout, /^Error: version accepts no arguments\nversion\t\t\t/);
  assert.deepEqual(await ctl(rt, ["-s", "http://127.0.0.1:9", "open", "unix:///run/s.sock"]), {
    code: 0,
    stdout: "grp:gp1                          RUNNING   pid 1\nrun                              RUNNING   x\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["open", "ftp://x"]), {
    code: 1,
    stdout: "ERROR: url must be http:// or unix://\n",
    stderr: "",
  });
});

Deno.test("[CTL.help] help, help <topic>, help help, unknown topics and commands, parseline quirks", async () => {
  const rt = fakeRuntime();
  assert.deepEqual(await ctl(rt, ["help"]), { code: 0, stdout: HELP_LISTING, stderr: "" });
  assert.equal((await ctl(rt, ["help", "exit"])).stdout, "exit\tExit the supervisor shell.\n");
  assert.equal(
    (await ctl(rt, ["help", "help"])).stdout,
    "help\t\tPrint a list of available actions\nhelp <action>\tPrint help for <action>\n",
  );
  assert.equal((await ctl(rt, ["help", "EOF"])).stdout, "*** No help on EOF\n");
  assert.equal((await ctl(rt, ["?pid"])).stdout.split("\n")[0], "pid\t\t\tGet the PID of supervisord.");
  assert.deepEqual(await ctl(rt, ["foo", "bar"]), { code: 1, stdout: "*** Unknown syntax: foo bar\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["!ls"]), { code: 1, stdout: "*** Unknown syntax: !ls\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["constructor"]), {
    code: 1,
    stdout: "*** Unknown syntax: constructor\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["EOF"]), { code: 0, stdout: "\n", stderr: "" });
  assert.deepEqual(await ctl(rt, [""]), { code: 0, stdout: "", stderr: "" });
});
