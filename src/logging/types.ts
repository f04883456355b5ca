/**
 * The logging contracts the engine is written against: supervisord's main
 * log (levels CRIT…BLAT) and the per-process output sinks.
 *
 * Python counterpart: supervisor/loggers.py (`Logger`, `LevelsByName`) and the
 * output half of supervisor/dispatchers.py (`POutputDispatcher`).
 * @module
 */

import type { LogLevelName } from "../config/datatypes.ts";
import type { LogRing } from "./log_ring.ts";

/** Level names as they appear in main-log lines, most severe first. */
export const LEVEL_LABELS = {
  critical: "CRIT",
  error: "ERRO",
  warn: "WARN",
  info: "INFO",
  debug: "DEBG",
  trace: "TRAC",
  blather: "BLAT",
} as const satisfies Record<LogLevelName, string>;

/** Numeric levels as supervisor/loggers.py defines them (higher is more severe). */
export const LEVEL_NUMBERS = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
} as const satisfies Record<LogLevelName, number>;

/** supervisord's main log. Messages below the configured level are dropped. */
export interface Logger {
  /** Writes `message` at `level`. */
  log(level: LogLevelName, message: string): void;
  /** Writes at CRIT. */
  critical(message: string): void;
  /** Writes at ERRO. */
  error(message: string): void;
  /** Writes at WARN. */
  warn(message: string): void;
  /** Writes at INFO. */
  info(message: string): void;
  /** Writes at DEBG. */
  debug(message: string): void;
  /** Writes at TRAC. */
  trace(message: string): void;
  /** Writes at BLAT. */
  blather(message: string): void;
  /** True when `level` would be written (so callers can skip building costly messages). */
  enabled(level: LogLevelName): boolean;
  /** Reopens file targets (SIGUSR2). */
  reopen(): Promise<void>;
  /** Flushes and closes every target. */
  close(): Promise<void>;
}

/**
 * supervisord's own log as the daemon creates it: a {@linkcode Logger} that
 * also says where its file is (RPC readLog/clearLog, /mainlogtail).
 */
export interface MainLogger extends Logger {
  /** The log file path; null when `logfile=syslog` (no file: NO_FILE). */
  readonly logfile: string | null;
  /** Rotates the log file now; true when it was rotated. Absent on loggers that cannot rotate. */
  rotate?(): boolean;
}

/** One child output channel. */
export type Channel = "stdout" | "stderr";

/**
 * Sees every chunk of child output after `strip_ansi`, after it was written
 * to the log file (PROCESS_LOG events, capture mode). Must not keep `data`
 * beyond the call unless it copies it.
 */
export type OutputObserver = (channel: Channel, data: Uint8Array) => void;

/**
 * Receives the data of a completed capture-mode block (between
 * `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->`), the
 * PROCESS_COMMUNICATION_* payload.
 */
export type CommObserver = (channel: Channel, data: Uint8Array) => void;

/**
 * A second destination for a process's output beside its log files (the
 * console stream of container mode): it sees every chunk the log file sees,
 * after `strip_ansi`, and can make the reader wait.
 */
export interface OutputTee {
  /** Takes a chunk; must copy what it keeps of `data`. Never throws, never blocks. */
  write(channel: Channel, data: Uint8Array): void;
  /** Null when the reader may read on; otherwise a promise to await first (backpressure). */
  ready(): Promise<void> | null;
  /** The channel reached end of file (a held partial line is written out). */
  end(channel: Channel): void;
}

/**
 * Where one process's output goes: its log files (with rotation), the debug
 * echo to the main log and an observer. One sink per process, reused across
 * restarts of that process; as in Python the files are open only while the
 * process runs (from `open()` at spawn to `close()` after it ended).
 */
export interface ChildOutput {
  /**
   * Opens the log files for a new run (Python opens them when it makes the
   * dispatchers at spawn). Throws a RuntimeError when a file cannot be
   * opened; the process layer turns that into a spawn error.
   */
  open(): void;
  /**
   * Consumes `stream` until it ends; resolves once every byte read has been
   * written. Never rejects (write failures are reported to the main log).
   * Opens the files first when `open()` was not called.
   */
  drain(channel: Channel, stream: ReadableStream<Uint8Array>): Promise<void>;
  /**
   * Deletes and recreates the current log files (RPC clearProcessLogs;
   * backups are kept). Does nothing while the files are closed (Python: a
   * process that is not running has no log handlers). Rejects with the
   * first RuntimeError when a file could not be removed or reopened.
   */
  clear(): Promise<void>;
  /** Reopens the open log files at the same path, appending (SIGUSR2). */
  reopen(): Promise<void>;
  /**
   * Rotates the channel's log file now (on-demand rotation); true when it
   * was rotated. Absent on sinks that cannot rotate.
   */
  rotate?(channel: Channel): boolean;
  /**
   * Closes the log files and stops any drain still reading (its stream is
   * cancelled, as Python closes the pipes when the process is reaped). Call
   * it after the drains resolved to keep every byte.
   */
  close(): Promise<void>;
  /** The channel's log file path, or "" when it has none (RPC getProcessInfo). */
  logfile(channel: Channel): string;
  /**
   * The channel's in-memory log, kept in container mode for a channel
   * without a log file (tail and readProcessLog read it); null otherwise.
   */
  memoryLog?(channel: Channel): LogRing | null;
  /** Called for every chunk of output; see {@linkcode OutputObserver}. */
  onOutput: OutputObserver | null;
  /** Called for every completed capture-mode block (`<channel>_capture_maxbytes` > 0). */
  onComm: CommObserver | null;
}
