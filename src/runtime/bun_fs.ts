/**
 * Bun adapter, file system: the `FileSystem` interface over node:fs, with
 * errors mapped to the runtime error classes.
 *
 * Python counterpart: the `os`/`open` calls of supervisor/options.py and
 * supervisor/loggers.py.
 * @module
 */

import fs from "node:fs";
import fsp from "node:fs/promises";
import type { AppendFile, FileInfo, FileSystem, SyncWriteFile, WriteOpenMode } from "./types.ts";
import { errnoCodeOf, mapError } from "./_map_error.ts";
import { seekable, writeAllSync } from "./_io.ts";
import { bunIsatty } from "./bun_libc.ts";

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapError(e);
  }
}

function wrapSync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw mapError(e);
  }
}

function toInfo(s: fs.Stats): FileInfo {
  return {
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    size: s.size,
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    mtime: s.mtimeMs,
    ino: s.ino,
    dev: s.dev,
  };
}

/** A missing path or a non-directory parent: Python's `os.path.exists` is False. */
function isAbsent(e: unknown): boolean {
  const code = errnoCodeOf(e);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A plain Uint8Array view of a Buffer. */
function bytes(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await fsp.open(path, "r");
  try {
    const buf = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await fh.read(buf, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
}

async function openAppend(path: string): Promise<AppendFile> {
  const fh = await fsp.open(path, "a");
  return {
    async write(data) {
      let offset = 0;
      try {
        while (offset < data.length) offset += (await fh.write(data, offset)).bytesWritten;
      } catch (e) {
        throw mapError(e);
      }
    },
    writeSync(data) {
      wrapSync(() => writeAllSync((chunk) => fs.writeSync(fh.fd, chunk), data));
    },
    close: () => wrap(() => fh.close()),
  };
}

const WRITE_FLAGS: Readonly<Record<WriteOpenMode, string>> = { append: "a", truncate: "w", exclusive: "wx" };

function openWriteSync(path: string, how: WriteOpenMode, mode?: number): SyncWriteFile {
  const fd = fs.openSync(path, WRITE_FLAGS[how], mode ?? 0o666);
  let closed = false;
  return {
    write(data) {
      try {
        writeAllSync((chunk) => fs.writeSync(fd, chunk), data);
      } catch (e) {
        throw mapError(e, `write '${path}'`);
      }
    },
    stat: () => wrapSync(() => toInfo(fs.fstatSync(fd))),
    seekable: () => wrapSync(() => seekable(fs.fstatSync(fd).mode, () => bunIsatty(fd))),
    sync: () => wrapSync(() => fs.fsyncSync(fd)),
    close() {
      if (closed) return;
      closed = true;
      wrapSync(() => fs.closeSync(fd));
    },
  };
}

/** Removes a file or an empty directory, or a whole tree with `recursive`. */
async function remove(path: string, recursive: boolean): Promise<void> {
  if (recursive) return await fsp.rm(path, { recursive: true });
  try {
    await fsp.unlink(path);
  } catch (e) {
    if (errnoCodeOf(e) !== "EISDIR") throw e;
    await fsp.rmdir(path);
  }
}

/** The Bun FileSystem. */
export const bunFs: FileSystem = {
  readFile: (path) => wrap(async () => bytes(await fsp.readFile(path))),
  readTextFile: (path) => wrap(() => fsp.readFile(path, "utf8")),
  readRange: (path, offset, length) => wrap(() => readRange(path, offset, length)),
  openAppend: (path) => wrap(() => openAppend(path)),
  writeTextFile: (path, text, opts) => wrap(() => fsp.writeFile(path, text, { mode: opts?.mode ?? 0o666 })),
  stat: (path) =>
    wrap(async () => {
      try {
        return toInfo(await fsp.stat(path));
      } catch (e) {
        if (isAbsent(e)) return null;
        throw e;
      }
    }),
  readDir: (path) => wrap(() => fsp.readdir(path)),
  rename: (from, to) => wrap(() => fsp.rename(from, to)),
  link: (existing, newPath) => wrap(() => fsp.link(existing, newPath)),
  remove: (path, opts) => wrap(() => remove(path, opts?.recursive ?? false)),
  mkdir: (path, opts) =>
    wrap(async () => void (await fsp.mkdir(path, { recursive: opts?.recursive ?? false, mode: opts?.mode ?? 0o777 }))),
  chmod: (path, mode) => wrap(() => fsp.chmod(path, mode)),
  chown: (path, uid, gid) => wrap(() => fsp.chown(path, uid, gid)),
  chmodSync: (path, mode) => wrapSync(() => fs.chmodSync(path, mode)),
  chownSync: (path, uid, gid) => wrapSync(() => fs.chownSync(path, uid, gid)),
  realPath: (path) => wrap(() => fsp.realpath(path)),
  access: (path, mode) => fsp.access(path, mode).then(() => true, () => false),
  statSync: (path) =>
    wrapSync(() => {
      try {
        return toInfo(fs.statSync(path));
      } catch (e) {
        if (isAbsent(e)) return null;
        throw e;
      }
    }),
  readDirSync: (path) => wrapSync(() => fs.readdirSync(path)),
  readFileSync: (path) => wrapSync(() => bytes(fs.readFileSync(path))),
  openWriteSync: (path, how, mode) => wrapSync(() => openWriteSync(path, how, mode)),
  renameSync: (from, to) => wrapSync(() => fs.renameSync(from, to)),
  unlinkSync: (path) => wrapSync(() => fs.unlinkSync(path)),
  accessSync: (path, mode) => {
    try {
      fs.accessSync(path, mode);
      return true;
    } catch {
      return false;
    }
  },
};
