import assert from "node:assert/strict";
import { ctl, fakeRuntime, info, serveStub, StubFault } from "./_testing.ts";

const INFOS = [
  info("run", "run", 20, "RUNNING", "pid 10, uptime 0:00:16", 10),
  info("stopped", "stopped", 0, "STOPPED", "Not started"),
  info("grp", "gp1", 20, "RUNNING", "pid 11, uptime 0:00:16", 11),
  info("multi", "multi_0", 10, "STARTING", ""),
];

const byName: Record<string, Record<string, unknown>> = Object.fromEntries(
  INFOS.map((i) => [i.group === i.name ? i.name : `${i.group}:${i.name}`, i]),
);

function processInfo(name: unknown) {
  const found = byName[name as string];
  if (found === undefined) throw new StubFault(10, `BAD_NAME: ${name}`);
  return found as never;
}

async function setup() {
  const rt = fakeRuntime();
  const stub = await serveStub(rt, {
    "supervisor.getAllProcessInfo": () => INFOS,
    "supervisor.getProcessInfo": processInfo,
    "supervisor.getPID": () => 4242,
  });
  return { rt, stub };
}

Deno.test("[CTL.status,CTL.exit] status lists every process padded as Python does, exit 3 when one is stopped", async () => {
  const { rt } = await setup();
  const r = await ctl(rt, ["status"]);
  assert.equal(
    r.stdout,
    "run                              RUNNING   pid 10, uptime 0:00:16\n" +
      "stopped                          STOPPED   Not started\n" +
      "grp:gp1                          RUNNING   pid 11, uptime 0:00:16\n" +
      "multi:multi_0                    STARTING  \n",
  );
  assert.equal(r.code, 3);
  assert.equal((await ctl(rt, ["status", "run"])).code, 0);
});

Deno.test("[CTL.status] status filters by names and groups; unknown names exit 4, stopped overrides with 3", async () => {
  const { rt } = await setup();
  assert.deepEqual(await ctl(rt, ["status", "grp:*", "nosuch"]), {
    code: 4,
    stdout: "nosuch: ERROR (no such process)\ngrp:gp1                          RUNNING   pid 11, uptime 0:00:16\n",
    stderr: "",
  });
  assert.equal((await ctl(rt, ["status", "nosuch:*"])).stdout, "nosuch: ERROR (no such group)\n");
  assert.equal((await ctl(rt, ["status", "grp"])).stdout, "grp: ERROR (no such process)\n");
  assert.equal((await ctl(rt, ["status", "multi_0"])).stdout, "multi_0: ERROR (no such process)\n");
  assert.equal((await ctl(rt, ["status", "stopped", "nosuch"])).code, 3);
  assert.equal((await ctl(rt, ["status", "run", "all"])).stdout.split("\n").length, 5, "all wins");
});

Deno.test("[CTL.status] the name column widens to the longest namespec plus 3", async () => {
  const rt = fakeRuntime();
  const long = "g:" + "x".repeat(40);
  await serveStub(rt, { "supervisor.getAllProcessInfo": () => [info("g", "x".repeat(40), 20, "RUNNING", "d")] });
  assert.equal((await ctl(rt, ["status"])).stdout, `${long}   RUNNING   d\n`);
});

Deno.test("status --json prints the structs with their namespec; errors go to stderr", async () => {
  const { rt } = await setup();
  const r = await ctl(rt, ["status", "--json", "grp:*", "nosuch"]);
  assert.equal(r.code, 4);
  assert.equal(r.stderr, "nosuch: ERROR (no such process)\n");
  const parsed = JSON.parse(r.stdout);
  assert.deepEqual(parsed, [{ ...INFOS[2], namespec: "grp:gp1" }]);
});

Deno.test("status colours state names on a terminal unless NO_COLOR is set", async () => {
  const { rt } = await setup();
  rt.stdoutTerminal = true;
  const lines = (await ctl(rt, ["status", "run", "stopped"])).stdout.split("\n");
  assert.equal(lines[0], "run                              \x1b[32mRUNNING\x1b[0m   pid 10, uptime 0:00:16");
  assert.equal(lines[1], "stopped                          STOPPED   Not started");
  rt.envVars.NO_COLOR = "1";
  assert.equal(
    (await ctl(rt, ["status", "run"])).stdout,
    "run                              RUNNING   pid 10, uptime 0:00:16\n",
  );
});

