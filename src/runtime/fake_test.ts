import assert from "node:assert/strict";
import { FakeExit, FakeRuntime, ManualClock, normalizePath } from "./fake.ts";
import {
  AddressInUseError,
  AlreadyExistsError,
  BrokenPipeError,
  ConnectionRefusedError,
  IsADirectoryError,
  NoSuchProcessError,
  NotADirectoryError,
  NotFoundError,
  PermissionDeniedError,
  RuntimeError,
} from "./errors.ts";
import type { SpawnOptions } from "./types.ts";

const SPAWN: SpawnOptions = { path: "/bin/cat", argv: ["cat"], env: {} };

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<string> {
  assert.ok(stream !== null);
  return await new Response(stream).text();
}

Deno.test("ManualClock.advance() fires due timers in due order, ties in scheduling order", () => {
  const clock = new ManualClock();
  const seen: string[] = [];
  clock.setTimeout(() => seen.push(`b@${clock.monotonic()}`), 20);
  clock.setTimeout(() => seen.push(`a@${clock.monotonic()}`), 10);
  clock.setTimeout(() => seen.push(`c@${clock.monotonic()}`), 20);
  clock.setTimeout(() => seen.push("late"), 31);
  clock.advance(30);
  assert.deepEqual(seen, ["a@10", "b@20", "c@20"]);
  assert.equal(clock.monotonic(), 30);
  assert.equal(clock.pending, 1);
  clock.advance(1);
  assert.deepEqual(seen.at(-1), "late");
});

Deno.test("ManualClock.advance() runs timers scheduled by fired timers when they fall due", () => {
  const clock = new ManualClock();
  const seen: number[] = [];
  const tick = () => {
    seen.push(clock.monotonic());
    clock.setTimeout(tick, 100);
  };
  clock.setTimeout(tick, 100);
  clock.advance(350);
  assert.deepEqual(seen, [100, 200, 300]);
  assert.equal(clock.pending, 1);
});

Deno.test("ManualClock.clearTimeout() cancels; jumpWall() moves only the wall clock", () => {
  const clock = new ManualClock(1_000_000);
  let fired = false;
  const id = clock.setTimeout(() => (fired = true), 5);
  clock.clearTimeout(id);
  clock.clearTimeout(9999);
  clock.advance(10);
  assert.equal(fired, false);
  assert.equal(clock.now(), 1_000_010);
  clock.jumpWall(-500);
  assert.equal(clock.now(), 999_510);
  assert.equal(clock.monotonic(), 10);
});

Deno.test("ManualClock.nextDueIn tells how far the earliest pending timer is", () => {
  const clock = new ManualClock();
  assert.equal(clock.nextDueIn, null);
  clock.setTimeout(() => {}, 30);
  const id = clock.setTimeout(() => {}, 10);
  assert.equal(clock.nextDueIn, 10);
  clock.clearTimeout(id);
  clock.advance(5);
  assert.equal(clock.nextDueIn, 25);
});

Deno.test("normalizePath() resolves '.', '..' and repeated slashes against a cwd", () => {
  assert.equal(normalizePath("a/./b//../c", "/x"), "/x/a/c");
  assert.equal(normalizePath("/../..", "/x"), "/");
  assert.equal(normalizePath("/etc/"), "/etc");
});

Deno.test("FakeFileSystem reads seeded files, ranges and directories", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/etc/supervisord.conf", "[supervisord]\n");
  rt.fs.seedDir("/etc/conf.d");
  assert.equal(await rt.fs.readTextFile("/etc/supervisord.conf"), "[supervisord]\n");
  assert.equal(new TextDecoder().decode(await rt.fs.readRange("/etc/supervisord.conf", 1, 4)), "supe");
  assert.equal((await rt.fs.readRange("/etc/supervisord.conf", 100, 4)).length, 0);
  assert.deepEqual(rt.fs.readDirSync("/etc").sort(), ["conf.d", "supervisord.conf"]);
  assert.deepEqual(new TextDecoder().decode(rt.fs.readFileSync("/etc/supervisord.conf")), "[supervisord]\n");
  const info = rt.fs.statSync("/etc/supervisord.conf");
  assert.ok(info !== null && info.isFile && !info.isDirectory);
  assert.equal(info.size, 14);
  assert.equal(info.mode, 0o100644);
  assert.equal(rt.fs.statSync("/etc/conf.d")?.isDirectory, true);
});

