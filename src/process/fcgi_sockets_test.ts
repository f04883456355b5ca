import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { type FcgiSocketConfig, fcgiSocketUrl } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { AddressInUseError } from "../runtime/errors.ts";
import { RecordingLogger } from "./_testing.ts";
import { FcgiSocketManager, SOMAXCONN } from "./fcgi_sockets.ts";
import { PyException } from "./py_exception.ts";
import { SpawnResourceError } from "./spawn_resource.ts";

const unix = (over: Partial<FcgiSocketConfig & { family: "unix" }> = {}): FcgiSocketConfig => ({
  family: "unix",
  path: "/run/app.sock",
  owner: null,
  mode: 0o700,
  backlog: null,
  ...over,
});

const tcp = (host = "127.0.0.1", port = 9000, backlog: number | null = null): FcgiSocketConfig => ({
  family: "inet",
  host,
  port,
  backlog,
});

function setup(config: FcgiSocketConfig, uid = 0) {
  const runtime = new FakeRuntime({ uid, euid: uid, gid: uid });
  runtime.fs.seedDir("/run");
  const logger = new RecordingLogger("info");
  return { runtime, logger, manager: new FcgiSocketManager(config, { runtime, logger }) };
}

/** What `validate()` throws, as Python's traceback would end. */
function validateError(manager: FcgiSocketManager): string {
  try {
    manager.validate();
  } catch (e) {
    ok(e instanceof PyException, String(e));
    return e.lastLine;
  }
  return "no error";
}

Deno.test("[CFG.fcgi.behaviour] the first reference creates the socket, the last closes it; the next creates it again", () => {
  const { runtime, logger, manager } = setup(unix());
  const first = manager.acquire().stdinSocket;
  const second = manager.acquire().stdinSocket;
  equal(first, second, "every process gets the same socket");
  equal(runtime.sockets.bound.length, 1);
  equal(runtime.sockets.bound[0]!.backlog, SOMAXCONN);
  manager.release();
  ok(runtime.sockets.bound[0]!.listening, "still open while a process holds it");
  manager.release();
  ok(runtime.sockets.bound[0]!.closed);
  ok(runtime.fs.exists("/run/app.sock"), "the socket file stays");
  manager.acquire();
  equal(runtime.sockets.bound.length, 2, "created again, the old file unlinked first");
  deepEqual(logger.lines, [
    "INFO Creating socket unix:///run/app.sock",
    "INFO Closing socket unix:///run/app.sock",
    "INFO Creating socket unix:///run/app.sock",
  ]);
  throws(() => {
    manager.release();
    manager.release();
  }, /cannot decrement below zero/);
});

Deno.test("[CFG.fcgi.socket_owner,CFG.fcgi.socket_mode,CFG.fcgi.socket_backlog] owner, mode and backlog are applied", async () => {
  const { runtime, manager } = setup(unix({ owner: [65534, 65534], mode: 0o660, backlog: 7 }));
  manager.acquire();
  const info = (await runtime.fs.stat("/run/app.sock"))!;
  deepEqual([info.mode & 0o170000, info.mode & 0o7777, info.uid, info.gid], [0o140000, 0o660, 65534, 65534]);
  equal(runtime.sockets.bound[0]!.backlog, 7);
  const owner = setup(unix({ owner: [65534, -1] }));
  owner.manager.acquire();
  equal((await owner.runtime.fs.stat("/run/app.sock"))!.gid, 0, "gid -1 leaves the group alone");
});

Deno.test("[CFG.fcgi.behaviour] validate() creates and closes the socket once, as the group is made", () => {
  const { runtime, logger, manager } = setup(tcp("LocalHost", 9000, 5));
  manager.validate();
  equal(manager.refCount, 0);
  deepEqual(runtime.sockets.bound.map((s) => [s.endpoint, s.backlog, s.closed]), [
    [{ transport: "tcp", hostname: "localhost", port: 9000 }, 5, true],
  ]);
  deepEqual(logger.lines, ["INFO Creating socket tcp://localhost:9000", "INFO Closing socket tcp://localhost:9000"]);
  equal(fcgiSocketUrl(tcp("EXAMPLE.org", 80)), "tcp://example.org:80");
});

Deno.test("[CFG.fcgi.behaviour] validate() reports a socket that cannot be made as supervisord does", () => {
  const reason = (config: FcgiSocketConfig, prepare: (rt: FakeRuntime) => void = () => {}, uid = 0) => {
    const s = setup(config, uid);
    prepare(s.runtime);
    return validateError(s.manager);
  };
  const prefix = "ValueError: Could not create FastCGI socket";
  equal(
    reason(unix({ path: "/nodir/x.sock" })),
    `${prefix} unix:///nodir/x.sock: [Errno 2] No such file or directory`,
  );
  const long = `/run/${"a".repeat(103)}`;
  equal(reason(unix({ path: long })), `${prefix} unix://${long}: AF_UNIX path too long`);
  equal(
    reason(tcp("nosuchhost.invalid")),
    `${prefix} tcp://nosuchhost.invalid:9000: [Errno -2] Name or service not known`,
  );
  equal(
    reason(tcp(), (rt) => rt.sockets.bindError = new AddressInUseError("bind: in use")),
    `${prefix} tcp://127.0.0.1:9000: [Errno 98] Address already in use`,
  );
  equal(
    reason(unix(), (rt) => rt.fs.seedDir("/run/app.sock")),
    `${prefix} unix:///run/app.sock: [Errno 21] Is a directory: '/run/app.sock'`,
  );
  equal(
    reason(unix({ owner: [65534, 65534] }), () => {}, 1000),
    `${prefix} unix:///run/app.sock: Could not change ownership of socket file: ` +
      "[Errno 1] Operation not permitted: '/run/app.sock'",
  );
});

Deno.test("[CFG.fcgi.behaviour] a failed chown closes the socket and removes its file; nothing is held", () => {
  const { runtime, logger, manager } = setup(unix({ owner: [65534, 65534] }), 1000);
  throws(
    () => manager.acquire(),
    (e) =>
      e instanceof SpawnResourceError &&
      e.message === "Could not create FastCGI socket unix:///run/app.sock: Could not change ownership of socket " +
          "file: [Errno 1] Operation not permitted: '/run/app.sock'",
  );
  equal(manager.refCount, 0);
  ok(runtime.sockets.bound[0]!.closed);
  ok(!runtime.fs.exists("/run/app.sock"));
  deepEqual(logger.lines, ["INFO Creating socket unix:///run/app.sock"]);
});

Deno.test("[CFG.fcgi.behaviour] a socket that cannot be made at a spawn is a spawn error with the validation text; nothing is held", () => {
  const { runtime, manager } = setup(unix({ path: "/gone/app.sock" }));
  throws(
    () => manager.acquire(),
    (e) =>
      e instanceof SpawnResourceError &&
      e.message === "Could not create FastCGI socket unix:///gone/app.sock: [Errno 2] No such file or directory",
  );
  equal(manager.refCount, 0, "nothing held after a failed creation");
  runtime.fs.seedDir("/gone");
  manager.acquire();
  equal(manager.refCount, 1, "the next acquire creates it");
  equal(runtime.sockets.open().length, 1);
});
