/**
 * A byte sink over one log file path with supervisord's size-based rotation
 * (SURFACE LOG.main.file, LOG.main.rotate, LOG.child.write): writes are
 * synchronous and unbuffered, the size is tracked from the open file's size
 * plus the bytes written, and after each write that brings the file to
 * `maxbytes` or more the backups are shifted (`<f>.1` → `<f>.2` …), the file
 * becomes `<f>.1` and a new empty `<f>` is opened. With `backups = 0` the
 * file is truncated instead; with `maxbytes = 0` it never rotates.
 *
 * Failures after the file was first opened (a write, a rotation, a reopen)
 * never throw into the caller: the first one of a streak goes to `onError`,
 * and the next write or reopen tries to open the file again. Python lets a
 * failed rotation escape and closes the channel; it also rotates special
 * files, which this sink never does (only regular files are rotated, so a
 * log on /dev/stdout is never renamed).
 *
 * Python counterpart: supervisor/loggers.py (`FileHandler`,
 * `RotatingFileHandler`).
 * @module
 */

import { type FileSystem, RuntimeError, type SyncWriteFile, type WriteOpenMode } from "../runtime/types.ts";

/** The errno name a runtime error carries, if any. */
function errnoOf(e: unknown): string | undefined {
  return e instanceof RuntimeError ? e.code : undefined;
}

/** How a {@linkcode RotatingFile} rotates and reports failures. */
export interface RotatingFileOptions {
  /** Rotate once the file holds this many bytes; 0 never rotates. */
  maxbytes: number;
  /** How many `.N` backups to keep; 0 truncates the file instead. */
  backups: number;
  /**
   * Told about the first failure of a streak (a successful write ends the
   * streak); `action` is "write", "rotate" or "open".
   */
  onError?: (error: unknown, action: string) => void;
}

/** One log file with rotation; see the module documentation. */
export class RotatingFile {
  /** The log file path. */
  readonly path: string;
  readonly #fs: FileSystem;
  readonly #maxbytes: number;
  readonly #backups: number;
  readonly #onError: ((error: unknown, action: string) => void) | undefined;
  #file: SyncWriteFile | null = null;
  #size = 0;
  #regular = true;
  #seekable = true;
  /** How the file is (re)opened: append, or write mode for special files that refuse append. */
  #mode: WriteOpenMode = "append";
  #failing = false;
  #closed = false;

  /**
   * Opens `path` for appending (created if missing). Throws a RuntimeError
   * when it cannot be opened, as Python does when it makes the handler.
   */
  constructor(fs: FileSystem, path: string, opts: RotatingFileOptions) {
    this.#fs = fs;
    this.path = path;
    this.#maxbytes = opts.maxbytes;
    this.#backups = opts.backups;
    this.#onError = opts.onError;
    this.#open(this.#mode);
  }

  /** Bytes in the current file as this sink counts them. */
  get size(): number {
    return this.#size;
  }

  /**
   * False when the file cannot seek (a pipe, a socket, a terminal, as
   * `/dev/stdout` in a container): it is never rotated.
   */
  get seekable(): boolean {
    return this.#seekable;
  }

  /** True while a file descriptor is open. */
  get isOpen(): boolean {
    return this.#file !== null;
  }

