/**
 * One process's output: each chunk read from the child's stdout or stderr
 * pipe is stripped of ANSI escapes when `strip_ansi` is set, written raw to
 * the channel's log file with rotation (SURFACE LOG.child.write), echoed to
 * the main log at debug level (LOG.child.debugecho, MLOG.output), then
 * handed to an observer (PROCESS_LOG events, capture mode).
 *
 * Log targets: a path, `AUTO` (a file created in childlogdir when the output
 * is created, LOG.child.auto), or none (`NONE`: output is read and discarded,
 * LOG.child.none). With `redirect_stderr` there is no stderr log
 * (LOG.child.redirect). With `<channel>_syslog` each line of each chunk
 * logged normally also goes to the system log as `<name> <line>`
 * (LOG.child.syslog); an event listener's stdout never does.
 *
 * Python counterpart: supervisor/dispatchers.py (`POutputDispatcher`: its
 * `_init_normallog`, `_log`, `removelogs`, `reopenlogs`) and
 * `ProcessConfig.create_autochildlogs` in supervisor/options.py.
 * @module
 */

import { pyRepr } from "../config/pyrepr.ts";
import { AUTO_LOGFILE, type ProcessConfig } from "../config/schema.ts";
import type { Runtime } from "../runtime/types.ts";
import { createAutoChildLog } from "./_auto_childlog.ts";
import { type ChunkReader, chunkReader } from "./_chunk_reader.ts";
import { CaptureSplitter, commEventLogLine, type OutputPiece } from "./capture.ts";
import { pyBytesRepr } from "./py_bytes_repr.ts";
import { LogRing } from "./log_ring.ts";
import { RotatingFile } from "./rotating_file.ts";
import { stripAnsi } from "./strip_ansi.ts";
import type { Channel, ChildOutput, CommObserver, Logger, OutputObserver, OutputTee } from "./types.ts";

const syslogDecoder = new TextDecoder();

/** Settings of the `[supervisord]` section the output needs, and hooks. */
export interface ProcessOutputContext {
  /** `childlogdir`, where AUTO files go. */
  childlogdir: string;
  /** `identifier`, part of AUTO file names. */
  identifier: string;
  /** `strip_ansi`. */
  strip_ansi: boolean;
  /** Initial observer of every chunk (see {@linkcode ChildOutput.onOutput}). */
  onOutput?: OutputObserver;
  /** An event listener's output: its stdout is the protocol channel, never in capture mode. */
  listener?: boolean;
  /** Where the output is also streamed (the console): fed after the file, may hold the reader. */
  tee?: OutputTee;
  /** Keep the output of a channel without a log file in a 1 MiB in-memory ring (container mode). */
  memoryLogs?: boolean;
  /** Random numbers in [0, 1) for AUTO names; default `Math.random`. */
  random?: () => number;
}

/** A channel's log file and its rotation settings. */
interface LogPlan {
  path: string;
  maxbytes: number;
  backups: number;
}

