import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import type { ProcessGroupConfig } from "../config/schema.ts";
import type { ChildOutput } from "../logging/types.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { AddressInUseError, NotFoundError } from "../runtime/errors.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { SpawnError } from "./exec_args.ts";
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

Deno.test("[CFG.fcgi.behaviour] a spawn error gives the socket back at once", async () => {
  const { sup, socketLines, failPrepare, runtime } = engine();
  await sup.addProcessGroup({ ...FCGI, processes: FCGI.processes.slice(0, 1) });
  failPrepare(new SpawnError("NotFound", "can't find command '/bin/app'"));
  sup.groups.get("app")!.processes.get("app_0")!.spawn();
  deepEqual(socketLines().slice(2), [
    "INFO Creating socket unix:///run/app.sock",
    "INFO spawnerr: can't find command '/bin/app'",
    "INFO Closing socket unix:///run/app.sock",
  ]);
  equal(runtime.sockets.open().length, 0);
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

Deno.test("[CFG.fcgi.behaviour] a socket that cannot be made at an automatic start ends the run with the error", async () => {
  const { sup, runtime, states } = engine();
  await sup.addProcessGroup(FCGI);
  runtime.sockets.bindError = new NotFoundError("bind /run/app.sock: No such file or directory");
  await rejects(
    sup.run(),
    (e) => e instanceof PyException && e.lastLine === "FileNotFoundError: [Errno 2] No such file or directory",
  );
  deepEqual(states(), ["app_0:STOPPED", "app_1:STOPPED"], "the process is left as it was");
  equal(runtime.spawns.length, 0);
  equal(runtime.clock.pending, 0, "no timer left");
  equal(sup.groups.get("app")!.processes.get("app_0")!.state, ProcessState.STOPPED);
});
