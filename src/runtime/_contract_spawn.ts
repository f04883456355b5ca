/**
 * Contract suite, processes: how `spawn()` starts children (argv, env, cwd,
 * user, process group, ignored signals, umask, chdir failure, merged
 * stderr, stdin), how exits are reported, `kill()` by pid and by group, and
 * signal listeners.
 *
 * Python counterpart: supervisor/process.py (`Subprocess._spawn_as_child`),
 * SURFACE §4.4 SPAWN.* and §6.3.
 * @module
 */

import * as assert from "./_contract_assert.ts";
import { NoSuchProcessError, RuntimeError } from "./errors.ts";
import type { Runtime } from "./types.ts";
import {
  BASE_ENV,
  type ContractCase,
  isGone,
  isRoot,
  pollUntil,
  procStat,
  readText,
  run,
  withChild,
  within,
  withTempDir,
} from "./_contract_util.ts";

/** How many pipes and sockets this process has open, as `ls -l /proc/<pid>/fd` (run as a child) shows them. */
async function openPipes(rt: Runtime): Promise<number> {
  const r = await run(rt, { path: "/bin/ls", argv: ["ls", "-l", `/proc/${rt.pid}/fd`], env: BASE_ENV });
  return r.stdout.split("\n").filter((line) => / -> (pipe|socket):/.test(line)).length;
}