Deno.test("FakeFileSystem normalises errors by errno", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/f", "x");
  assert.equal(rt.fs.statSync("/missing"), null);
  assert.equal(rt.fs.statSync("/f/child"), null);
  assert.throws(() => rt.fs.readFileSync("/missing"), NotFoundError);
  assert.throws(() => rt.fs.readFileSync("/"), IsADirectoryError);
  assert.throws(() => rt.fs.readDirSync("/f"), NotADirectoryError);
  assert.throws(() => rt.fs.readFileSync("/f/child"), NotADirectoryError);
  await assert.rejects(rt.fs.mkdir("/f"), AlreadyExistsError);
  await assert.rejects(rt.fs.mkdir("/a/b"), NotFoundError);
  await assert.rejects(rt.fs.readFile("/missing"), (e: unknown) => e instanceof RuntimeError && e.code === "ENOENT");
});

Deno.test("FakeFileSystem.openAppend() appends, creating the file with the umask", async () => {
  const rt = new FakeRuntime({ umask: 0o027 });
  const f = await rt.fs.openAppend("/log");
  f.writeSync(new TextEncoder().encode("a"));
  await f.write(new TextEncoder().encode("b"));
  await f.close();
  assert.throws(() => f.writeSync(new Uint8Array(1)), (e: unknown) => e instanceof RuntimeError && e.code === "EBADF");
  const again = await rt.fs.openAppend("/log");
  again.writeSync(new TextEncoder().encode("c"));
  assert.equal(rt.fs.text("/log"), "abc");
  assert.equal(rt.fs.statSync("/log")?.mode, 0o100640);
  await rt.fs.writeTextFile("/pid", "123\n", { mode: 0o644 });
  await rt.fs.writeTextFile("/pid", "7\n");
  assert.equal(rt.fs.text("/pid"), "7\n");
  assert.equal(rt.fs.statSync("/pid")?.mode, 0o100640);
});

Deno.test("FakeFileSystem rename, link, remove and mkdir behave like their syscalls", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/d/a.log", "1");
  await rt.fs.rename("/d/a.log", "/d/a.log.1");
  assert.equal(rt.fs.exists("/d/a.log"), false);
  assert.equal(rt.fs.text("/d/a.log.1"), "1");
  await rt.fs.link("/d/a.log.1", "/d/hard");
  assert.equal(rt.fs.statSync("/d/hard")?.ino, rt.fs.statSync("/d/a.log.1")?.ino);
  await assert.rejects(rt.fs.link("/d/a.log.1", "/d/hard"), AlreadyExistsError);
  await assert.rejects(rt.fs.remove("/d"), (e: unknown) => e instanceof RuntimeError && e.code === "ENOTEMPTY");
  await rt.fs.remove("/d", { recursive: true });
  assert.equal(rt.fs.exists("/d/hard"), false);
  await rt.fs.mkdir("/x/y/z", { recursive: true });
  await rt.fs.mkdir("/x/y/z", { recursive: true });
  assert.deepEqual(await rt.fs.readDir("/x/y"), ["z"]);
  assert.equal(await rt.fs.realPath("/x/./y/../y/z"), "/x/y/z");
});

Deno.test("FakeFileSystem checks permissions for non-root users and lets root chown", async () => {
  const rt = new FakeRuntime({ uid: 1000, gid: 1000 });
  rt.fs.seedFile("/secret", "s", { mode: 0o600, uid: 0, gid: 0 });
  rt.fs.seedFile("/bin/tool", "#!", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/bin/plain", "", { mode: 0o644, uid: 0, gid: 0 });
  assert.throws(() => rt.fs.readFileSync("/secret"), PermissionDeniedError);
  assert.equal(rt.fs.accessSync("/secret", 4), false);
  assert.equal(await rt.fs.access("/bin/tool", 1), true);
  assert.equal(rt.fs.accessSync("/bin/plain", 1), false);
  assert.equal(rt.fs.accessSync("/missing", 0), false);
  await assert.rejects(rt.fs.chown("/bin/tool", 1, 1), PermissionDeniedError);
  rt.euidValue = 0;
  await rt.fs.chown("/secret", 1000, 1000);
  assert.equal(rt.fs.statSync("/secret")?.uid, 1000);
  assert.equal(rt.fs.accessSync("/bin/plain", 1), false);
  await rt.fs.chmod("/bin/plain", 0o700);
  assert.equal(rt.fs.accessSync("/bin/plain", 1), true);
});

Deno.test("FakeFileSystem.failWith() injects an errno until cleared", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/log", "");
  rt.fs.failWith("/log", "ENOSPC");
  await assert.rejects(rt.fs.openAppend("/log"), (e: unknown) => e instanceof RuntimeError && e.code === "ENOSPC");
  rt.fs.failWith("/log", null);
  await rt.fs.openAppend("/log");
});