const CHANNELS: readonly Channel[] = ["stdout", "stderr"];
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The echoed text of a chunk: UTF-8, or Python's `Undecodable: b'...'`. */
function decodeForLog(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    return `Undecodable: ${pyBytesRepr(data)}`;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class ProcessOutput implements ChildOutput {
  onOutput: OutputObserver | null;
  readonly #rt: Runtime;
  readonly #logger: Logger;
  readonly #name: string;
  readonly #strip: boolean;
  readonly #plans: Readonly<Record<Channel, LogPlan | null>>;
  /** `<channel>_syslog`. */
  readonly #toSyslog: Readonly<Record<Channel, boolean>>;
  /** `'<name>' <channel> output:\n`, the head of each debug echo. */
  readonly #echoHead: Readonly<Record<Channel, string>>;
  readonly #readers = new Set<ChunkReader>();
  /** `<channel>_capture_maxbytes` per channel (0: no capture mode). */
  readonly #captureMax: Readonly<Record<Channel, number>>;
  /** Capture-mode state per channel for the current run. */
  #capture: Record<Channel, CaptureSplitter | null> = { stdout: null, stderr: null };
  onComm: CommObserver | null = null;
  /** Where the output is also streamed (the console), or null. */
  readonly #tee: OutputTee | null;
  /** The in-memory logs of channels without a file (container mode). */
  readonly #rings: Readonly<Record<Channel, LogRing | null>>;
  #stdout: RotatingFile | null = null;
  #stderr: RotatingFile | null = null;
  #open = false;
  /** Channels already reported as not seekable (one WARN per process). */
  readonly #unseekableReported = new Set<Channel>();

  constructor(
    rt: Runtime,
    logger: Logger,
    proc: ProcessConfig,
    ctx: ProcessOutputContext,
    plans: Record<Channel, LogPlan | null>,
  ) {
    this.#rt = rt;
    this.#logger = logger;
    this.#name = proc.name;
    this.#strip = ctx.strip_ansi;
    this.#plans = plans;
    this.#toSyslog = { stdout: proc.stdout_syslog && ctx.listener !== true, stderr: proc.stderr_syslog };
    this.onOutput = ctx.onOutput ?? null;
    this.#tee = ctx.tee ?? null;
    const ring = (channel: Channel) =>
      ctx.memoryLogs === true && plans[channel] === null && !(channel === "stderr" && proc.redirect_stderr)
        ? new LogRing(() => rt.clock.now())
        : null;
    this.#rings = { stdout: ring("stdout"), stderr: ring("stderr") };
    this.#captureMax = {
      stdout: ctx.listener === true ? 0 : proc.stdout_capture_maxbytes,
      stderr: proc.stderr_capture_maxbytes,
    };
    const name = pyRepr(proc.name);
    this.#echoHead = { stdout: `${name} stdout output:\n`, stderr: `${name} stderr output:\n` };
  }

  logfile(channel: Channel): string {
    return this.#plans[channel]?.path ?? "";
  }

  memoryLog(channel: Channel): LogRing | null {
    return this.#rings[channel];
  }

  open(): void {
    this.#closeFiles();
    const stdout = this.#openChannel("stdout");
    try {
      this.#stderr = this.#openChannel("stderr");
    } catch (e) {
      stdout?.close();
      throw e;
    }
    this.#stdout = stdout;
    this.#open = true;
    for (const channel of ["stdout", "stderr"] as const) {
      const maxbytes = this.#captureMax[channel];
      this.#capture[channel] = maxbytes > 0 ? new CaptureSplitter({ maxbytes, stripAnsi: this.#strip }) : null;
    }
  }

  async drain(channel: Channel, stream: ReadableStream<Uint8Array>): Promise<void> {
    if (!this.#open) this.#openOrReport();
    const reader = chunkReader(stream);
    this.#readers.add(reader);
    try {
      // Each chunk is used up before the next read, which may reuse its memory.
      for (let chunk = await reader.read(); chunk !== null; chunk = await reader.read()) {
        const capture = this.#capture[channel];
        if (capture === null) this.#record(channel, chunk);
        else this.#pieces(channel, capture.feed(chunk.slice()));
        // The console is behind: stop reading, so the child's pipe fills and the child waits.
        const wait = this.#tee?.ready();
        if (wait) await wait;
      }
    } catch {
      // A failed read ends the pipe, like EOF (Python's readfd returns b'').
    } finally {
      // Output held back in capture mode is flushed at EOF, not lost (SURFACE §11.1 EVT.comm.holdback).
      const capture = this.#capture[channel];
      if (capture !== null) this.#pieces(channel, capture.end());
      this.#tee?.end(channel);
      this.#readers.delete(reader);
      reader.releaseLock();
    }
  }

  clear(): Promise<void> {
    this.#rings.stdout?.clear();
    this.#rings.stderr?.clear();
    if (!this.#open) return Promise.resolve();
    let error: unknown = null;
    for (const file of [this.#stdout, this.#stderr]) {
      try {
        file?.clear();
      } catch (e) {
        error ??= e;
      }
    }
    return error === null ? Promise.resolve() : Promise.reject(error);
  }

  reopen(): Promise<void> {
    this.#stdout?.reopen();
    this.#stderr?.reopen();
    return Promise.resolve();
  }

  rotate(channel: Channel): boolean {
    return (channel === "stdout" ? this.#stdout : this.#stderr)?.rotate() ?? false;
  }

  close(): Promise<void> {
    for (const reader of this.#readers) reader.cancel().catch(() => {});
    this.#readers.clear();
    this.#closeFiles();
    return Promise.resolve();
  }

  /**
   * Capture mode (PROCESS_COMMUNICATION): log pieces go the usual way,
   * captured pieces skip the file, and a completed block is handed to
   * `onComm`. The splitter has already stripped ANSI sequences.
   */
  #pieces(channel: Channel, pieces: OutputPiece[]): void {
    for (const piece of pieces) {
      if (piece.kind === "comm") {
        this.#observe(() => this.onComm?.(channel, piece.data));
        this.#logger.debug(commEventLogLine(this.#name, channel));
      } else {
        this.#record(channel, piece.data, { strip: false, toFile: piece.kind === "log" });
      }
    }
  }

  /** The per-chunk path: strip, write, echo, observe. Never throws. */
  #record(channel: Channel, data: Uint8Array, how = { strip: this.#strip, toFile: true }): void {
    if (data.length === 0) return;
    const bytes = how.strip ? stripAnsi(data) : data;
    const file = channel === "stdout" ? this.#stdout : this.#stderr;
    if (file !== null && how.toFile) file.write(bytes);
    else if (how.toFile) this.#rings[channel]?.write(bytes);
    if (how.toFile && this.#toSyslog[channel]) this.#syslog(bytes);
    if (this.#logger.enabled("debug")) this.#logger.debug(this.#echoHead[channel] + decodeForLog(bytes));
    if (how.toFile) this.#tee?.write(channel, bytes);
    const observer = this.onOutput;
    if (observer !== null) this.#observe(() => observer(channel, bytes));
  }

  /** Python's SyslogHandler: one record per line, the trailing newlines dropped. */
  #syslog(bytes: Uint8Array): void {
    const text = syslogDecoder.decode(bytes).replace(/\n+$/, "");
    for (const line of text.split("\n")) this.#rt.syslog(`${this.#name} ${line}`);
  }

  #observe(call: () => void): void {
    try {
      call();
    } catch (e) {
      this.#logger.error(`output observer of ${pyRepr(this.#name)} failed: ${errorText(e)}`);
    }
  }

  #openChannel(channel: Channel): RotatingFile | null {
    const plan = this.#plans[channel];
    if (plan === null) return null;
    const file = new RotatingFile(this.#rt.fs, plan.path, {
      maxbytes: plan.maxbytes,
      backups: plan.backups,
      onError: (e, action) =>
        this.#logger.error(
          `${action} of ${channel} log ${pyRepr(plan.path)} for ${pyRepr(this.#name)} failed: ${errorText(e)}`,
        ),
    });
    // Python's rollover calls tell() on a pipe and loses the channel (CRIT, ESPIPE); such a file is never
    // rotated here, which is worth one warning when rotation was asked for (maxbytes > 0).
    if (!file.seekable && plan.maxbytes > 0 && !this.#unseekableReported.has(channel)) {
      this.#unseekableReported.add(channel);
      this.#logger.warn(`${channel}_logfile for ${pyRepr(this.#name)} is not seekable; rotation disabled`);
    }
    return file;
  }

  #openOrReport(): void {
    try {
      this.open();
    } catch (e) {
      this.#logger.error(`could not open the log files of ${pyRepr(this.#name)}: ${errorText(e)}`);
    }
  }

  #closeFiles(): void {
    this.#stdout?.close();
    this.#stderr?.close();
    this.#stdout = null;
    this.#stderr = null;
    this.#open = false;
  }
}

