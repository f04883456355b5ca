/**
 * An in-memory {@linkcode FileSystem} for unit tests: files, directories and
 * unix socket entries with modes, owners, inode numbers and hard links, the
 * synchronous variants config loading uses, and helpers to seed content and
 * to inject errno failures.
 *
 * Python counterpart: the file-related parts of supervisor/tests/base.py
 * (`DummyOptions`).
 * @module
 */

import type { AppendFile, FileInfo, FileSystem, SyncWriteFile, WriteOpenMode } from "./types.ts";
import { errorForCode } from "./errors.ts";

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFSOCK = 0o140000;
const S_IFIFO = 0o010000;

/** One inode; hard links share the object. */
interface Node {
  type: number;
  data: Uint8Array;
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  ino: number;
}

/** What the file system needs from its owner (the fake runtime). */
export interface FakeFsHost {
  cwd(): string;
  now(): number;
  uid(): number;
  gid(): number;
  umask(): number;
}

/** Joins and normalises `path` against `cwd` (".", "..", repeated "/"). */
export function normalizePath(path: string, cwd = "/"): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The in-memory file system of a {@linkcode FakeRuntime}. */
export class FakeFileSystem implements FileSystem {
  readonly #nodes = new Map<string, Node>();
  readonly #failures = new Map<string, string>();
  readonly #host: FakeFsHost;
  #nextIno = 2;

  /**
   * Creates an empty file system.
   *
   * @param host Where it learns the cwd, time, ids and umask.
   */
  constructor(host: FakeFsHost) {
    this.#host = host;
    this.#nodes.set("/", this.#newNode(S_IFDIR, 0o755));
  }

  // ---- test helpers -------------------------------------------------------

  /** Creates a file (and its parent directories) with the given content. */
  seedFile(path: string, content: string | Uint8Array, opts: { mode?: number; uid?: number; gid?: number } = {}): void {
    const p = this.#abs(path);
    this.seedDir(parentOf(p));
    const node = this.#newNode(S_IFREG, opts.mode ?? 0o644);
    node.data = typeof content === "string" ? new TextEncoder().encode(content) : content.slice();
    if (opts.uid !== undefined) node.uid = opts.uid;
    if (opts.gid !== undefined) node.gid = opts.gid;
    this.#nodes.set(p, node);
  }

  /** Creates a directory and its parents (existing ones are kept). */
  seedDir(path: string, opts: { mode?: number } = {}): void {
    let acc = "";
    for (const part of this.#abs(path).split("/").filter((x) => x !== "")) {
      acc += `/${part}`;
      if (!this.#nodes.has(acc)) this.#nodes.set(acc, this.#newNode(S_IFDIR, opts.mode ?? 0o755));
    }
  }

  /**
   * Creates a named pipe: writes to it are kept (read them back with
   * `readFileSync`) and an open pipe is not seekable, as `/dev/stdout` in a
   * container.
   */
  seedPipe(path: string): void {
    const p = this.#abs(path);
    this.seedDir(parentOf(p));
    this.#nodes.set(p, this.#newNode(S_IFIFO, 0o600));
  }

  /** Creates a unix socket entry, as binding a socket does. */
  seedSocket(path: string): void {
    this.#nodes.set(this.#abs(path), this.#newNode(S_IFSOCK, 0o755 & ~this.#host.umask()));
  }

  /** The text of a file, for assertions; undefined when it does not exist. */
  text(path: string): string | undefined {
    const node = this.#nodes.get(this.#abs(path));
    return node?.type === S_IFREG ? new TextDecoder().decode(node.data) : undefined;
  }

  /** True when anything exists at `path`. */
  exists(path: string): boolean {
    return this.#nodes.has(this.#abs(path));
  }

  /** Every operation on `path` throws the errno `code` until cleared with null. */
  failWith(path: string, code: string | null): void {
    if (code === null) this.#failures.delete(this.#abs(path));
    else this.#failures.set(this.#abs(path), code);
  }

  // ---- FileSystem ---------------------------------------------------------

  readFile(path: string): Promise<Uint8Array> {
    return this.#async(() => this.readFileSync(path));
  }

  readTextFile(path: string): Promise<string> {
    return this.#async(() => new TextDecoder().decode(this.readFileSync(path)));
  }

  readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#async(() => this.#readable(path, "read").data.slice(offset, offset + length));
  }