Deno.test("FakeRuntime.spawn() records children the test can script", async () => {
  const rt = new FakeRuntime();
  const child = rt.spawn({ ...SPAWN, cwd: "/tmp" });
  assert.equal(rt.lastChild, child);
  assert.equal(rt.spawns[0]?.options.cwd, "/tmp");
  child.writeStdout("out ");
  child.writeStdout(new TextEncoder().encode("more"));
  child.writeStderr("err");
  child.exit(3);
  assert.equal(await readAll(child.stdout), "out more");
  assert.equal(await readAll(child.stderr), "err");
  assert.deepEqual(await child.exited, { code: 3, signal: null });
  child.terminate("SIGTERM");
  assert.deepEqual(child.status, { code: 3, signal: null });
});

Deno.test("FakeChild with redirectStderr has no stderr stream and merges writes", async () => {
  const rt = new FakeRuntime();
  const child = rt.spawn({ ...SPAWN, redirectStderr: true });
  assert.equal(child.stderr, null);
  child.writeStdout("a");
  child.writeStderr("b");
  child.terminate("SIGKILL");
  assert.equal(await readAll(child.stdout), "ab");
  assert.deepEqual(await child.exited, { code: null, signal: "SIGKILL" });
});

Deno.test("FakeChild stdin records writes and breaks once the child is gone", async () => {
  const rt = new FakeRuntime();
  const child = rt.spawn(SPAWN);
  const seen: string[] = [];
  child.onStdin = (data) => seen.push(new TextDecoder().decode(data));
  await child.stdin?.write(new TextEncoder().encode("hello\n"));
  assert.equal(child.stdinText(), "hello\n");
  assert.deepEqual(seen, ["hello\n"]);
  child.exit(0);
  await assert.rejects(child.stdin?.write(new Uint8Array(1)) ?? Promise.resolve(), BrokenPipeError);
});

Deno.test("FakeRuntime.kill() records; SIGKILL always ends the child, others only with killExits", async () => {
  const rt = new FakeRuntime();
  const a = rt.spawn(SPAWN);
  rt.kill(a.pid, "SIGTERM");
  assert.equal(a.status, null);
  rt.kill(-a.pid, 9);
  assert.deepEqual(await a.exited, { code: null, signal: "SIGKILL" });
  rt.killExits = true;
  const b = rt.spawn(SPAWN);
  rt.kill(b.pid, "SIGCONT");
  assert.equal(b.status, null);
  rt.kill(b.pid, "SIGINT");
  assert.deepEqual(await b.exited, { code: null, signal: "SIGINT" });
  assert.throws(() => rt.kill(a.pid, "SIGTERM"), NoSuchProcessError);
  assert.deepEqual(rt.kills.map((k) => k.signal), ["SIGTERM", 9, "SIGCONT", "SIGINT", "SIGTERM"]);
});

Deno.test("FakeRuntime.spawnError makes the next spawn throw once", () => {
  const rt = new FakeRuntime();
  rt.spawnError = new RuntimeError("fork: Resource temporarily unavailable", "EAGAIN");
  assert.throws(() => rt.spawn(SPAWN), (e: unknown) => e instanceof RuntimeError && e.code === "EAGAIN");
  rt.spawn(SPAWN);
  assert.equal(rt.spawns.length, 1);
});

Deno.test("FakeRuntime.raise() runs signal handlers until unsubscribed", () => {
  const rt = new FakeRuntime();
  let hups = 0;
  const off = rt.onSignal("SIGHUP", () => hups++);
  rt.raise("SIGHUP");
  rt.kill(rt.pid, "SIGHUP");
  rt.raise("SIGTERM");
  off();
  rt.raise("SIGHUP");
  assert.equal(hups, 2);
  assert.equal(rt.signalHandlerCount("SIGHUP"), 0);
});

