/**
 * The logging contracts the engine is written against: supervisord's main
 * log (levels CRIT…BLAT) and the per-process output sinks.
 *
 * Python counterpart: supervisor/loggers.py (`Logger`, `LevelsByName`) and the
 * output half of supervisor/dispatchers.py (`POutputDispatcher`).
 * @module
 */

import type { LogLevelName } from "../config/datatypes.ts";

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
  log(level: LogLevelName, message: string): void;
  critical(message: string): void;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  blather(message: string): void;
  /** True when `level` would be written (so callers can skip building costly messages). */
  enabled(level: LogLevelName): boolean;
  /** Reopens file targets (SIGUSR2). */
  reopen(): Promise<void>;
  /** Flushes and closes every target. */
  close(): Promise<void>;
}

/** One child output channel. */
export type Channel = "stdout" | "stderr";

/**
 * Where one process's output goes: its log files (with rotation), and, later,
 * capture mode and PROCESS_LOG events. One sink per process, reused across
 * restarts of that process.
 */
export interface ChildOutput {
  /**
   * Consumes `stream` until it ends; resolves once every byte read has been
   * written. Never rejects (write failures are reported to the main log).
   */
  drain(channel: Channel, stream: ReadableStream<Uint8Array>): Promise<void>;
  /** Truncates the channel's log files (RPC clearProcessLogs). */
  clear(): Promise<void>;
  /** Reopens the log files (SIGUSR2). */
  reopen(): Promise<void>;
  /** Closes the log files. */
  close(): Promise<void>;
}