Deno.test("[CTL.upcheck] status when the server is missing or refuses: exit 4 either way", async () => {
  const rt = fakeRuntime();
  assert.deepEqual(await ctl(rt, ["status"]), { code: 4, stdout: "unix:///run/s.sock no such file\n", stderr: "" });
  rt.fs.seedSocket("/run/s.sock");
  assert.deepEqual(await ctl(rt, ["status"]), {
    code: 4,
    stdout: "unix:///run/s.sock refused connection\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["pid"]), { code: 4, stdout: "unix:///run/s.sock refused connection\n", stderr: "" });
});

Deno.test("[CTL.upcheck,GEN.apiversion] upcheck: wrong API version exits 5, missing namespace 3 (status 4)", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.getVersion"] = () => "2.0";
  assert.deepEqual(await ctl(rt, ["pid"]), {
    code: 5,
    stdout: "Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, " +
      "but the remote version is 2.0.\n",
    stderr: "",
  });
  delete stub.methods["supervisor.getVersion"];
  const r = await ctl(rt, ["pid"]);
  assert.equal(r.code, 3);
  assert.match(r.stdout, /^Sorry, supervisord responded but did not recognize the supervisor namespace commands/);
  assert.equal((await ctl(rt, ["status"])).code, 4);
  stub.methods["supervisor.getVersion"] = () => {
    throw new StubFault(6, "SHUTDOWN_STATE");
  };
  assert.deepEqual(await ctl(rt, ["pid"]), {
    code: 1,
    stdout: "error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>: " +
      "file: /usr/lib/python3.11/xmlrpc/client.py line: 668\n",
    stderr: "",
  });
});

Deno.test("[CTL.pid] pid of supervisord, of names (0 → exit 7, unknown → exit 1) and of all", async () => {
  const { rt } = await setup();
  assert.deepEqual(await ctl(rt, ["pid"]), { code: 0, stdout: "4242\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["pid", "run", "stopped"]), { code: 7, stdout: "10\n0\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["pid", "nosuch", "run"]), {
    code: 1,
    stdout: "No such process nosuch\n10\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["pid", "all"]), { code: 0, stdout: "10\n0\n11\n0\n", stderr: "" });
});

Deno.test("[CTL.start,CTL.exit] start: per-name results and faults, groups, all, no names", async () => {
  const { rt, stub } = await setup();
  const faults: Record<string, [number, string]> = {
    run: [60, "ALREADY_STARTED: run"],
    nocmd: [20, "NO_FILE: x"],
    notexec: [21, "NOT_EXECUTABLE: x"],
    fatal: [50, "SPAWN_ERROR: fatal"],
    nosuch: [10, "BAD_NAME: nosuch"],
  };
  stub.methods["supervisor.startProcess"] = (name) => {
    const f = faults[name as string];
    if (f) throw new StubFault(...f);
    return true;
  };
  stub.methods["supervisor.startProcessGroup"] = (g) => {
    if (g !== "grp") throw new StubFault(10, `BAD_NAME: ${g}`);
    return [{ name: "gp1", group: "grp", status: 80, description: "OK" }];
  };
  stub.methods["supervisor.startAllProcesses"] = () => [
    { name: "nocmd", group: "nocmd", status: 20, description: "NO_FILE" },
    { name: "b", group: "b", status: 80, description: "OK" },
  ];
  assert.deepEqual(await ctl(rt, ["start", "run", "stopped"]), {
    code: 0,
    stdout: "run: ERROR (already started)\nstopped: started\n",
    stderr: "",
  });
  assert.equal((await ctl(rt, ["start", "nocmd"])).stdout, "nocmd: ERROR (no such file)\n");
  assert.equal((await ctl(rt, ["start", "notexec"])).code, 1);
  assert.deepEqual(await ctl(rt, ["start", "fatal"]), { code: 7, stdout: "fatal: ERROR (spawn error)\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["start", "nosuch:*"]), {
    code: 2,
    stdout: "nosuch: ERROR (no such group)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["start", "grp:"]), { code: 0, stdout: "grp:gp1: started\n", stderr: "" });
  assert.deepEqual(await ctl(rt, ["start", "x", "all"]), {
    code: 1,
    stdout: "nocmd: ERROR (no such file)\nb: started\n",
    stderr: "",
  });
  const none = await ctl(rt, ["start"]);
  assert.equal(none.code, 2);
  assert.equal(
    none.stdout,
    "Error: start requires a process name\nstart <name>\t\tStart a process\n" +
      "start <gname>:*\t\tStart all processes in a group\nstart <name> <name>\tStart multiple processes or groups\n" +
      "start all\t\tStart all processes\n",
  );
});

Deno.test("[CTL.start] an unknown result code is Python's ValueError line", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.startAllProcesses"] = () => [{ name: "a", group: "g", status: 99, description: "?" }];
  assert.deepEqual(await ctl(rt, ["start", "all"]), {
    code: 1,
    stdout: "error: <class 'ValueError'>, Unknown result code 99 for g:a: " +
      "file: /usr/lib/python3/dist-packages/supervisor/supervisorctl.py line: 761\n",
    stderr: "",
  });
});

Deno.test("[CTL.stop,CTL.restart,CTL.signal] stop ignores NOT_RUNNING; FAILED prints the fault; restart = stop + start", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.stopProcess"] = (name) => {
    if (name === "stopped") throw new StubFault(70, "NOT_RUNNING: stopped");
    if (name === "stuck") {
      throw new StubFault(30, "FAILED: attempted to kill stuck with sig SIGTERM but it wasn't running");
    }
    return true;
  };
  stub.methods["supervisor.startProcess"] = () => true;
  stub.methods["supervisor.stopProcessGroup"] = (g) => {
    throw new StubFault(10, `BAD_NAME: ${g}`);
  };
  assert.deepEqual(await ctl(rt, ["stop", "run", "stopped"]), {
    code: 0,
    stdout: "run: stopped\nstopped: ERROR (not running)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["stop", "stuck"]), {
    code: 1,
    stdout: "FAILED: attempted to kill stuck with sig SIGTERM but it wasn't running\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["stop", "nosuch:*"]), {
    code: 1,
    stdout: "nosuch: ERROR (no such group)\n",
    stderr: "",
  });
  assert.equal((await ctl(rt, ["stop"])).code, 1);
  const before = stub.calls.length;
  assert.deepEqual(await ctl(rt, ["restart", "run"]), { code: 0, stdout: "run: stopped\nrun: started\n", stderr: "" });
  assert.deepEqual(stub.calls.slice(before).map(([m]) => m), [
    "supervisor.getVersion",
    "supervisor.getVersion",
    "supervisor.stopProcess",
    "supervisor.getVersion",
    "supervisor.startProcess",
  ]);
  assert.match((await ctl(rt, ["restart"])).stdout, /^Error: restart requires a process name\nrestart <name>/);
});

Deno.test("[CTL.signal] signal passes the signal as typed; results, faults, too few arguments", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.signalProcess"] = (name, sig) => {
    if (sig === "FOO") throw new StubFault(11, "BAD_SIGNAL: FOO");
    if (name === "stopped") throw new StubFault(70, "NOT_RUNNING: stopped");
    return true;
  };
  stub.methods["supervisor.signalAllProcesses"] = () => [{ name: "run", group: "run", status: 80, description: "OK" }];
  assert.deepEqual(await ctl(rt, ["signal", "hup", "run"]), { code: 0, stdout: "run: signalled\n", stderr: "" });
  assert.deepEqual(stub.calls.at(-1), ["supervisor.signalProcess", ["run", "hup"]]);
  assert.deepEqual(await ctl(rt, ["signal", "FOO", "run"]), {
    code: 1,
    stdout: "run: ERROR (bad signal name)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["signal", "HUP", "stopped"]), {
    code: 7,
    stdout: "stopped: ERROR (not running)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["signal", "USR1", "all"]), { code: 0, stdout: "run: signalled\n", stderr: "" });
  const few = await ctl(rt, ["signal", "HUP"]);
  assert.equal(few.code, 1);
  assert.match(few.stdout, /^Error: signal requires a signal name and a process name\nsignal <signal name> <name>\t\t/);
});

Deno.test("[CTL.clear] clear: names, g:* becomes g:None, all", async () => {
  const { rt, stub } = await setup();
  stub.methods["supervisor.clearProcessLogs"] = (name) => {
    if (name !== "run") throw new StubFault(10, `BAD_NAME: ${name}`);
    return true;
  };
  stub.methods["supervisor.clearAllProcessLogs"] = () => [
    { name: "run", group: "run", status: 80, description: "OK" },
    { name: "b", group: "g", status: 30, description: "FAILED: x" },
  ];
  assert.deepEqual(await ctl(rt, ["clear", "run", "grp:*", "nosuch"]), {
    code: 1,
    stdout: "run: cleared\ngrp:None: ERROR (no such process)\nnosuch: ERROR (no such process)\n",
    stderr: "",
  });
  assert.deepEqual(await ctl(rt, ["clear", "all"]), {
    code: 1,
    stdout: "run: cleared\ng:b: ERROR (failed)\n",
    stderr: "",
  });
  assert.match((await ctl(rt, ["clear"])).stdout, /^Error: clear requires a process name\n/);
});
