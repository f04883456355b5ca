import assert from "node:assert/strict";
import { parseGroup, parsePasswd } from "../config/datatypes.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig } from "./_testing.ts";
import { SpawnError } from "./exec_args.ts";
import { childFailureOptions, type SpawnContext, spawnOptionsFor, userSwitchFor } from "./spawn_options.ts";

const PASSWD = parsePasswd([
  "root:x:0:0:root:/root:/bin/bash",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "app:x:1000:1001:App:/home/app:/bin/sh",
].join("\n"));

const GROUP = parseGroup([
  "root:x:0:",
  "nogroup:x:65534:",
  "ssl-cert:x:110:app,postgres",
  "app:x:1001:",
  "docker:x:999:app",
  "web:x:33:www-data",
].join("\n"));

function context(rt: FakeRuntime, over: Partial<SpawnContext> = {}): SpawnContext {
  return {
    env: rt.env(),
    serverurl: "unix:///run/supervisor.sock",
    uid: rt.uid(),
    passwd: () => PASSWD,
    groups: () => GROUP,
    fs: rt.fs,
    ...over,
  };
}

function host(uid = 0): FakeRuntime {
  const rt = new FakeRuntime({ uid, gid: uid, env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" } });
  rt.fs.seedFile("/bin/echo", "", { mode: 0o755, uid: 0, gid: 0 });
  rt.fs.seedFile("/opt/bin/echo", "", { mode: 0o755, uid: 0, gid: 0 });
  return rt;
}

Deno.test("[SPAWN.argv,SPAWN.pipes,ENV.child] a plain program: resolved path, argv, env and three pipes", () => {
  const rt = host();
  const opts = spawnOptionsFor(programConfig({ name: "p_1", command: "echo 'hi there'" }), "p", context(rt));
  assert.deepEqual(opts, {
    path: "/bin/echo",
    argv: ["echo", "hi there"],
    env: {
      PATH: "/usr/bin:/bin",
      LANG: "C.UTF-8",
      SUPERVISOR_ENABLED: "1",
      SUPERVISOR_SERVER_URL: "unix:///run/supervisor.sock",
      SUPERVISOR_PROCESS_NAME: "p_1",
      SUPERVISOR_GROUP_NAME: "p",
    },
    redirectStderr: false,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
});

Deno.test("[SPAWN.chdir,SPAWN.umask,SPAWN.fds] directory, umask and redirect_stderr reach the options", () => {
  const rt = host();
  const proc = programConfig({ command: "/bin/echo", directory: "/tmp", umask: 0o077, redirect_stderr: true });
  const opts = spawnOptionsFor(proc, "g", context(rt));
  assert.equal(opts.cwd, "/tmp");
  assert.equal(opts.umask, 0o077);
  assert.equal(opts.redirectStderr, true);
  assert.equal(spawnOptionsFor(programConfig({ command: "/bin/echo", umask: 0 }), "g", context(rt)).umask, 0);
});

Deno.test("[DAEMON.rlimits] the children's soft open-files limit reaches the options only when it is set", () => {
  const rt = host();
  const proc = programConfig({ command: "/bin/echo" });
  assert.equal(spawnOptionsFor(proc, "g", context(rt, { nofileSoft: 1024 })).nofileSoft, 1024);
  assert.equal("nofileSoft" in spawnOptionsFor(proc, "g", context(rt)), false);
});

Deno.test("[SPAWN.lookup,ENV.child] the program's PATH drives the lookup and the child's environment", () => {
  const rt = host();
  const proc = programConfig({ command: "echo", environment: { PATH: "/opt/bin", X: "1" }, serverurl: "http://h:1" });
  const opts = spawnOptionsFor(proc, "g", context(rt));
  assert.equal(opts.path, "/opt/bin/echo");
  assert.equal(opts.env.PATH, "/opt/bin");
  assert.equal(opts.env.X, "1");
  assert.equal(opts.env.SUPERVISOR_SERVER_URL, "http://h:1");
});

Deno.test("[PROC.spawnerr] lookup failures throw SpawnError before anything else is prepared", () => {
  const rt = host();
  let passwdRead = false;
  const ctx = context(rt, { passwd: () => (passwdRead = true, PASSWD) });
  assert.throws(
    () => spawnOptionsFor(programConfig({ command: "nope", uid: 65534 }), "g", ctx),
    (e: unknown) => e instanceof SpawnError && e.kind === "NotFound" && e.message === "can't find command 'nope'",
  );
  assert.equal(passwdRead, false);
});

Deno.test("[SPAWN.user] root switches to the uid and its passwd primary gid", () => {
  const rt = host(0);
  const opts = spawnOptionsFor(programConfig({ command: "/bin/echo", uid: 1000 }), "g", context(rt));
  assert.equal(opts.uid, 1000);
  assert.equal(opts.gid, 1001);
  assert.equal(opts.path, "/bin/echo");
  // The environment is not adjusted for the user.
  assert.equal(opts.env.HOME, undefined);
  assert.equal(opts.env.USER, undefined);
});

Deno.test("[SPAWN.user] user= naming supervisord's own uid changes nothing, root or not", () => {
  for (const uid of [0, 1000]) {
    const rt = host(uid);
    const opts = spawnOptionsFor(programConfig({ command: "/bin/echo", uid }), "g", context(rt));
    assert.equal("uid" in opts, false);
    assert.equal("gid" in opts, false);
  }
});

Deno.test("[SPAWN.user,SPAWN.childfail] a non-root supervisord gets a child that reports and exits 127", () => {
  const rt = host(1000);
  const proc = programConfig({ command: "/bin/echo x", uid: 65534, directory: "/tmp", umask: 0o077 });
  const opts = spawnOptionsFor(proc, "g", context(rt));
  const text = "supervisor: couldn't setuid to 65534: Can't drop privilege as nonroot user\n" +
    "supervisor: child process was not spawned\n";
  assert.deepEqual(opts.argv, ["/bin/sh", "-c", `printf '%s' "$1" >&2; exit 127`, "supervisor", text]);
  assert.equal(opts.path, "/bin/sh");
  // Python fails before chdir and umask; no uid switch is attempted.
  assert.equal(opts.cwd, undefined);
  assert.equal(opts.umask, undefined);
  assert.equal(opts.uid, undefined);
  assert.equal(opts.redirectStderr, false);
  assert.equal(opts.stdin, "pipe");
});

Deno.test("[SPAWN.user,SPAWN.childfail] a uid gone from passwd fails in the child, even for root", () => {
  const rt = host(0);
  const opts = spawnOptionsFor(
    programConfig({ command: "/bin/echo", uid: 4321, redirect_stderr: true }),
    "g",
    context(rt),
  );
  assert.equal(
    opts.argv[4],
    "supervisor: couldn't setuid to 4321: Can't find uid 4321\n" +
      "supervisor: child process was not spawned\n",
  );
  assert.equal(opts.redirectStderr, true);
});

Deno.test("[SPAWN.user] userSwitchFor() follows drop_privileges' order of checks", () => {
  const db = { passwd: () => PASSWD, groups: () => GROUP };
  const unread = { passwd: () => assert.fail("passwd read"), groups: () => assert.fail("group read") };
  assert.deepEqual(userSwitchFor(null, 1000, unread), { kind: "keep" });
  assert.deepEqual(userSwitchFor(77, 77, db), { kind: "fail", reason: "Can't find uid 77" });
  assert.deepEqual(userSwitchFor(1000, 1000, db), { kind: "keep" });
  assert.deepEqual(userSwitchFor(0, 1000, db), { kind: "fail", reason: "Can't drop privilege as nonroot user" });
  assert.deepEqual(userSwitchFor(65534, 0, db), { kind: "switch", uid: 65534, gid: 65534, groups: [65534] });
});

Deno.test("[SPAWN.user] the primary gid first, then every group listing the user by name", () => {
  const db = { passwd: () => PASSWD, groups: () => GROUP };
  assert.deepEqual(userSwitchFor(1000, 0, db), { kind: "switch", uid: 1000, gid: 1001, groups: [1001, 110, 999] });
  const opts = spawnOptionsFor(programConfig({ command: "/bin/echo", uid: 1000 }), "g", context(host(0)));
  assert.deepEqual([opts.uid, opts.gid, opts.groups], [1000, 1001, [1001, 110, 999]]);
});

Deno.test("[SPAWN.childfail] childFailureOptions() keeps the environment and stdio of the real program", () => {
  const opts = childFailureOptions("couldn't setuid to 1: x", { env: { A: "1" }, redirectStderr: true });
  assert.deepEqual(opts.env, { A: "1" });
  assert.equal(opts.redirectStderr, true);
  assert.deepEqual([opts.stdin, opts.stdout, opts.stderr], ["pipe", "pipe", "pipe"]);
  const child = new FakeRuntime().spawn(opts);
  assert.equal(child.stderr, null);
});
