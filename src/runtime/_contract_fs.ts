/**
 * Contract suite, files, clock and process identity: every `FileSystem`
 * operation (async and sync) on a temp directory, error normalisation by
 * errno, timers, and what the runtime reports about its own process.
 *
 * Python counterpart: the `os` calls of supervisor/options.py; SURFACE §5
 * (log files), §6 (pidfile, umask, directory).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import { AccessMode } from "./types.ts";
import { AlreadyExistsError, IsADirectoryError, NotADirectoryError, NotFoundError, RuntimeError } from "./errors.ts";
import { BASE_ENV, type ContractCase, isRoot, run, withChild, within, withTempDir } from "./_contract_util.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The file, clock and identity cases. */
export const fsCases: ContractCase[] = [
  ["fs writes, appends and reads files, whole and by range", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const old = rt.umask(0o022);
      try {
        await rt.fs.writeTextFile(`${dir}/pid`, "123\n", { mode: 0o640 });
        assert.equal((await rt.fs.stat(`${dir}/pid`))?.mode, 0o100640);
        await rt.fs.writeTextFile(`${dir}/pid`, "7\n");
        assert.equal(await rt.fs.readTextFile(`${dir}/pid`), "7\n");
        const log = await rt.fs.openAppend(`${dir}/log`);
        await log.write(enc.encode("hello "));
        log.writeSync(enc.encode("world\n"));
        await log.close();
        const again = await rt.fs.openAppend(`${dir}/log`);
        again.writeSync(enc.encode("more\n"));
        await again.close();
        assert.equal((await rt.fs.stat(`${dir}/log`))?.mode, 0o100644);
        assert.equal(dec.decode(await rt.fs.readFile(`${dir}/log`)), "hello world\nmore\n");
        assert.equal(dec.decode(rt.fs.readFileSync(`${dir}/log`)), "hello world\nmore\n");
        assert.equal(dec.decode(await rt.fs.readRange(`${dir}/log`, 6, 5)), "world");
        assert.equal(dec.decode(await rt.fs.readRange(`${dir}/log`, 12, 100)), "more\n");
        assert.equal((await rt.fs.readRange(`${dir}/log`, 1000, 10)).length, 0);
      } finally {
        rt.umask(old);
      }
    });
  }],

  ["fs openWriteSync appends, truncates and creates exclusively; renameSync and unlinkSync", async (rt) => {
    await withTempDir(rt, async (dir) => {
      const old = rt.umask(0o022);
      try {
        const a = rt.fs.openWriteSync(`${dir}/log`, "append");
        a.write(enc.encode("one\n"));
        assert.deepEqual([a.stat().size, a.stat().isFile, a.stat().mode], [4, true, 0o100644]);
        a.close();
        a.close();
        const b = rt.fs.openWriteSync(`${dir}/log`, "append");
        assert.equal(b.stat().size, 4, "append starts at the end");
        b.write(enc.encode("two\n"));
        b.close();
        assert.equal(dec.decode(rt.fs.readFileSync(`${dir}/log`)), "one\ntwo\n");
        rt.fs.renameSync(`${dir}/log`, `${dir}/log.1`);
        const t = rt.fs.openWriteSync(`${dir}/log.1`, "truncate");
        assert.equal(t.stat().size, 0);
        t.write(enc.encode("3"));
        t.close();
        assert.equal(dec.decode(rt.fs.readFileSync(`${dir}/log.1`)), "3");
        const x = rt.fs.openWriteSync(`${dir}/auto.log`, "exclusive", 0o600);
        x.close();
        assert.equal((await rt.fs.stat(`${dir}/auto.log`))?.mode, 0o100600);
        assert.throws(
          () => rt.fs.openWriteSync(`${dir}/auto.log`, "exclusive", 0o600),
          (e) => e instanceof AlreadyExistsError,
        );
        assert.throws(() => rt.fs.openWriteSync(`${dir}/nodir/log`, "append"), (e) => e instanceof NotFoundError);
        await rt.fs.mkdir(`${dir}/sub`);
        assert.throws(() => rt.fs.unlinkSync(`${dir}/sub`), (e) => e instanceof RuntimeError && e.code === "EISDIR");
        assert.ok(rt.fs.statSync(`${dir}/sub`)?.isDirectory === true, "unlinkSync leaves a directory alone");
        rt.fs.unlinkSync(`${dir}/auto.log`);
        assert.equal(rt.fs.statSync(`${dir}/auto.log`), null);
        assert.throws(() => rt.fs.unlinkSync(`${dir}/auto.log`), (e) => e instanceof NotFoundError);
        assert.throws(() => rt.fs.renameSync(`${dir}/missing`, `${dir}/x`), (e) => e instanceof NotFoundError);
      } finally {
        rt.umask(old);
      }
    });
  }],

  ["fs stat/statSync report type, size, mode, owner, mtime and inode", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/f`, "abc");
      const before = rt.clock.now();
      const info = await rt.fs.stat(`${dir}/f`);
      assert.ok(info !== null);
      assert.deepEqual([info.isFile, info.isDirectory, info.size], [true, false, 3]);
      assert.equal(info.mode & 0o170000, 0o100000);
      assert.equal(info.uid, rt.euid());
      assert.ok(Math.abs(info.mtime - before) < 60_000, "mtime is wall-clock ms");
      assert.ok(info.ino > 0);
      assert.deepEqual(rt.fs.statSync(`${dir}/f`), info);
      const d = rt.fs.statSync(dir);
      assert.ok(d !== null && d.isDirectory && !d.isFile && (d.mode & 0o170000) === 0o040000);
      assert.equal(await rt.fs.stat(`${dir}/missing`), null);
      assert.equal(rt.fs.statSync(`${dir}/f/under-a-file`), null);
    });
  }],

  ["fs lists, renames, links, changes modes and removes", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.mkdir(`${dir}/a/b`, { recursive: true });
      await rt.fs.mkdir(`${dir}/a/b`, { recursive: true });
      await rt.fs.writeTextFile(`${dir}/a/x.log`, "1");
      assert.deepEqual((await rt.fs.readDir(`${dir}/a`)).sort(), ["b", "x.log"]);
      assert.deepEqual(rt.fs.readDirSync(`${dir}/a`).sort(), ["b", "x.log"]);
      await rt.fs.rename(`${dir}/a/x.log`, `${dir}/a/x.log.1`);
      await rt.fs.link(`${dir}/a/x.log.1`, `${dir}/a/hard`);
      assert.equal((await rt.fs.stat(`${dir}/a/hard`))?.ino, (await rt.fs.stat(`${dir}/a/x.log.1`))?.ino);
      await rt.fs.chmod(`${dir}/a/hard`, 0o600);
      assert.equal((await rt.fs.stat(`${dir}/a/x.log.1`))?.mode, 0o100600);
      if (isRoot(rt)) {
        await rt.fs.chown(`${dir}/a/hard`, 65534, 65534);
        assert.equal((await rt.fs.stat(`${dir}/a/hard`))?.uid, 65534);
      }
      assert.equal(await rt.fs.realPath(`${dir}/a/b/../x.log.1`), `${dir}/a/x.log.1`);
      await rt.fs.remove(`${dir}/a/hard`);
      await assert.rejects(rt.fs.remove(`${dir}/a`), (e) => e instanceof RuntimeError && e.code === "ENOTEMPTY");
      await rt.fs.remove(`${dir}/a`, { recursive: true });
      assert.equal(await rt.fs.stat(`${dir}/a`), null);
    });
  }],

  ["fs access/accessSync answer like os.access", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/plain`, "", { mode: 0o644 });
      assert.equal(await rt.fs.access("/bin/sh", AccessMode.X_OK), true);
      assert.equal(rt.fs.accessSync("/bin/sh", AccessMode.X_OK), true);
      assert.equal(await rt.fs.access(`${dir}/plain`, AccessMode.X_OK), false);
      assert.equal(rt.fs.accessSync(`${dir}/plain`, AccessMode.R_OK | AccessMode.W_OK), true);
      assert.equal(rt.fs.accessSync(`${dir}/missing`, AccessMode.F_OK), false);
    });
  }],

  ["fs errors are normalised to classes carrying the errno", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/f`, "");
      await assert.rejects(rt.fs.readFile(`${dir}/missing`), (e) => e instanceof NotFoundError && e.errno === 2);
      assert.throws(
        () => rt.fs.readFileSync(`${dir}/missing`),
        (e) => e instanceof NotFoundError && e.code === "ENOENT",
      );
      await assert.rejects(rt.fs.readTextFile(dir), (e) => e instanceof IsADirectoryError);
      await assert.rejects(rt.fs.mkdir(`${dir}/f`), (e) => e instanceof AlreadyExistsError);
      assert.throws(() => rt.fs.readDirSync(`${dir}/f`), (e) => e instanceof NotADirectoryError);
      await assert.rejects(rt.fs.openAppend(`${dir}/nodir/log`), (e) => e instanceof NotFoundError);
      await assert.rejects(rt.fs.rename(`${dir}/missing`, `${dir}/x`), (e) => e instanceof NotFoundError);
    });
  }],

  ["clock timers fire after their delay and can be cancelled", async (rt) => {
    const t0 = rt.clock.monotonic();
    let cancelledFired = false;
    const id = rt.clock.setTimeout(() => (cancelledFired = true), 20);
    rt.clock.clearTimeout(id);
    await within(rt, new Promise<void>((r) => rt.clock.setTimeout(r, 50)), 5_000, "timer");
    assert.ok(rt.clock.monotonic() - t0 >= 49, "monotonic time advanced by the delay");
    assert.equal(cancelledFired, false);
    assert.ok(Math.abs(rt.clock.now() - Date.now()) < 1_000, "now() is wall-clock ms");
  }],

  ["process identity: pid, ids, cwd/chdir, env copy, umask, hostname, argv0", async (rt) => {
    assert.ok(rt.pid > 1 && rt.ppid > 0);
    const status = await rt.fs.readTextFile(`/proc/${rt.pid}/status`);
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    assert.equal(rt.uid(), Number(uids?.[1]));
    assert.equal(rt.euid(), Number(uids?.[2]));
    assert.equal(rt.gid(), Number(/^Gid:\s+(\d+)/m.exec(status)?.[1]));
    const nodename = (await rt.fs.readTextFile("/proc/sys/kernel/hostname")).trim();
    assert.equal(rt.hostname(), nodename);
    const env = rt.env();
    env["RT_CONTRACT_PROBE"] = "1";
    assert.equal(rt.env()["RT_CONTRACT_PROBE"], undefined);
    const old = rt.umask(0o077);
    assert.equal(rt.umask(), 0o077);
    assert.equal(rt.umask(old), 0o077);
    const here = rt.cwd();
    try {
      rt.chdir("/");
      assert.equal(rt.cwd(), "/");
      assert.throws(() => rt.chdir("/nonexistent/dir"), (e) => e instanceof NotFoundError);
    } finally {
      rt.chdir(here);
    }
    assert.ok(rt.argv0 !== "" && rt.execPath.startsWith("/"));
    assert.equal(rt.selfCommand[0], rt.execPath);
    assert.ok((await rt.fs.stat(rt.execPath))?.isFile === true);
    rt.stdout.write("");
    assert.equal(typeof rt.stderr.isTerminal(), "boolean");
  }],
  ["fs openWriteSync: a pipe is not seekable; a regular file and /dev/null are; sync() flushes", async (rt) => {
    await withTempDir(rt, (dir) => {
      const file = rt.fs.openWriteSync(`${dir}/log`, "append");
      const devNull = rt.fs.openWriteSync("/dev/null", "append");
      assert.deepEqual([file.seekable(), devNull.seekable()], [true, true]);
      file.write(new TextEncoder().encode("synced\n"));
      file.sync();
      assert.equal(new TextDecoder().decode(rt.fs.readFileSync(`${dir}/log`)), "synced\n");
      file.close();
      devNull.close();
      return Promise.resolve();
    });
    // A named pipe with a reader, as /dev/stdout is in a container whose output is read by a pipe.
    await withTempDir(rt, async (dir) => {
      const fifo = `${dir}/fifo`;
      const made = await run(rt, { path: "/usr/bin/mkfifo", argv: ["mkfifo", fifo], env: { ...BASE_ENV } });
      assert.equal(made.status.code, 0);
      const reader = { path: "/bin/sh", argv: ["sh", "-c", 'exec sleep 30 <"$0"', fifo], env: { ...BASE_ENV } };
      await withChild(rt, reader, () => {
        // Blocks until the reader has opened its end, as opening a FIFO does.
        const pipe = rt.fs.openWriteSync(fifo, "append");
        try {
          assert.equal(pipe.seekable(), false);
        } finally {
          pipe.close();
        }
        return Promise.resolve();
      });
    });
  }],
];
