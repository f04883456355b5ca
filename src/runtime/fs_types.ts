/**
 * The runtime seam's file system types: {@linkcode FileSystem} and the
 * files and stat results it returns. `types.ts` re-exports everything here;
 * import from there.
 *
 * Python counterpart: the `os` calls supervisor/options.py and
 * supervisor/loggers.py make (stat, access, open, rename, chmod, chown).
 * @module
 */

/** What {@linkcode FileSystem.stat} reports (Python `os.stat`, following symlinks). */
export interface FileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** The full `st_mode` (type and permission bits). */
  mode: number;
  /** Owner user id; null when the host cannot tell. */
  uid: number;
  /** Owner group id; null when the host cannot tell. */
  gid: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /** Inode number (with `dev`, tells whether two paths are one file). */
  ino: number;
  /** Device number. */
  dev: number;
}

/** A file opened for appending. */
export interface AppendFile {
  /** Appends all of `data`. */
  write(data: Uint8Array): Promise<void>;
  /** Appends all of `data` synchronously (Python's log handlers write synchronously). */
  writeSync(data: Uint8Array): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * How {@linkcode FileSystem.openWriteSync} opens a file: `"append"`
 * (O_APPEND, created if missing), `"truncate"` (O_TRUNC, created if missing)
 * or `"exclusive"` (O_EXCL: created, EEXIST when it exists, as `mkstemp`).
 */
export type WriteOpenMode = "append" | "truncate" | "exclusive";

/** A file opened for synchronous writing (log files: Python writes them synchronously). */
export interface SyncWriteFile {
  /** Writes all of `data` before returning (partial writes are retried). */
  write(data: Uint8Array): void;
  /** What fstat(2) reports for the open file. */
  stat(): FileInfo;
  /**
   * False when the file cannot seek: a pipe, a socket or a terminal
   * (`/dev/stdout` in a container), where Python's `tell()` fails with
   * ESPIPE. Regular files and devices such as `/dev/null` seek.
   */
  seekable(): boolean;
  /** fsync(2): the data written so far is on disk before this returns (an atomic replace: temp, sync, rename). */
  sync(): void;
  /** Closes the descriptor; later calls do nothing. */
  close(): void;
}

/** `access()` modes, as in Python's `os` module. */
export const AccessMode = { F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4 } as const;

/**
 * File system operations. Failures throw {@linkcode RuntimeError} subclasses
 * carrying the errno name (`code: "ENOENT"`).
 */
export interface FileSystem {
  /** The whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** The whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string>;
  /** Up to `length` bytes from `offset` (fewer at end of file). */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Opens (creating if needed) a file for appending. */
  openAppend(path: string): Promise<AppendFile>;
  /** Creates or truncates `path` and writes `text`; `mode` applies to a new file. */
  writeTextFile(path: string, text: string, opts?: { mode?: number }): Promise<void>;
  /** Like Python `os.stat`; null when the path (or a parent) does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  /** Entry names, unsorted, without "." and "..". */
  readDir(path: string): Promise<string[]>;
  /** Renames (log rotation). */
  rename(from: string, to: string): Promise<void>;
  /** Hard link (used for the unix socket bind-then-link dance, SOCK.unix.create). */
  link(existing: string, newPath: string): Promise<void>;
  /** Removes a file or, with `recursive`, a directory tree. */
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  /** Creates a directory. */
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): Promise<void>;
  /** Changes permission bits. */
  chmod(path: string, mode: number): Promise<void>;
  /** Changes owner and group (-1 keeps one). */
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Synchronous `chmod` (Python `os.chmod`, e.g. on an fcgi socket file). */
  chmodSync(path: string, mode: number): void;
  /** Synchronous `chown`; -1 leaves the uid or gid unchanged, as in Python `os.chown`. */
  chownSync(path: string, uid: number, gid: number): void;
  /** The canonical absolute path (symlinks resolved). */
  realPath(path: string): Promise<string>;
  /** Like Python `os.access` (real uid/gid); false instead of throwing. */
  access(path: string, mode: number): Promise<boolean>;
  /** Synchronous `stat`, for config loading (Python reads config synchronously). */
  statSync(path: string): FileInfo | null;
  /** The names in a directory. */
  readDirSync(path: string): string[];
  /** The whole file. */
  readFileSync(path: string): Uint8Array;
  /** `access(2)` with an {@linkcode AccessMode} mask. */
  accessSync(path: string, mode: number): boolean;
  /**
   * Opens `path` for synchronous writing (log files). A file created by the
   * call gets permission bits `mode` (default 0o666) less the umask.
   */
  openWriteSync(path: string, how: WriteOpenMode, mode?: number): SyncWriteFile;
  /** Synchronous `rename` (log rotation). */
  renameSync(from: string, to: string): void;
  /** Like Python `os.remove`: unlinks a file; a directory fails with EISDIR. */
  unlinkSync(path: string): void;
}
