/**
 * Deno adapter, file system: the `FileSystem` interface over Deno's file
 * APIs (node:fs for `access`, which Deno lacks), with errors mapped to the
 * runtime error classes.
 *
 * Python counterpart: the `os`/`open` calls of supervisor/options.py and
 * supervisor/loggers.py.
 * @module
 */

import { accessSync as nodeAccessSync } from "node:fs";
import { access as nodeAccess } from "node:fs/promises";
import type { AppendFile, FileInfo, FileSystem, SyncWriteFile, WriteOpenMode } from "./types.ts";
import { mapError } from "./_map_error.ts";
import { errorForCode } from "./errors.ts";
import { seekable, writeAllSync } from "./_io.ts";

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

function toInfo(i: Deno.FileInfo): FileInfo {
  return {
    isFile: i.isFile,
    isDirectory: i.isDirectory,
    size: i.size,
    mode: i.mode ?? 0,
    uid: i.uid ?? 0,
    gid: i.gid ?? 0,
    mtime: i.mtime?.getTime() ?? 0,
    ino: i.ino ?? 0,
    dev: i.dev,
  };
}

/** A missing path or a non-directory parent: Python's `os.path.exists` is False. */
function isAbsent(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
}

async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  const buf = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buf.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buf.subarray(0, filled);
}

async function openAppend(path: string): Promise<AppendFile> {
  const file = await Deno.open(path, { append: true, create: true });
  return {
    async write(data) {
      let offset = 0;
      try {
        while (offset < data.length) offset += await file.write(data.subarray(offset));
      } catch (e) {
        throw mapError(e);
      }
    },
    writeSync(data) {
      wrapSync(() => writeAllSync((chunk) => file.writeSync(chunk), data));
    },
    close() {
      return wrap(() => Promise.resolve(file.close()));
    },
  };
}

const WRITE_OPEN: Readonly<Record<WriteOpenMode, Deno.OpenOptions>> = {
  append: { append: true, create: true },
  truncate: { write: true, create: true, truncate: true },
  exclusive: { write: true, createNew: true },
};

function openWriteSync(path: string, how: WriteOpenMode, mode?: number): SyncWriteFile {
  const file = Deno.openSync(path, { ...WRITE_OPEN[how], mode: mode ?? 0o666 });
  let closed = false;
  return {
    write(data) {
      try {
        writeAllSync((chunk) => file.writeSync(chunk), data);
      } catch (e) {
        throw mapError(e, `write '${path}'`);
      }
    },
    stat: () => wrapSync(() => toInfo(file.statSync())),
    seekable: () => wrapSync(() => seekable(file.statSync().mode ?? 0, () => file.isTerminal())),
    sync: () => wrapSync(() => file.syncSync()),
    close() {
      if (closed) return;
      closed = true;
      wrapSync(() => file.close());
    },
  };
}

/** unlink(2): Deno.removeSync would also remove an empty directory, which Python's os.remove refuses. */
function unlinkSync(path: string): void {
  if (Deno.lstatSync(path).isDirectory) throw errorForCode("EISDIR", `unlink '${path}': Is a directory`);
  Deno.removeSync(path);
}

async function writeTextFile(path: string, text: string, mode?: number): Promise<void> {
  const opts: Deno.OpenOptions = { write: true, create: true, truncate: true };
  if (mode !== undefined) opts.mode = mode;
  using file = await Deno.open(path, opts);
  const data = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < data.length) offset += await file.write(data.subarray(offset));
}

/** The Deno FileSystem. */
export const denoFs: FileSystem = {
  readFile: (path) => wrap(() => Deno.readFile(path)),
  readTextFile: (path) => wrap(() => Deno.readTextFile(path)),
  readRange: (path, offset, length) => wrap(() => readRange(path, offset, length)),
  openAppend: (path) => wrap(() => openAppend(path)),
  writeTextFile: (path, text, opts) => wrap(() => writeTextFile(path, text, opts?.mode)),
  stat: (path) =>
    wrap(async () => {
      try {
        return toInfo(await Deno.stat(path));
      } catch (e) {
        if (isAbsent(e)) return null;
        throw e;
      }
    }),
  readDir: (path) => wrap(async () => (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name)),
  rename: (from, to) => wrap(() => Deno.rename(from, to)),
  link: (existing, newPath) => wrap(() => Deno.link(existing, newPath)),
  remove: (path, opts) => wrap(() => Deno.remove(path, { recursive: opts?.recursive ?? false })),
  mkdir: (path, opts) => {
    const options: Deno.MkdirOptions = { recursive: opts?.recursive ?? false };
    if (opts?.mode !== undefined) options.mode = opts.mode;
    return wrap(() => Deno.mkdir(path, options));
  },
  chmod: (path, mode) => wrap(() => Deno.chmod(path, mode)),
  chown: (path, uid, gid) => wrap(() => Deno.chown(path, uid, gid)),
  chmodSync: (path, mode) => wrapSync(() => Deno.chmodSync(path, mode)),
  // Deno takes null, not -1, for "leave unchanged".
  chownSync: (path, uid, gid) => wrapSync(() => Deno.chownSync(path, uid === -1 ? null : uid, gid === -1 ? null : gid)),
  realPath: (path) => wrap(() => Deno.realPath(path)),
  access: (path, mode) => nodeAccess(path, mode).then(() => true, () => false),
  statSync: (path) =>
    wrapSync(() => {
      try {
        return toInfo(Deno.statSync(path));
      } catch (e) {
        if (isAbsent(e)) return null;
        throw e;
      }
    }),
  readDirSync: (path) => wrapSync(() => Array.from(Deno.readDirSync(path), (e) => e.name)),
  readFileSync: (path) => wrapSync(() => Deno.readFileSync(path)),
  openWriteSync: (path, how, mode) => wrapSync(() => openWriteSync(path, how, mode)),
  renameSync: (from, to) => wrapSync(() => Deno.renameSync(from, to)),
  unlinkSync: (path) => wrapSync(() => unlinkSync(path)),
  accessSync: (path, mode) => {
    try {
      nodeAccessSync(path, mode);
      return true;
    } catch {
      return false;
    }
  },
};
