import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import type { ProcessGroupConfig } from "../config/schema.ts";
import type { ChildOutput } from "../logging/types.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { AddressInUseError, NotFoundError } from "../runtime/errors.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { SpawnError } from "./exec_args.ts";
import { ProcessControl } from "./control.ts";
import { PyException } from "./py_exception.ts";
import { ProcessState, processStateName } from "./states.ts";
import { type EngineHost, Supervisor } from "./supervisor.ts";

const FCGI: ProcessGroupConfig = {
  kind: "fcgi-program",
  name: "app",
  priority: 999,
  socket: { family: "unix", path: "/run/app.sock", owner: null, mode: 0o700, backlog: null },
  processes: [0, 1].map((i) => programConfig({ name: `app_${i}`, command: "/bin/app", startsecs: 0 })),
};

/** A ChildOutput that discards output and counts its closes. */
function countingOutput(closed: () => void): ChildOutput {
  return {
    open: () => {},
    drain: (_channel, stream) => stream.pipeTo(new WritableStream()),
    clear: () => Promise.resolve(),
    reopen: () => Promise.resolve(),
    close: () => Promise.resolve(closed()),
    logfile: () => "",
    onOutput: null,
    onComm: null,
  };
}

function engine() {
  const runtime = new FakeRuntime({ uid: 0, euid: 0, gid: 0 });
  runtime.fs.seedDir("/run");
  const logger = new RecordingLogger("info");
  let prepareError: Error | null = null;
  let closedOutputs = 0;
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(countingOutput(() => closedOutputs++)),
    prepare: (proc) => {
      if (prepareError !== null) throw prepareError;
      return { path: proc.config.command, argv: [proc.config.command], env: {}, stdin: "pipe" };
    },
  };
  const sup = new Supervisor(host);
  const states = () => sup.allProcesses().map((p) => `${p.name}:${processStateName(p.state)}`);
  const socketLines = () => logger.lines.filter((l) => /socket|stopped:|spawnerr:|spawned:/.test(l));
  return {
    sup,
    runtime,
    logger,
    states,
    socketLines,
    closedOutputs: () => closedOutputs,
    failPrepare: (e: Error | null) => prepareError = e,
  };
}

Deno.test("[CFG.fcgi.behaviour,SPAWN.fds] every process of the pool gets the one socket as fd 0; the last stop closes it", async () => {
  const { sup, runtime, states, socketLines } = engine();
  await sup.addProcessGroup(FCGI);
  void sup.run();
  await settle();
  deepEqual(states(), ["app_0:RUNNING", "app_1:RUNNING"]);
  const [a, b] = runtime.spawns;
  ok(a!.options.stdinSocket !== undefined && a!.options.stdinSocket === b!.options.stdinSocket);
  equal(a!.stdin, null, "no stdin pipe: fd 0 is the socket");
  const socket = runtime.sockets.open();
  equal(socket.length, 1);
  sup.groups.get("app")!.processes.get("app_0")!.stop();
  a!.terminate("SIGTERM");
  await settle(60);
  ok(socket[0]!.listening, "open while app_1 runs");
  sup.groups.get("app")!.processes.get("app_1")!.stop();
  b!.terminate("SIGTERM");
  await settle(60);
  ok(socket[0]!.closed);
  sup.groups.get("app")!.processes.get("app_0")!.spawn();
  equal(runtime.sockets.open().length, 1, "created again for the next start");
  deepEqual(socketLines(), [
    "INFO Creating socket unix:///run/app.sock",
    "INFO Closing socket unix:///run/app.sock",
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawned: 'app_0' with pid 5242",
    "INFO spawned: 'app_1' with pid 5243",
    "WARN stopped: app_0 (terminated by SIGTERM)",
    "WARN stopped: app_1 (terminated by SIGTERM)",
    "INFO Closing socket unix:///run/app.sock",
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawned: 'app_0' with pid 5244",
  ]);
});

Deno.test("[CFG.fcgi.behaviour] the socket is taken before the command is looked up; a spawn error gives it back at once", async () => {
  const { sup, socketLines, failPrepare, runtime } = engine();
  await sup.addProcessGroup({ ...FCGI, processes: FCGI.processes.slice(0, 1) });
  failPrepare(new SpawnError("NotFound", "can't find command '/bin/app'"));
  const app = sup.groups.get("app")!.processes.get("app_0")!;
  runtime.sockets.bindError = new AddressInUseError("bind: Address already in use");
  app.spawn();
  equal(app.state, ProcessState.BACKOFF);
  app.spawn();
  deepEqual(socketLines().slice(2), [
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawnerr: Could not create FastCGI socket unix:///run/app.sock: [Errno 98] Address already in use",
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawnerr: can't find command '/bin/app'",
    "INFO Closing socket unix:///run/app.sock",
  ]);
  equal(runtime.sockets.open().length, 0, "no reference held: the socket is closed");
});

Deno.test("[CFG.fcgi.behaviour] a socket that cannot be made fails the group: ValueError, nothing added", async () => {
  const { sup, runtime, logger, closedOutputs } = engine();
  runtime.sockets.bindError = new AddressInUseError("bind: Address already in use");
  await rejects(
    sup.addProcessGroup(FCGI),
    (e) =>
      e instanceof PyException &&
      e.lastLine ===
        "ValueError: Could not create FastCGI socket unix:///run/app.sock: [Errno 98] Address already in use",
  );
  equal(sup.groups.size, 0);
  equal(closedOutputs(), 2, "the processes' logs are closed again");
  deepEqual(logger.lines, ["INFO Creating socket unix:///run/app.sock"]);
});

