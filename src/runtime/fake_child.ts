/**
 * The children of the fake runtime: {@linkcode FakeChild}, which a test makes
 * write output, exit or die by a signal, with a {@linkcode FakeStdin} that
 * records what the core writes; and {@linkcode FakeExit}, what
 * `FakeRuntime.exit()` throws.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyProcess`).
 * @module
 */

import type { ByteWriter, Child, ExitStatus, SpawnOptions } from "./types.ts";
import { BrokenPipeError } from "./errors.ts";

/** Thrown by `FakeRuntime.exit()`; `code` is the requested exit status. */
export class FakeExit extends Error {
  /**
   * Creates the error.
   *
   * @param code The status passed to `exit()`.
   */
  constructor(readonly code: number) {
    super(`exit(${code})`);
    this.name = "FakeExit";
  }
}

/** The stdin of a fake child: records what the core writes. */
export class FakeStdin implements ByteWriter {
  /** Every chunk written, in order. */
  readonly chunks: Uint8Array[] = [];
  /** Whether the core closed it. */
  closed = false;
  /**
   * Creates the stdin of `child`.
   *
   * @param child The child it belongs to.
   */
  constructor(private readonly child: FakeChild) {}

  write(data: Uint8Array): Promise<void> {
    if (this.closed || this.child.status !== null) {
      return Promise.reject(new BrokenPipeError(`write to stdin of ${this.child.pid}: Broken pipe`));
    }
    this.chunks.push(data.slice());
    this.child.onStdin?.(data.slice());
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function pipe(): { stream: ReadableStream<Uint8Array>; controller: ReadableStreamDefaultController<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return { stream, controller };
}

/** A scripted child: the test makes it write, exit or die. */
export class FakeChild implements Child {
  readonly stdin: FakeStdin | null;
  readonly stdout: ReadableStream<Uint8Array> | null = null;
  readonly stderr: ReadableStream<Uint8Array> | null = null;
  readonly exited: Promise<ExitStatus>;
  /** The exit status once the child ended, else null. */
  status: ExitStatus | null = null;
  /** Called with each write to the child's stdin, as it is made (a scripted child that answers). */
  onStdin: ((data: Uint8Array) => void) | null = null;
  readonly #out: ReadableStreamDefaultController<Uint8Array> | undefined;
  readonly #err: ReadableStreamDefaultController<Uint8Array> | undefined;
  #resolve!: (s: ExitStatus) => void;

  /**
   * Creates a child.
   *
   * @param pid Its pid.
   * @param options What it was spawned with.
   */
  constructor(readonly pid: number, readonly options: SpawnOptions) {
    const stdinPipe = (options.stdin ?? "pipe") === "pipe" && options.stdinSocket === undefined;
    this.stdin = stdinPipe ? new FakeStdin(this) : null;
    if ((options.stdout ?? "pipe") === "pipe") {
      const p = pipe();
      this.stdout = p.stream;
      this.#out = p.controller;
    }
    if ((options.stderr ?? "pipe") === "pipe" && options.redirectStderr !== true) {
      const p = pipe();
      this.stderr = p.stream;
      this.#err = p.controller;
    }
    this.exited = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Everything written to the child's stdin, decoded as UTF-8. */
  stdinText(): string {
    const all = this.stdin?.chunks ?? [];
    return all.map((c) => new TextDecoder().decode(c)).join("");
  }

  /** The child writes to stdout. */
  writeStdout(data: string | Uint8Array): void {
    this.#out?.enqueue(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** The child writes to stderr (to stdout when stderr is redirected). */
  writeStderr(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    if (this.options.redirectStderr === true) this.#out?.enqueue(bytes);
    else this.#err?.enqueue(bytes);
  }

  /** The child exits with `code`: pipes reach EOF, then `exited` settles. */
  exit(code: number): void {
    this.#finish({ code, signal: null });
  }

  /** A signal kills the child. */
  terminate(signal: string): void {
    this.#finish({ code: null, signal });
  }

  #finish(status: ExitStatus): void {
    if (this.status !== null) return;
    this.status = status;
    this.#out?.close();
    this.#err?.close();
    this.#resolve(status);
  }
}
