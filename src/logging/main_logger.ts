/**
 * supervisord's main log: lines `YYYY-MM-DD HH:MM:SS,mmm LEVL message\n` in
 * local time (SURFACE LOG.main.format), dropped below the configured level
 * (LOG.levels), written to a rotating file (LOG.main.file, LOG.main.rotate)
 * and, in the foreground unless `silent`, echoed to stdout (LOG.main.stdout).
 * The echo may have a threshold of its own (`console_loglevel`, an
 * extension: the container's console can be quieter or chattier than the
 * file).
 *
 * `logfile=syslog` (LOG.main.syslog): each line of a message goes to the
 * system log as its own record, formatted like a file line (timestamp,
 * level, text and the newline), and `logfile` is null (readLog/clearLog
 * answer NO_FILE, as in Python).
 *
 * Write failures never throw into the caller: the first of a streak is
 * reported on the runtime's stderr (Python prints a traceback there).
 *
 * Python counterpart: supervisor/loggers.py (`Logger`, `LogRecord`,
 * `StreamHandler`, `handle_file`) and `ServerOptions.make_logger` in
 * supervisor/options.py.
 * @module
 */

import type { LogLevelName } from "../config/datatypes.ts";
import type { OutputStream, Runtime } from "../runtime/types.ts";
import { RotatingFile } from "./rotating_file.ts";
import { LEVEL_LABELS, LEVEL_NUMBERS, type MainLogger } from "./types.ts";