/** Resolves a channel's log target; creates the AUTO file now, as Python does when the group is made. */
function planFor(rt: Runtime, proc: ProcessConfig, ctx: ProcessOutputContext, channel: Channel): LogPlan | null {
  if (channel === "stderr" && proc.redirect_stderr) return null;
  const target = channel === "stdout" ? proc.stdout_logfile : proc.stderr_logfile;
  if (target === null || target === "") return null;
  const path = target === AUTO_LOGFILE
    ? createAutoChildLog(
      rt.fs,
      ctx.childlogdir,
      rt.cwd(),
      `${proc.name}-${channel}---${ctx.identifier}-`,
      ctx.random ?? Math.random,
    )
    : target;
  return channel === "stdout"
    ? { path, maxbytes: proc.stdout_logfile_maxbytes, backups: proc.stdout_logfile_backups }
    : { path, maxbytes: proc.stderr_logfile_maxbytes, backups: proc.stderr_logfile_backups };
}

/**
 * Creates the output sink of one process. AUTO log files are created now
 * (empty, mode 0600); the files are opened by `open()` at each spawn (or by
 * the first `drain()`). Rejects with the RuntimeError of an AUTO file that
 * could not be created.
 *
 * @param rt The runtime (file system, cwd).
 * @param logger The main log: debug echo and write failures.
 * @param proc The process's config (`stdout_logfile` …, `redirect_stderr`).
 * @param ctx childlogdir, identifier, strip_ansi and hooks.
 *
 * @example
 * ```ts
 * import { FakeRuntime } from "../runtime/fake.ts";
 * import { programConfig, RecordingLogger } from "../test_support.ts";
 *
 * const rt = new FakeRuntime();
 * rt.fs.seedDir("/tmp");
 * const proc = programConfig({ name: "web", stdout_logfile: "AUTO" });
 * const ctx = { childlogdir: "/tmp", identifier: "supervisor", strip_ansi: false };
 * const out = await createProcessOutput(rt, new RecordingLogger(), proc, ctx);
 * out.open();
 * await out.drain("stdout", new Response("hello\n").body!);
 * console.log(out.logfile("stdout")); // /tmp/web-stdout---supervisor-<random>.log
 * out.close();
 * ```
 */
export function createProcessOutput(
  rt: Runtime,
  logger: Logger,
  proc: ProcessConfig,
  ctx: ProcessOutputContext,
): Promise<ChildOutput> {
  try {
    const plans = { stdout: null, stderr: null } as Record<Channel, LogPlan | null>;
    for (const channel of CHANNELS) plans[channel] = planFor(rt, proc, ctx, channel);
    return Promise.resolve(new ProcessOutput(rt, logger, proc, ctx, plans));
  } catch (e) {
    return Promise.reject(e);
  }
}