  openAppend(path: string): Promise<AppendFile> {
    return this.#async(() => {
      const node = this.#openForWrite(path, 0o666, false);
      let closed = false;
      const writeSync = (data: Uint8Array) => {
        if (closed) throw errorForCode("EBADF", `write '${path}': file is closed`);
        node.data = concat(node.data, data);
        node.mtime = this.#host.now();
      };
      return {
        writeSync,
        write: (data: Uint8Array) => this.#async(() => writeSync(data)),
        close: () => this.#async(() => void (closed = true)),
      };
    });
  }

  writeTextFile(path: string, text: string, opts: { mode?: number } = {}): Promise<void> {
    return this.#async(() => {
      const node = this.#openForWrite(path, opts.mode ?? 0o666, true);
      node.data = new TextEncoder().encode(text);
    });
  }

  stat(path: string): Promise<FileInfo | null> {
    return this.#async(() => this.statSync(path));
  }

  statSync(path: string): FileInfo | null {
    const found = this.#lookup(this.#check(path, "stat"));
    return typeof found === "string" ? null : infoOf(found);
  }

  /**
   * Opens a file for synchronous writing. A failure injected with
   * `failWith(path, code)` after opening makes each write throw it (ENOSPC).
   */
  openWriteSync(path: string, how: WriteOpenMode, mode = 0o666): SyncWriteFile {
    const p = this.#check(path, "open");
    if (how === "exclusive" && this.#nodes.has(p)) throw errorForCode("EEXIST", `open '${path}': File exists`);
    const node = this.#openForWrite(path, mode, how === "truncate");
    let closed = false;
    return {
      write: (data) => {
        if (closed) throw errorForCode("EBADF", `write '${path}': file is closed`);
        const code = this.#failures.get(p);
        if (code !== undefined) throw errorForCode(code, `write '${path}': injected ${code}`);
        node.data = concat(node.data, data);
        node.mtime = this.#host.now();
      },
      stat: () => infoOf(node),
      seekable: () => node.type !== S_IFIFO && node.type !== S_IFSOCK,
      // Writes land in the node at once: nothing to flush.
      sync: () => {},
      close: () => void (closed = true),
    };
  }

  readDir(path: string): Promise<string[]> {
    return this.#async(() => this.readDirSync(path));
  }

  readDirSync(path: string): string[] {
    const p = this.#check(path, "readdir");
    const node = this.#existing(p, "readdir");
    if (node.type !== S_IFDIR) throw errorForCode("ENOTDIR", `readdir '${path}': Not a directory`);
    return this.#children(p);
  }

  readFileSync(path: string): Uint8Array {
    return this.#readable(path, "open").data.slice();
  }

  rename(from: string, to: string): Promise<void> {
    return this.#async(() => this.renameSync(from, to));
  }

  renameSync(from: string, to: string): void {
    const src = this.#check(from, "rename");
    const dst = this.#check(to, "rename");
    const node = this.#existing(src, "rename");
    this.#parentDir(dst, "rename");
    const target = this.#nodes.get(dst);
    if (target?.type === S_IFDIR && node.type !== S_IFDIR) {
      throw errorForCode("EISDIR", `rename '${from}' -> '${to}': Is a directory`);
    }
    for (const key of [...this.#nodes.keys()]) {
      if (key === src || key.startsWith(`${src}/`)) {
        const moved = this.#nodes.get(key);
        this.#nodes.delete(key);
        if (moved !== undefined) this.#nodes.set(dst + key.slice(src.length), moved);
      }
    }
  }

  unlinkSync(path: string): void {
    const p = this.#check(path, "unlink");
    if (this.#existing(p, "unlink").type === S_IFDIR) throw errorForCode("EISDIR", `unlink '${path}': Is a directory`);
    this.#nodes.delete(p);
  }

  link(existing: string, newPath: string): Promise<void> {
    return this.#async(() => {
      const src = this.#check(existing, "link");
      const dst = this.#check(newPath, "link");
      const node = this.#existing(src, "link");
      this.#parentDir(dst, "link");
      if (this.#nodes.has(dst)) throw errorForCode("EEXIST", `link '${existing}' -> '${newPath}': File exists`);
      this.#nodes.set(dst, node);
    });
  }

  remove(path: string, opts: { recursive?: boolean } = {}): Promise<void> {
    return this.#async(() => {
      const p = this.#check(path, "remove");
      const node = this.#existing(p, "remove");
      const children = node.type === S_IFDIR ? this.#children(p) : [];
      if (children.length > 0 && opts.recursive !== true) {
        throw errorForCode("ENOTEMPTY", `remove '${path}': Directory not empty`);
      }
      for (const key of [...this.#nodes.keys()]) {
        if (key === p || key.startsWith(`${p}/`)) this.#nodes.delete(key);
      }
    });
  }

  mkdir(path: string, opts: { recursive?: boolean; mode?: number } = {}): Promise<void> {
    return this.#async(() => {
      const p = this.#check(path, "mkdir");
      const existing = this.#nodes.get(p);
      if (existing !== undefined) {
        if (opts.recursive === true && existing.type === S_IFDIR) return;
        throw errorForCode("EEXIST", `mkdir '${path}': File exists`);
      }
      if (opts.recursive === true) this.seedDir(parentOf(p));
      this.#parentDir(p, "mkdir");
      this.#nodes.set(p, this.#newNode(S_IFDIR, (opts.mode ?? 0o777) & ~this.#host.umask()));
    });
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.#async(() => this.chmodSync(path, mode));
  }

  chown(path: string, uid: number, gid: number): Promise<void> {
    return this.#async(() => this.chownSync(path, uid, gid));
  }

  chmodSync(path: string, mode: number): void {
    this.#existing(this.#check(path, "chmod"), "chmod").perm = mode & 0o7777;
  }

  chownSync(path: string, uid: number, gid: number): void {
    const node = this.#existing(this.#check(path, "chown"), "chown");
    if (this.#host.uid() !== 0) throw errorForCode("EPERM", `chown '${path}': Operation not permitted`);
    if (uid !== -1) node.uid = uid;
    if (gid !== -1) node.gid = gid;
  }

  realPath(path: string): Promise<string> {
    return this.#async(() => {
      const p = this.#check(path, "realpath");
      this.#existing(p, "realpath");
      return p;
    });
  }

  access(path: string, mode: number): Promise<boolean> {
    return this.#async(() => this.accessSync(path, mode));
  }

  accessSync(path: string, mode: number): boolean {
    const p = this.#abs(path);
    if (this.#failures.has(p)) return false;
    const node = this.#lookup(p);
    if (typeof node === "string") return false;
    return this.#permits(node, mode);
  }

  // ---- internals ----------------------------------------------------------

  #newNode(type: number, perm: number): Node {
    return {
      type,
      data: new Uint8Array(0),
      perm,
      uid: this.#host.uid(),
      gid: this.#host.gid(),
      mtime: this.#host.now(),
      ino: this.#nextIno++,
    };
  }

  #abs(path: string): string {
    return normalizePath(path, this.#host.cwd());
  }

  /** Normalises `path` and throws an injected failure for it, if any. */
  #check(path: string, op: string): string {
    const p = this.#abs(path);
    const code = this.#failures.get(p);
    if (code !== undefined) throw errorForCode(code, `${op} '${path}': injected ${code}`);
    return p;
  }

  /** The node at `p`, or the errno ENOENT/ENOTDIR explaining why there is none. */
  #lookup(p: string): Node | "ENOENT" | "ENOTDIR" {
    const node = this.#nodes.get(p);
    if (node !== undefined) return node;
    let parent = parentOf(p);
    while (parent !== "/" && !this.#nodes.has(parent)) parent = parentOf(parent);
    return this.#nodes.get(parent)?.type === S_IFDIR ? "ENOENT" : "ENOTDIR";
  }

  #existing(p: string, op: string): Node {
    const node = this.#lookup(p);
    if (typeof node !== "string") return node;
    const text = node === "ENOENT" ? "No such file or directory" : "Not a directory";
    throw errorForCode(node, `${op} '${p}': ${text}`);
  }

  #parentDir(p: string, op: string): Node {
    const parent = this.#existing(parentOf(p), op);
    if (parent.type !== S_IFDIR) throw errorForCode("ENOTDIR", `${op} '${p}': Not a directory`);
    return parent;
  }

  #readable(path: string, op: string): Node {
    const node = this.#existing(this.#check(path, op), op);
    if (node.type === S_IFDIR) throw errorForCode("EISDIR", `${op} '${path}': Is a directory`);
    if (!this.#permits(node, 4)) throw errorForCode("EACCES", `${op} '${path}': Permission denied`);
    return node;
  }

  #openForWrite(path: string, mode: number, truncate: boolean): Node {
    const p = this.#check(path, "open");
    const existing = this.#nodes.get(p);
    if (existing !== undefined) {
      if (existing.type === S_IFDIR) throw errorForCode("EISDIR", `open '${path}': Is a directory`);
      if (!this.#permits(existing, 2)) throw errorForCode("EACCES", `open '${path}': Permission denied`);
      if (truncate && existing.type === S_IFREG) existing.data = new Uint8Array(0);
      existing.mtime = this.#host.now();
      return existing;
    }
    this.#parentDir(p, "open");
    const node = this.#newNode(S_IFREG, mode & ~this.#host.umask());
    this.#nodes.set(p, node);
    return node;
  }

  /** Permission check like access(2); root may read and write anything. */
  #permits(node: Node, mode: number): boolean {
    const uid = this.#host.uid();
    if (uid === 0) return (mode & 1) === 0 || node.type === S_IFDIR || (node.perm & 0o111) !== 0;
    const shift = node.uid === uid ? 6 : node.gid === this.#host.gid() ? 3 : 0;
    const bits = (node.perm >> shift) & 7;
    return (bits & mode) === mode;
  }

  #children(p: string): string[] {
    const prefix = p === "/" ? "/" : `${p}/`;
    const names: string[] = [];
    for (const key of this.#nodes.keys()) {
      if (key !== p && key.startsWith(prefix) && !key.slice(prefix.length).includes("/")) {
        names.push(key.slice(prefix.length));
      }
    }
    return names;
  }

  /** Runs `fn` and settles a promise with its outcome. */
  #async<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

function infoOf(node: Node): FileInfo {
  return {
    isFile: node.type === S_IFREG,
    isDirectory: node.type === S_IFDIR,
    size: node.type === S_IFREG ? node.data.length : node.type === S_IFDIR ? 4096 : 0,
    mode: node.type | node.perm,
    uid: node.uid,
    gid: node.gid,
    mtime: node.mtime,
    ino: node.ino,
    dev: 1,
  };
}

function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}