  /**
   * Appends `data`, then rotates when the file reached `maxbytes`. Never
   * throws; after close() the data is dropped.
   */
  write(data: Uint8Array): void {
    if (this.#closed) return;
    const file = this.#file ?? this.#recover();
    if (file === null) return;
    try {
      file.write(data);
    } catch (e) {
      this.#report(e, "write");
      this.#dropFile();
      return;
    }
    this.#size += data.length;
    const due = this.#maxbytes > 0 && this.#size >= this.#maxbytes && this.#regular;
    if (!due || this.#rotate()) this.#failing = false;
  }

  /**
   * Rotates now, whatever the size (on-demand rotation). False, with
   * nothing done, when the file is closed, is not a regular file, or has
   * no backups to keep (`backups = 0` would truncate the log: an on-demand
   * rotation never discards bytes); false as well when the rotation failed.
   */
  rotate(): boolean {
    if (this.#closed || this.#file === null || !this.#regular || this.#backups === 0) return false;
    const ok = this.#rotate();
    if (ok) this.#failing = false;
    return ok;
  }

  /** Closes and reopens the file at the same path (SIGUSR2). Returns false when it could not be reopened. */
  reopen(): boolean {
    this.#dropFile();
    this.#closed = false;
    try {
      this.#open(this.#mode);
      return true;
    } catch (e) {
      this.#report(e, "open");
      return false;
    }
  }

  /**
   * Deletes the file and opens a new empty one (RPC clearLog,
   * clearProcessLogs); backups are kept. Throws the RuntimeError of a failed
   * removal (a missing file is fine) or reopen; later writes retry the open.
   */
  clear(): void {
    this.#dropFile();
    this.#closed = false;
    let error: unknown = null;
    try {
      this.#fs.unlinkSync(this.path);
    } catch (e) {
      if (errnoOf(e) !== "ENOENT") error = e;
    }
    try {
      this.#open(this.#mode);
    } catch (e) {
      error ??= e;
    }
    if (error !== null) throw error;
  }

  /** Closes the file; later writes are dropped until reopen(). */
  close(): void {
    this.#dropFile();
    this.#closed = true;
  }

  #open(how: WriteOpenMode): void {
    let file: SyncWriteFile;
    try {
      file = this.#fs.openWriteSync(this.path, how);
    } catch (e) {
      // Python retries in write mode when append mode fails with ESPIPE (/dev/stdout).
      if (how !== "append" || errnoOf(e) !== "ESPIPE") throw e;
      file = this.#fs.openWriteSync(this.path, "truncate");
      this.#mode = "truncate";
    }
    try {
      const info = file.stat();
      this.#size = info.size;
      this.#regular = info.isFile;
      this.#seekable = file.seekable();
    } catch {
      this.#size = 0;
      this.#regular = false;
    }
    this.#file = file;
  }

  /** Opens the file again after a failure; null (reported) when that fails too. */
  #recover(): SyncWriteFile | null {
    try {
      this.#open(this.#mode);
      return this.#file;
    } catch (e) {
      this.#report(e, "open");
      return null;
    }
  }

  /** Rotates; returns false (reported) when a rename or the reopen failed. */
  #rotate(): boolean {
    this.#dropFile();
    let how: WriteOpenMode = "truncate";
    let ok = true;
    if (this.#backups > 0) {
      try {
        this.#shiftBackups();
      } catch (e) {
        // Keep what is in the file rather than truncate it; the next write retries.
        this.#report(e, "rotate");
        how = "append";
        ok = false;
      }
    }
    try {
      this.#open(how);
    } catch (e) {
      this.#report(e, "rotate");
      ok = false;
    }
    return ok;
  }

  /** `<f>.<i>` → `<f>.<i+1>` for i = backups-1 … 1, then `<f>` → `<f>.1`; missing sources are skipped. */
  #shiftBackups(): void {
    for (let i = this.#backups - 1; i > 0; i--) {
      this.#renameIfPresent(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    this.#renameIfPresent(this.path, `${this.path}.1`);
  }

  /** rename(2) replaces an existing target, which is what Python's remove-then-rename achieves. */
  #renameIfPresent(from: string, to: string): void {
    try {
      this.#fs.renameSync(from, to);
    } catch (e) {
      if (errnoOf(e) !== "ENOENT") throw e;
    }
  }

  #dropFile(): void {
    const file = this.#file;
    this.#file = null;
    try {
      file?.close();
    } catch {
      // A descriptor that fails to close is gone either way.
    }
  }

  #report(error: unknown, action: string): void {
    if (this.#failing) return;
    this.#failing = true;
    this.#onError?.(error, action);
  }
}
