/**
 * Ambient declarations of the few Bun APIs the Bun adapter uses, so
 * `deno check` covers bun*.ts without Bun's own type package. Shapes follow
 * Bun 1.4's documentation, narrowed to the options we pass.
 *
 * Python counterpart: none.
 * @module
 */

declare namespace Bun {
  /** Options of `Bun.spawn` used by bun_spawn.ts. */
  interface SpawnOptions {
    cmd: string[];
    env?: Record<string, string>;
    /** setsid(): new session and process group. */
    detached?: boolean;
    uid?: number;
    gid?: number;
    /** A mode, or a descriptor of ours that becomes the child's stream (dup2). */
    stdin?: "pipe" | "ignore" | "inherit" | number;
    stdout?: "pipe" | "ignore" | "inherit" | number;
    stderr?: "pipe" | "ignore" | "inherit" | number;
  }

  /** The incremental writer Bun returns for a piped stdin. */
  interface FileSink {
    write(chunk: Uint8Array): number | boolean | Promise<number>;
    flush(): number | undefined | Promise<number>;
    end(): number | Promise<number>;
  }

  /** A spawned process. */
  interface Subprocess {
    readonly pid: number;
    readonly stdin: FileSink | null | undefined;
    readonly stdout: ReadableStream<Uint8Array> | null | undefined;
    readonly stderr: ReadableStream<Uint8Array> | null | undefined;
    /** Resolves with the exit code (128+n when killed by signal n). */
    readonly exited: Promise<number>;
    readonly exitCode: number | null;
    /** The killing signal's name, e.g. "SIGTERM". */
    readonly signalCode: string | null;
  }

  function spawn(options: SpawnOptions): Subprocess;

  /** A file opened by descriptor: read as a stream, or written through a FileSink. */
  interface BunFile {
    stream(): ReadableStream<Uint8Array>;
    writer(): FileSink;
  }

  /** The file behind descriptor `fd` (the descriptor stays the caller's to close). */
  function file(fd: number): BunFile;

  /** Standard input as a Bun file (only `stream()` is used). */
  const stdin: { stream(): ReadableStream<Uint8Array> };

  /** Absolute path of the entry module (`/$bunfs/…` inside a compiled binary). */
  const main: string;
}
