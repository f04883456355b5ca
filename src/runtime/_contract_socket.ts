/**
 * Contract suite, bound sockets (`bindSocket`, `SpawnOptions.stdinSocket`)
 * and the synchronous `chmodSync`/`chownSync` used on their files: unix and
 * TCP sockets that listen, a child that gets the socket as its fd 0 and
 * answers through it (python3, when installed), the socket file left behind
 * on close, the errno of each failed bind, and name lookups.
 *
 * Python counterpart: supervisor/datatypes.py (`SocketConfig.create_and_bind`),
 * supervisor/process.py (`FastCGISubprocess._prepare_child_fds`); SURFACE
 * CFG.fcgi.behaviour, SPAWN.fds.
 * @module
 */

import * as assert from "./_contract_assert.ts";
import type { BoundSocket, Endpoint, Runtime } from "./types.ts";
import {
  AddressInUseError,
  AddressLookupError,
  ConnectionRefusedError,
  NotFoundError,
  RuntimeError,
} from "./errors.ts";
import { BASE_ENV, type ContractCase, isRoot, run, withChild, within, withTempDir } from "./_contract_util.ts";

/** Accepts on fd 0 until killed; answers each connection with one HTTP response naming its pid. */
const ACCEPT_LOOP = String.raw`
import os, socket
s = socket.socket(fileno=0)
while True:
    c, _ = s.accept()
    c.recv(65536)
    body = b"pid %d" % os.getpid()
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    c.close()
`;

async function havePython(rt: Runtime): Promise<boolean> {
  const probe = await run(rt, { path: "/usr/bin/python3", argv: ["python3", "-c", "pass"], env: BASE_ENV })
    .catch(() => null);
  return probe !== null && probe.status.code === 0;
}

/** What /proc says a descriptor of `pid` is (`socket:[inode]`), read by a child. */
async function fdLink(rt: Runtime, pid: number | "self", fd: number, socket?: BoundSocket): Promise<string> {
  const opts = { path: "/bin/readlink", argv: ["readlink", `/proc/${pid}/fd/${fd}`], env: BASE_ENV };
  const r = await run(rt, socket === undefined ? opts : { ...opts, stdinSocket: socket });
  return r.stdout.trim();
}

/** Every descriptor of a child, as `<fd> <link>` lines (the shell lists its own before exec'ing nothing else). */
async function childFds(rt: Runtime, socket?: BoundSocket): Promise<string[]> {
  const script = 'for f in /proc/$$/fd/*; do printf "%s %s\\n" "${f##*/}" "$(readlink "$f")"; done';
  const opts = { path: "/bin/sh", argv: ["sh", "-c", script], env: BASE_ENV };
  const r = await run(rt, socket === undefined ? opts : { ...opts, stdinSocket: socket });
  return r.stdout.trim().split("\n");
}

/** A TCP port nothing listens on (served on port 0, then closed). */
async function freePort(rt: Runtime): Promise<number> {
  const l = await rt.serve({ transport: "tcp", hostname: "127.0.0.1", port: 0 }, () => Promise.resolve(new Response()));
  await l.close();
  return l.endpoint.transport === "tcp" ? l.endpoint.port : 0;
}

/** A child given `socket` as fd 0 answers a request made to `at`. */
async function answersThroughChild(rt: Runtime, socket: BoundSocket, at: Endpoint): Promise<void> {
  if (!(await havePython(rt))) return;
  const opts = { path: "/usr/bin/python3", argv: ["python3", "-c", ACCEPT_LOOP], env: BASE_ENV, stdinSocket: socket };
  await withChild(rt, opts, async (child) => {
    assert.equal(child.stdin, null, "no stdin pipe beside the socket");
    const res = await within(rt, rt.request(at, new Request("http://localhost/")), 10_000, "answer from the child");
    assert.equal(await res.text(), `pid ${child.pid}`);
  });
}

function throwsCode(fn: () => unknown, code: string, what: string): void {
  assert.throws(fn, (e) => e instanceof RuntimeError && e.code === code, `${what}: ${code}`);
}

