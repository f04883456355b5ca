/// <reference types="./_bun_types.d.ts" />
/**
 * Bun adapter, a child's standard streams as pipes. `Bun.spawn` with
 * `"pipe"` connects a child through socket pairs, and a program that opens
 * `/dev/stdout`, `/dev/stderr` or `/proc/self/fd/N` then fails with ENXIO
 * (nginx's `error_log /dev/stderr`, php-fpm's `/proc/self/fd/2`). So the
 * adapter makes real pipes with libc `pipe2` (O_CLOEXEC) through `bun:ffi`
 * (bun_libc.ts), hands the child's ends to `Bun.spawn` as descriptors (it
 * dup2s them onto 0-2 in the child; they stay blocking there, as Python's
 * do) and closes them in the parent once the child is started.
 *
 * The parent's ends: output is read with `Bun.file(fd).stream()`, which
 * polls the pipe in Bun's event loop (it reads through a duplicate of the
 * descriptor, and closes that itself at the end or on cancel); stdin is
 * written with `Bun.file(fd).writer()`, opened at the first write (most
 * children never get input). Each end is set O_NONBLOCK, as Python's
 * `make_pipes` sets them, and is closed by this module exactly once: at the
 * end of the stream, on cancel, on error, or when stdin is closed.
 *
 * Measured with Bun 1.4.5 (`farm-bench`, 12 runs each: 512 MiB from
 * `head -c` drained through this adapter and the core's chunk reader):
 * 0.82× the CPU time and 0.85× the wall time of `Bun.spawn`'s socket
 * pairs; a blocking read end measured the same as a non-blocking one.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.make_pipes`,
 * `close_parent_pipes`, `close_child_pipes`).
 * @module
 */

import type { ByteWriter } from "./types.ts";
import { BrokenPipeError, errnoName, errorForCode, strerror } from "./errors.ts";
import { mapError } from "./_map_error.ts";
import { bunPlatform, openBunLibc } from "./bun_libc.ts";

const O_CLOEXEC = 0o2000000;
const O_NONBLOCK = 0o4000;
const F_GETFL = 3;
const F_SETFL = 4;

interface PipeLibc {
  pipe2(fds: Int32Array, flags: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  close(fd: number): number;
  errno(): number;
}

let libc: PipeLibc | null | undefined;

function openLibc(): PipeLibc | null {
  if (libc !== undefined) return libc;
  if (!bunPlatform.linuxSyscalls) return libc = null;
  const lib = openBunLibc({
    pipe2: { args: ["ptr", "i32"], returns: "i32" },
    fcntl: { args: ["i32", "i32", "i32"], returns: "i32" },
    close: { args: ["i32"], returns: "i32" },
  });
  libc = lib === null ? null : {
    pipe2: (fds, flags) => lib.symbols.pipe2!(fds, flags) as number,
    fcntl: (fd, cmd, arg) => lib.symbols.fcntl!(fd, cmd, arg) as number,
    close: (fd) => lib.symbols.close!(fd) as number,
    errno: lib.errno,
  };
  return libc;
}

/** A descriptor this process owns; `close()` closes it once, however often it is called. */
export class OwnedFd {
  #open = true;

  constructor(readonly fd: number, private readonly lib: PipeLibc) {}

  /** Closes the descriptor (once). */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.lib.close(this.fd);
  }
}

/** Both ends of a pipe. */
export interface Pipe {
  read: OwnedFd;
  write: OwnedFd;
}

/**
 * Creates a pipe, both ends close-on-exec (so no other child inherits them).
 *
 * @returns The pipe, or null where FFI cannot reach libc.
 * @throws {RuntimeError} When pipe2(2) fails (EMFILE, ENFILE).
 */
export function openPipe(): Pipe | null {
  const lib = openLibc();
  if (lib === null) return null;
  const fds = new Int32Array(2);
  if (lib.pipe2(fds, O_CLOEXEC) !== 0) {
    const code = errnoName(lib.errno()) ?? "EMFILE";
    throw errorForCode(code, `pipe: ${strerror(code) ?? code}`);
  }
  return { read: new OwnedFd(fds[0]!, lib), write: new OwnedFd(fds[1]!, lib) };
}

/** Sets O_NONBLOCK on the parent's end of a pipe (its own open file description). */
export function setNonBlocking(end: OwnedFd): void {
  const lib = openLibc();
  if (lib === null) return;
  const flags = lib.fcntl(end.fd, F_GETFL, 0);
  if (flags >= 0) lib.fcntl(end.fd, F_SETFL, flags | O_NONBLOCK);
}

/**
 * The parent's read end as a stream of chunks. `end` is closed at the end
 * of the stream, on an error, or when the stream is cancelled.
 */
export function pipeReadable(end: OwnedFd): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await (reader ??= Bun.file(end.fd).stream().getReader()).read();
      } catch (e) {
        end.close();
        controller.error(mapError(e, `read from pipe ${end.fd}`));
        return;
      }
      if (!chunk.done) return controller.enqueue(chunk.value);
      end.close();
      try {
        controller.close();
      } catch {
        // Cancelled while the read was pending: the stream is closed already.
      }
    },
    async cancel(reason) {
      try {
        await reader?.cancel(reason);
      } finally {
        end.close();
      }
    },
  }, { highWaterMark: 0 });
}

/**
 * The parent's write end (a child's stdin) as a ByteWriter; the FileSink is
 * opened at the first write and `end` is closed by `close()`.
 */
export function pipeWriter(end: OwnedFd, pid: number, isGone: () => boolean): ByteWriter {
  return stdinWriter(pid, isGone, () => Bun.file(end.fd).writer(), async (sink) => {
    try {
      await sink?.end();
    } finally {
      end.close();
    }
  });
}

/**
 * A child's stdin as a ByteWriter over a Bun FileSink; each write is flushed
 * at once. Writes are refused with BrokenPipeError once the child is gone
 * (`isGone`) or the writer is closed.
 *
 * @param open Returns the sink; called at the first write.
 * @param release Ends the sink (null when nothing was written) and frees the descriptor.
 */
export function stdinWriter(
  pid: number,
  isGone: () => boolean,
  open: () => Bun.FileSink,
  release: (sink: Bun.FileSink | null) => Promise<void>,
): ByteWriter {
  let sink: Bun.FileSink | null = null;
  let closed = false;
  return {
    async write(data) {
      if (closed || isGone()) throw new BrokenPipeError(`write to stdin of ${pid}: Broken pipe`);
      try {
        sink ??= open();
        await sink.write(data);
        await sink.flush();
      } catch (e) {
        throw mapError(e, `write to stdin of ${pid}`);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await release(sink);
      } catch {
        // Closing a pipe whose reader has gone is not an error for the caller.
      }
    },
  };
}