Deno.test("FakeRuntime.serve() and request() talk in memory over unix and tcp endpoints", async () => {
  const rt = new FakeRuntime();
  rt.fs.seedDir("/run");
  const unix = await rt.serve(
    { transport: "unix", path: "/run/s.sock" },
    async (req) => new Response(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`),
  );
  assert.equal(rt.fs.statSync("/run/s.sock")?.mode, 0o140755);
  const res = await rt.request(
    { transport: "unix", path: "/run/s.sock" },
    new Request("http://localhost/RPC2", { method: "POST", body: "x" }),
  );
  assert.equal(await res.text(), "POST /RPC2 x");
  await assert.rejects(
    rt.serve({ transport: "unix", path: "/run/s.sock" }, () => Promise.resolve(new Response())),
    AddressInUseError,
  );
  await unix.close();
  assert.equal(rt.fs.exists("/run/s.sock"), false);
  const get = () => new Request("http://localhost/");
  await assert.rejects(rt.request({ transport: "unix", path: "/run/s.sock" }, get()), NotFoundError);
  rt.fs.seedSocket("/run/stale.sock");
  await assert.rejects(rt.request({ transport: "unix", path: "/run/stale.sock" }, get()), ConnectionRefusedError);
  const tcp = await rt.serve(
    { transport: "tcp", hostname: "127.0.0.1", port: 0 },
    () => Promise.resolve(new Response("t")),
  );
  assert.ok(tcp.endpoint.transport === "tcp" && tcp.endpoint.port > 0);
  assert.equal(await (await rt.request(tcp.endpoint, get())).text(), "t");
  await tcp.close();
  await assert.rejects(rt.request(tcp.endpoint, get()), ConnectionRefusedError);
});

Deno.test("FakeRuntime captures output, tracks umask and cwd, and exit() throws FakeExit", () => {
  const rt = new FakeRuntime({ env: { A: "1" }, cwd: "/srv", umask: 0o002 });
  rt.stdout.write("hello ");
  rt.stdout.write(new TextEncoder().encode("world\n"));
  rt.stderr.write("oops\n");
  assert.equal(rt.stdoutText(), "hello world\n");
  assert.equal(rt.stderrText(), "oops\n");
  assert.equal(rt.umask(0o077), 0o002);
  assert.equal(rt.umask(), 0o077);
  const env = rt.env();
  env["B"] = "2";
  assert.deepEqual(rt.env(), { A: "1" });
  rt.fs.seedDir("/srv/app");
  rt.chdir("app");
  assert.equal(rt.cwd(), "/srv/app");
  assert.throws(() => rt.chdir("/missing"), NotFoundError);
  assert.throws(() => rt.exit(2), (e: unknown) => e instanceof FakeExit && e.code === 2);
  assert.deepEqual(rt.exits, [2]);
});

Deno.test("FakeRuntime.importModule() serves registered modules, evaluating again only when fresh", async () => {
  const rt = new FakeRuntime();
  let n = 0;
  rt.modules.set("/p/a.ts", () => ({ n: ++n }));
  const first = await rt.importModule("/p/a.ts");
  assert.equal(await rt.importModule("/p/a.ts"), first);
  assert.deepEqual(await rt.importModule("/p/a.ts", { fresh: true }), { n: 2 });
  await assert.rejects(rt.importModule("/p/b.ts"), (e) => e instanceof NotFoundError);
  rt.modules.set("/p/c.ts", () => {
    throw new SyntaxError("Unexpected ; (/p/c.ts:1:18)");
  });
  await assert.rejects(rt.importModule("/p/c.ts"), SyntaxError);
  assert.deepEqual(rt.imports.map((i) => `${i.path} ${i.fresh}`), [
    "/p/a.ts false",
    "/p/a.ts false",
    "/p/a.ts true",
    "/p/b.ts false",
    "/p/c.ts false",
  ]);
});

Deno.test("FakeRuntime.request() adds the Content-Length an HTTP client sends with a body", async () => {
  const rt = new FakeRuntime();
  const seen: Array<string | null> = [];
  await rt.serve({ transport: "unix", path: "/s.sock" }, (req) => {
    seen.push(req.headers.get("content-length"));
    return Promise.resolve(new Response("ok"));
  });
  await rt.request(
    { transport: "unix", path: "/s.sock" },
    new Request("http://x/RPC2", { method: "POST", body: "héllo" }),
  );
  await rt.request({ transport: "unix", path: "/s.sock" }, new Request("http://x/"));
  assert.deepEqual(seen, ["6", null]);
});