/** The socket cases. */
export const socketCases: ContractCase[] = [
  [
    "connect(): connects to a listening TCP port and closes; refused when nothing listens; no socket file",
    async (rt) => {
      const listener = await rt.serve(
        { transport: "tcp", hostname: "127.0.0.1", port: 0 },
        () => Promise.resolve(new Response("ok")),
      );
      const at = listener.endpoint;
      assert.equal(at.transport, "tcp");
      await rt.connect(at, 5000);
      await listener.close();
      await assert.rejects(rt.connect(at, 5000), (e) => e instanceof ConnectionRefusedError);
      await withTempDir(rt, async (dir) => {
        await assert.rejects(
          rt.connect({ transport: "unix", path: `${dir}/none.sock` }, 5000),
          (e) => e instanceof NotFoundError,
        );
      });
    },
  ],
  ["bindSocket() on a unix path: a socket file; a child gets it as fd 0", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const at: Endpoint = { transport: "unix", path: `${dir}/app.sock` };
      const socket = rt.bindSocket(at);
      try {
        assert.equal((await rt.fs.stat(at.path))!.mode & 0o170000, 0o140000, "a socket file");
        socket.listen(5);
        const ours = await fdLink(rt, rt.pid, socket.fd);
        assert.match(ours, /^socket:\[\d+\]$/);
        assert.equal(await fdLink(rt, "self", 0, socket), ours, "the child's fd 0 is our socket");
        const given = (await childFds(rt, socket)).filter((l) => l.endsWith(` ${ours}`));
        assert.deepEqual(given, [`0 ${ours}`], "a child given the socket has it on fd 0 only");
        const other = (await childFds(rt)).filter((l) => l.endsWith(` ${ours}`));
        assert.deepEqual(other, [], "a child not given it has it on no descriptor");
        await answersThroughChild(rt, socket, at);
      } finally {
        socket.close();
      }
      socket.close(); // a second close does nothing
      assert.ok((await rt.fs.stat(at.path)) !== null, "close() leaves the file");
      const refused = await rt.request(at, new Request("http://localhost/")).then(() => null, (e) => e);
      assert.ok(refused instanceof ConnectionRefusedError, `nobody listens once closed: ${refused}`);
    });
  }],

  ["bindSocket() on TCP: listens, answers through a child, refuses a second bind", async (rt) => {
    const port = await freePort(rt);
    const at: Endpoint = { transport: "tcp", hostname: "127.0.0.1", port };
    const socket = rt.bindSocket(at);
    try {
      socket.listen(7);
      await answersThroughChild(rt, socket, at);
      throwsCode(() => rt.bindSocket(at).close(), "EADDRINUSE", "the same port again");
      assert.throws(() => rt.bindSocket(at), (e) => e instanceof AddressInUseError, "AddressInUseError");
    } finally {
      socket.close();
    }
    const again = rt.bindSocket({ transport: "tcp", hostname: "localhost", port });
    again.close();
  }],

  ["bindSocket() failures carry the errno; unknown hosts fail the lookup", async (rt) => {
    await withTempDir(rt, async (dir) => {
      assert.throws(
        () => rt.bindSocket({ transport: "unix", path: `${dir}/missing/app.sock` }),
        (e) => e instanceof NotFoundError,
        "missing directory: ENOENT",
      );
      await rt.fs.writeTextFile(`${dir}/file`, "");
      throwsCode(() => rt.bindSocket({ transport: "unix", path: `${dir}/file` }), "EADDRINUSE", "existing file");
      const long = `${dir}/${"a".repeat(107 - dir.length)}`;
      throwsCode(() => rt.bindSocket({ transport: "unix", path: long }), "ENAMETOOLONG", "108-byte path");
      rt.bindSocket({ transport: "unix", path: long.slice(0, -1) }).close();
    });
    assert.throws(
      () => rt.bindSocket({ transport: "tcp", hostname: "no-such-host.invalid", port: 1 }),
      (e) => e instanceof AddressLookupError && e.gaiCode < 0 && e.gaiText !== "",
      "unknown host: a getaddrinfo error",
    );
  }],

  ["chmodSync() and chownSync() change a file at once; -1 leaves an id alone (chown: root only)", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const path = `${dir}/f`;
      await rt.fs.writeTextFile(path, "");
      rt.fs.chmodSync(path, 0o640);
      assert.equal((await rt.fs.stat(path))!.mode & 0o7777, 0o640);
      assert.throws(() => rt.fs.chmodSync(`${dir}/none`, 0o600), (e) => e instanceof NotFoundError, "ENOENT");
      if (!isRoot(rt)) return;
      rt.fs.chownSync(path, 65534, 100);
      rt.fs.chownSync(path, -1, 65534);
      const info = (await rt.fs.stat(path))!;
      assert.deepEqual([info.uid, info.gid], [65534, 65534]);
    });
  }],
];