/** What {@linkcode createMainLogger} needs from the `[supervisord]` section. */
export interface MainLoggerOptions {
  /** `logfile`, already absolute; `"syslog"` for no file. */
  logfile: string;
  /** `logfile_maxbytes`; 0 never rotates. */
  maxbytes: number;
  /** `logfile_backups`. */
  backups: number;
  /** `loglevel`. */
  level: LogLevelName;
  /** Where lines are echoed (stdout when `nodaemon` and not `silent`), or null. */
  echo: Pick<OutputStream, "write"> | null;
  /**
   * The lowest level echoed (`console_loglevel`, an extension); default
   * `level`. The file keeps `level`.
   */
  echoLevel?: LogLevelName;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** The `YYYY-MM-DD HH:MM:SS` part of an asctime, in local time. */
function localSeconds(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ` +
    `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}`;
}

/**
 * Python's log `asctime` for a wall-clock time: local `YYYY-MM-DD
 * HH:MM:SS,mmm`, milliseconds truncated.
 *
 * @param ms Milliseconds since the epoch.
 * @returns e.g. `2024-01-01 12:00:00,042`.
 */
export function formatAsctime(ms: number): string {
  const d = new Date(ms);
  return `${localSeconds(d)},${pad(d.getMilliseconds(), 3)}`;
}

const encoder = new TextEncoder();

class MainLog implements MainLogger {
  readonly logfile: string | null;
  readonly #rt: Runtime;
  readonly #threshold: number;
  readonly #echoThreshold: number;
  /** The lower of the two thresholds: what `enabled()` answers for. */
  readonly #lowest: number;
  readonly #echo: Pick<OutputStream, "write"> | null;
  readonly #file: RotatingFile | null;
  readonly #syslog: boolean;
  #echoFailed = false;
  /** Cache of the seconds part of the last asctime (one Date per second, not per line). */
  #cachedSecond = Number.NaN;
  #cachedPrefix = "";

  constructor(rt: Runtime, opts: MainLoggerOptions) {
    this.#rt = rt;
    this.#threshold = LEVEL_NUMBERS[opts.level];
    this.#echo = opts.echo;
    this.#echoThreshold = opts.echo === null ? Infinity : LEVEL_NUMBERS[opts.echoLevel ?? opts.level];
    this.#lowest = Math.min(this.#threshold, this.#echoThreshold);
    this.#syslog = opts.logfile === "syslog";
    if (this.#syslog) {
      this.logfile = null;
      this.#file = null;
    } else {
      this.logfile = opts.logfile;
      this.#file = new RotatingFile(rt.fs, opts.logfile, {
        maxbytes: opts.maxbytes,
        backups: opts.backups,
        onError: (e, action) => this.#complain(`${action} ${opts.logfile}`, e),
      });
    }
  }

  enabled(level: LogLevelName): boolean {
    return LEVEL_NUMBERS[level] >= this.#lowest;
  }

  log(level: LogLevelName, message: string): void {
    const n = LEVEL_NUMBERS[level];
    if (n < this.#lowest) return;
    const head = `${this.#asctime()} ${LEVEL_LABELS[level]} `;
    const line = `${head}${message}\n`;
    if (this.#echo !== null && n >= this.#echoThreshold) this.#writeEcho(this.#echo, line);
    if (n < this.#threshold) return;
    this.#file?.write(encoder.encode(line));
    if (this.#syslog) {
      for (const part of message.replace(/\n+$/, "").split("\n")) {
        this.#rt.syslog(`${head}${part}\n`);
      }
    }
  }

  critical(message: string): void {
    this.log("critical", message);
  }
  error(message: string): void {
    this.log("error", message);
  }
  warn(message: string): void {
    this.log("warn", message);
  }
  info(message: string): void {
    this.log("info", message);
  }
  debug(message: string): void {
    this.log("debug", message);
  }
  trace(message: string): void {
    this.log("trace", message);
  }
  blather(message: string): void {
    this.log("blather", message);
  }

  reopen(): Promise<void> {
    this.#file?.reopen();
    return Promise.resolve();
  }

  rotate(): boolean {
    return this.#file?.rotate() ?? false;
  }

  close(): Promise<void> {
    // Like Python, the echo stream (stdout) is never closed.
    this.#file?.close();
    return Promise.resolve();
  }

  #asctime(): string {
    const ms = this.#rt.clock.now();
    const second = Math.floor(ms / 1000);
    if (second !== this.#cachedSecond) {
      this.#cachedSecond = second;
      this.#cachedPrefix = localSeconds(new Date(second * 1000));
    }
    return `${this.#cachedPrefix},${pad(Math.trunc(ms - second * 1000), 3)}`;
  }

  #writeEcho(echo: Pick<OutputStream, "write">, line: string): void {
    try {
      echo.write(line);
      this.#echoFailed = false;
    } catch (e) {
      if (this.#echoFailed) return;
      this.#echoFailed = true;
      this.#complain("echo", e);
    }
  }

  #complain(what: string, e: unknown): void {
    const detail = e instanceof Error ? e.message : String(e);
    try {
      this.#rt.stderr.write(`supervisord: main log ${what} failed: ${detail}\n`);
    } catch {
      // Nowhere left to report to.
    }
  }
}

/**
 * Creates supervisord's main log. Throws a RuntimeError when the log file
 * cannot be opened.
 *
 * @param rt The runtime (file system, clock, stderr for failures).
 * @param opts Log file, rotation, level and echo target.
 * @returns The logger; `logfile` is the file path, or null for syslog.
 *
 * @example
 * ```ts
 * import { FakeRuntime } from "../runtime/fake.ts";
 *
 * const rt = new FakeRuntime();
 * rt.fs.seedDir("/var/log");
 * const logger = createMainLogger(rt, {
 *   logfile: "/var/log/supervisord.log", maxbytes: 50 * 1024 * 1024, backups: 10,
 *   level: "info", echo: rt.stdout,
 * });
 * logger.info("supervisord started with pid 42");
 * await logger.close();
 * console.log(rt.fs.text("/var/log/supervisord.log")); // 2024-01-01 00:00:00,000 INFO supervisord started with pid 42
 * ```
 */
export function createMainLogger(rt: Runtime, opts: MainLoggerOptions): MainLogger {
  return new MainLog(rt, opts);
}