/** The process cases. */
export const spawnCases: ContractCase[] = [
  ["spawn() passes argv verbatim, argv[0] as written", async (rt) => {
    const cmdline = await run(rt, { path: "/bin/cat", argv: ["cat", "/proc/self/cmdline"], env: { PATH: "/bin" } });
    assert.equal(cmdline.stdout, "cat\0/proc/self/cmdline\0");
    const args = ["a b", "'q'", '"dq"', "$HOME", "`x`", "line\nbreak", "", "-n", "*"];
    const printed = await run(rt, { path: "/usr/bin/printf", argv: ["printf", "[%s]", ...args], env: BASE_ENV });
    assert.equal(printed.stdout, args.map((a) => `[${a}]`).join(""));
    assert.deepEqual(printed.status, { code: 0, signal: null });
  }],

  ["spawn() gives the child exactly the given environment", async (rt) => {
    const env = { PATH: "/usr/bin:/bin", ONLY_THIS: "x y", EMPTY: "" };
    const r = await run(rt, { path: "/usr/bin/env", argv: ["env"], env });
    assert.deepEqual(r.stdout.trimEnd().split("\n").sort(), ["EMPTY=", "ONLY_THIS=x y", "PATH=/usr/bin:/bin"]);
    const withPwd = await run(rt, { path: "/usr/bin/env", argv: ["env"], env: { PWD: "/nowhere" }, cwd: "/tmp" });
    assert.equal(withPwd.stdout, "PWD=/nowhere\n");
  }],

  ["spawn() runs the child in cwd", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const r = await run(rt, { path: "/bin/pwd", argv: ["pwd"], env: BASE_ENV, cwd: dir });
      assert.equal(r.stdout, `${dir}\n`);
    });
  }],

  ["spawn() switches uid and gid (root only)", async (rt) => {
    if (!isRoot(rt)) return;
    const u = await run(rt, { path: "/usr/bin/id", argv: ["id", "-u"], env: BASE_ENV, uid: 65534, gid: 65534 });
    const g = await run(rt, { path: "/usr/bin/id", argv: ["id", "-g"], env: BASE_ENV, uid: 65534, gid: 65534 });
    assert.equal(u.stdout, "65534\n");
    assert.equal(g.stdout, "65534\n");
  }],

  ["[SPAWN.user] spawn() sets the supplementary groups with uid and gid (root only)", async (rt) => {
    if (!isRoot(rt)) return;
    const user = { uid: 65534, gid: 65534, groups: [65534, 100, 4242] };
    const r = await run(rt, { path: "/bin/cat", argv: ["cat", "/proc/self/status"], env: BASE_ENV, ...user });
    const line = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(r.stdout)?.[1]?.trim();
    assert.equal(line("Uid")?.split(/\s+/)[0], "65534");
    assert.equal(line("Gid")?.split(/\s+/)[0], "65534");
    assert.deepEqual(line("Groups")?.split(/\s+/).sort(), ["100", "4242", "65534"]);
    // The switch still happens before the directory change, as in Python.
    await withTempDir(rt, async (dir) => {
      await rt.fs.chmod(dir, 0o700);
      const cd = await run(rt, { path: "/bin/pwd", argv: ["pwd"], env: BASE_ENV, cwd: dir, ...user });
      assert.equal(cd.status.code, 127);
      assert.match(cd.stderr, /couldn't chdir to .*: EACCES/);
    });
  }],

  ["spawn() puts the child in its own process group", async (rt) => {
    await withChild(rt, { path: "/bin/sleep", argv: ["sleep", "30"], env: BASE_ENV }, async (child) => {
      const stat = await procStat(rt, child.pid);
      assert.ok(stat !== null);
      assert.equal(stat[2], String(child.pid), "pgrp == pid");
      const own = await procStat(rt, rt.pid);
      assert.notEqual(stat[2], own?.[2]);
    });
  }],

  ["spawn() children ignore SIGPIPE and SIGXFSZ and block nothing", async (rt) => {
    const r = await run(rt, { path: "/bin/cat", argv: ["cat", "/proc/self/status"], env: BASE_ENV });
    const field = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s+([0-9a-f]+)$`, "m").exec(r.stdout)?.[1]}`);
    assert.equal(field("SigIgn") & 0x7fffffffn, 0x1001000n, "SIGPIPE and SIGXFSZ only (signals 1..31)");
    assert.equal(field("SigBlk"), 0n);
  }],

  ["spawn() applies the umask, or lets the child inherit ours", async (rt) => {
    const set = await run(rt, { path: "/bin/cat", argv: ["cat", "/proc/self/status"], env: BASE_ENV, umask: 0o027 });
    assert.match(set.stdout, /^Umask:\s+0027$/m);
    const inherited = await run(rt, { path: "/bin/cat", argv: ["cat", "/proc/self/status"], env: BASE_ENV });
    const ours = rt.umask().toString(8).padStart(4, "0");
    assert.match(inherited.stdout, new RegExp(`^Umask:\\s+${ours}$`, "m"));
  }],

  ["spawn() reports a bad cwd like supervisord and exits 127", async (rt) => {
    const text = "supervisor: couldn't chdir to /nonexistent/dir: ENOENT\nsupervisor: child process was not spawned\n";
    const r = await run(rt, { path: "/bin/true", argv: ["true"], env: BASE_ENV, cwd: "/nonexistent/dir" });
    assert.deepEqual(r.status, { code: 127, signal: null });
    assert.equal(r.stderr, text);
    const merged = await run(rt, {
      path: "/bin/true",
      argv: ["true"],
      env: BASE_ENV,
      cwd: "/nonexistent/dir",
      redirectStderr: true,
    });
    assert.equal(merged.stdout, text);
  }],

  ["spawn() with redirectStderr keeps stdout and stderr interleaved in one pipe", async (rt) => {
    const r = await run(rt, {
      path: "/bin/sh",
      argv: ["sh", "-c", "echo a; echo b >&2; echo c"],
      env: BASE_ENV,
      redirectStderr: true,
    });
    assert.equal(r.stdout, "a\nb\nc\n");
    assert.equal(r.stderr, "");
  }],

  ["spawn() delivers stdin bytes and large stdout intact", async (rt) => {
    const echoed = await run(rt, { path: "/bin/cat", argv: ["cat"], env: BASE_ENV }, "hello\nworld\n");
    assert.equal(echoed.stdout, "hello\nworld\n");
    await withChild(
      rt,
      { path: "/usr/bin/head", argv: ["head", "-c", "16777216", "/dev/zero"], env: BASE_ENV },
      async (c) => {
        let total = 0;
        for await (const chunk of c.stdout ?? []) total += chunk.length;
        assert.equal(total, 16 * 1024 * 1024);
      },
    );
  }],

  ["[SPAWN.pipes,SPAWN.fds] fds 0-2 are pipes: /dev/stdout, /dev/stderr, /proc/self/fd/2 open", async (rt) => {
    // A socket there makes open() fail with ENXIO (nginx error_log /dev/stderr, php-fpm /proc/self/fd/2).
    const script = [
      "for fd in 0 1 2; do if [ -p /proc/self/fd/$fd ]; then echo fifo; else echo not-fifo; fi; done",
      "echo out >/dev/stdout && echo err >/dev/stderr && echo fd2 >/proc/self/fd/2",
      'read line </dev/stdin && echo "in:$line" >/proc/self/fd/1',
    ].join("\n");
    const r = await run(rt, { path: "/bin/sh", argv: ["sh", "-c", script], env: BASE_ENV }, "piped\n");
    assert.equal(r.stdout, "fifo\nfifo\nfifo\nout\nin:piped\n");
    assert.equal(r.stderr, "err\nfd2\n");
    assert.deepEqual(r.status, { code: 0, signal: null });
    const merged = await run(rt, {
      path: "/bin/sh",
      argv: ["sh", "-c", "echo a >/dev/stderr; [ -p /proc/self/fd/2 ] && echo b >/proc/self/fd/2"],
      env: BASE_ENV,
      redirectStderr: true,
    });
    assert.equal(merged.stdout, "a\nb\n");
  }],

  ["spawn() leaves none of its pipe descriptors open in later children or in this process", async (rt) => {
    if (rt.name === "fake") return;
    const before = await openPipes(rt);
    const listing = "for fd in 0 1 2; do readlink /proc/self/fd/$fd; done; echo; sleep 30";
    await withChild(rt, { path: "/bin/sh", argv: ["sh", "-c", listing], env: BASE_ENV }, async (first) => {
      let text = "";
      const reader = first.stdout!.getReader();
      while (!text.includes("\n\n")) {
        const chunk = await within(rt, reader.read(), 10_000, "the first child's descriptors");
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      reader.releaseLock();
      const pipes = text.trim().split("\n");
      assert.equal(pipes.length, 3);
      // A child started while the first one's pipes are open inherits none of them.
      const second = await run(rt, { path: "/bin/ls", argv: ["ls", "-l", "/proc/self/fd/"], env: BASE_ENV });
      for (const pipe of pipes) assert.ok(!second.stdout.includes(pipe), `${pipe} leaked:\n${second.stdout}`);
    });
    await run(rt, { path: "/bin/sh", argv: ["sh", "-c", "cat; echo done"], env: BASE_ENV }, "x");
    await pollUntil(rt, async () => (await openPipes(rt)) <= before, 10_000, "pipe descriptors closed again");
  }],

  ["Child.stdin.write() rejects with EPIPE once the child is gone, or has closed its stdin", async (rt) => {
    const isEpipe = (e: unknown) => e instanceof RuntimeError && e.code === "EPIPE";
    await withChild(rt, { path: "/bin/true", argv: ["true"], env: BASE_ENV }, async (child) => {
      await within(rt, child.exited, 10_000, "exit of true");
      await assert.rejects(
        child.stdin?.write(new Uint8Array(70_000)) ?? Promise.reject(new Error("no stdin")),
        isEpipe,
      );
    });
    const closer = { path: "/bin/sh", argv: ["sh", "-c", "exec 0<&-; echo closed; sleep 30"], env: BASE_ENV };
    await withChild(rt, closer, async (child) => {
      const reader = child.stdout!.getReader();
      await within(rt, reader.read(), 10_000, "stdin closed");
      reader.releaseLock();
      await assert.rejects(
        child.stdin?.write(new Uint8Array(70_000)) ?? Promise.reject(new Error("no stdin")),
        isEpipe,
      );
    });
  }],

  ["Child.exited reports an exit code or the killing signal", async (rt) => {
    const code = await run(rt, { path: "/bin/sh", argv: ["sh", "-c", "exit 3"], env: BASE_ENV });
    assert.deepEqual(code.status, { code: 3, signal: null });
    const signalled = await run(rt, { path: "/bin/sh", argv: ["sh", "-c", "kill -TERM $$"], env: BASE_ENV });
    assert.deepEqual(signalled.status, { code: null, signal: "SIGTERM" });
  }],

  ["kill() signals a child by pid, by name or number", async (rt) => {
    await withChild(rt, { path: "/bin/sleep", argv: ["sleep", "60"], env: BASE_ENV }, async (child) => {
      rt.kill(child.pid, "SIGTERM");
      assert.deepEqual(await within(rt, child.exited, 10_000, "SIGTERM"), { code: null, signal: "SIGTERM" });
    });
    await withChild(rt, { path: "/bin/sleep", argv: ["sleep", "60"], env: BASE_ENV }, async (child) => {
      rt.kill(child.pid, 9);
      assert.deepEqual(await within(rt, child.exited, 10_000, "SIGKILL"), { code: null, signal: "SIGKILL" });
    });
  }],

  ["kill() with signal 0 probes: quiet for a live child, NoSuchProcessError once it is reaped", async (rt) => {
    let pid = 0;
    await withChild(rt, { path: "/bin/sleep", argv: ["sleep", "60"], env: BASE_ENV }, (child) => {
      pid = child.pid;
      rt.kill(child.pid, 0);
      return Promise.resolve();
    });
    await pollUntil(rt, () => isGone(rt, pid), 10_000, `child ${pid} gone`);
    assert.throws(() => rt.kill(pid, 0), (e) => e instanceof NoSuchProcessError);
  }],

  ["kill() with a negative pid reaches the whole group, grandchildren included", async (rt) => {
    const opts = { path: "/bin/sh", argv: ["sh", "-c", "sleep 60 & echo $!; wait"], env: BASE_ENV };
    await withChild(rt, opts, async (child) => {
      const reader = child.stdout?.getReader();
      assert.ok(reader !== undefined);
      const first = await within(rt, reader.read(), 10_000, "grandchild pid");
      const grandchild = Number(new TextDecoder().decode(first.value).trim());
      reader.releaseLock();
      assert.ok(grandchild > 0 && !(await isGone(rt, grandchild)));
      rt.kill(-child.pid, "SIGTERM");
      assert.deepEqual(await within(rt, child.exited, 10_000, "group exit"), { code: null, signal: "SIGTERM" });
      await pollUntil(rt, () => isGone(rt, grandchild), 10_000, `grandchild ${grandchild} gone`);
      const groupGone = () => {
        try {
          rt.kill(-child.pid, "SIGTERM");
          return Promise.resolve(false);
        } catch (e) {
          if (e instanceof NoSuchProcessError) return Promise.resolve(true);
          throw e;
        }
      };
      await pollUntil(rt, groupGone, 10_000, "group gone: kill(-pid) throws NoSuchProcessError");
    });
  }],

  ["onSignal() runs handlers for signals sent to our pid, until unsubscribed", async (rt) => {
    for (const signal of ["SIGUSR2", "SIGHUP"] as const) {
      let resolveFirst!: () => void;
      const first = new Promise<void>((r) => (resolveFirst = r));
      let second = 0;
      const offFirst = rt.onSignal(signal, () => resolveFirst());
      const offSecond = rt.onSignal(signal, () => second++);
      try {
        rt.kill(rt.pid, signal);
        await within(rt, first, 5_000, `${signal} delivery`);
        offFirst();
        let resolveAgain!: () => void;
        const again = new Promise<void>((r) => (resolveAgain = r));
        const offThird = rt.onSignal(signal, () => resolveAgain());
        rt.kill(rt.pid, signal);
        await within(rt, again, 5_000, `${signal} redelivery`);
        offThird();
        assert.equal(second, 2);
      } finally {
        offFirst();
        offSecond();
      }
    }
  }],

  ["spawn() output arrives on stdout before the child exits", async (rt) => {
    const opts = { path: "/bin/sh", argv: ["sh", "-c", "echo ready; read x; echo done"], env: BASE_ENV };
    await withChild(rt, opts, async (child) => {
      const reader = child.stdout?.getReader();
      assert.ok(reader !== undefined);
      const first = await within(rt, reader.read(), 10_000, "first line");
      assert.equal(new TextDecoder().decode(first.value), "ready\n");
      await child.stdin?.write(new TextEncoder().encode("go\n"));
      reader.releaseLock();
      assert.equal(await readText(child.stdout), "done\n");
    });
  }],
];