const WEB: ProcessGroupConfig = {
  kind: "program",
  name: "web",
  priority: 999,
  processes: [programConfig({ name: "web", command: "/bin/web", startsecs: 0 })],
};

Deno.test("[CFG.fcgi.behaviour] a socket that cannot be made at an automatic start is a spawn error: BACKOFF, retries, FATAL; the run goes on (decision, unlike Python, which dies)", async () => {
  const { sup, runtime, logger, states, socketLines } = engine();
  await sup.addProcessGroup({ ...FCGI, processes: FCGI.processes.slice(0, 1) });
  await sup.addProcessGroup(WEB);
  // The socket file left by the group's validation is replaced by a directory.
  runtime.fs.unlinkSync("/run/app.sock");
  runtime.fs.seedDir("/run/app.sock");
  let outcome: string | null = null;
  sup.run().then((o) => (outcome = o));
  await settle();
  deepEqual(states(), ["app_0:BACKOFF", "web:RUNNING"]);
  for (const wait of [1000, 2000, 3000]) {
    runtime.clock.advance(wait);
    await settle();
  }
  deepEqual(states(), ["app_0:FATAL", "web:RUNNING"]);
  const app = sup.groups.get("app")!.processes.get("app_0")!;
  const text = "Could not create FastCGI socket unix:///run/app.sock: [Errno 21] Is a directory: '/run/app.sock'";
  equal(app.spawnerr, text, "FATAL keeps the spawnerr as its description");
  const attempt = ["INFO Creating socket unix:///run/app.sock", `INFO spawnerr: ${text}`];
  deepEqual(socketLines().filter((l) => !l.includes("'web'")), [
    // the group's validation when it was added
    "INFO Creating socket unix:///run/app.sock",
    "INFO Closing socket unix:///run/app.sock",
    ...attempt,
    ...attempt,
    ...attempt,
    ...attempt,
  ]);
  ok(logger.lines.includes("INFO gave up: app_0 entered FATAL state, too many start retries too quickly"));
  equal(runtime.sockets.open().length, 0, "no reference held by a failed spawn: no socket open");
  deepEqual(runtime.spawns.map((c) => c.options.path), ["/bin/web"], "only the other program was spawned");
  equal(outcome, null, "supervisord is still running");
  sup.shutdown();
  runtime.spawns[0]!.terminate("SIGTERM");
  await settle(60);
  equal(outcome, "shutdown");
});

Deno.test("[CFG.fcgi.behaviour] a spawn error of the socket is retried like any other: the next attempt takes it, the count stays right", async () => {
  const { sup, runtime, states, socketLines } = engine();
  await sup.addProcessGroup(FCGI);
  runtime.sockets.bindError = new NotFoundError("bind /run/app.sock: No such file or directory"); // once
  void sup.run();
  await settle();
  deepEqual(states(), ["app_0:BACKOFF", "app_1:RUNNING"]);
  runtime.clock.advance(1000);
  await settle();
  deepEqual(states(), ["app_0:RUNNING", "app_1:RUNNING"]);
  const socket = runtime.sockets.open();
  equal(socket.length, 1, "both hold the one socket");
  deepEqual(socketLines().slice(2), [
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawnerr: Could not create FastCGI socket unix:///run/app.sock: [Errno 2] No such file or directory",
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawned: 'app_1' with pid 5242",
    "INFO spawned: 'app_0' with pid 5243",
  ]);
  // Two references: the first stop leaves the socket open, the second closes it.
  const [first, second] = [...sup.groups.get("app")!.processes.values()];
  first!.stop();
  runtime.spawns[1]!.terminate("SIGTERM");
  await settle(60);
  ok(socket[0]!.listening, "open while app_1 runs");
  second!.stop();
  runtime.spawns[0]!.terminate("SIGTERM");
  await settle(60);
  ok(socket[0]!.closed, "closed after the last exit");
  deepEqual(socketLines().slice(-1), ["INFO Closing socket unix:///run/app.sock"]);
});

Deno.test("[CFG.fcgi.behaviour] startProcess while the socket cannot be made answers spawn_error; the process is in BACKOFF (decision, unlike Python's HTTP 500)", async () => {
  const { sup, runtime } = engine();
  await sup.addProcessGroup({ ...FCGI, processes: [{ ...FCGI.processes[0]!, autostart: false }] });
  void sup.run();
  await settle();
  runtime.sockets.bindError = new AddressInUseError("bind: Address already in use");
  const app = sup.groups.get("app")!.processes.get("app_0")!;
  const text = "Could not create FastCGI socket unix:///run/app.sock: [Errno 98] Address already in use";
  deepEqual(new ProcessControl(sup).startProcess(app), { ok: false, reason: "spawn_error", message: text });
  equal(app.state, ProcessState.BACKOFF);
  equal(runtime.sockets.open().length, 0, "nothing held");
  app.stop();
  deepEqual(new ProcessControl(sup).startProcess(app), { ok: true }, "the next start takes the socket");
  equal(runtime.sockets.open().length, 1);
});
