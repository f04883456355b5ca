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

  /** A connected socket of `Bun.listen`; `data` is ours. */
  interface Socket<T> {
    data: T;
    /** Writes what the kernel takes now; returns that many bytes (no buffering). */
    write(bytes: Uint8Array): number;
    /** Half-closes after the write side is done. */
    end(): void;
    pause(): void;
    resume(): void;
    setNoDelay(noDelay: boolean): boolean;
  }

  /** The callbacks of a `Bun.listen` server. */
  interface SocketHandler<T> {
    open(socket: Socket<T>): void;
    data(socket: Socket<T>, chunk: Uint8Array): void;
    drain(socket: Socket<T>): void;
    end(socket: Socket<T>): void;
    close(socket: Socket<T>): void;
    error(socket: Socket<T>, error: Error): void;
  }

  /** A listening `Bun.listen` server. */
  interface SocketListener {
    readonly port: number;
    stop(closeActiveConnections?: boolean): void;
  }

  function listen<T>(
    options: { hostname: string; port: number; socket: SocketHandler<T> } | { unix: string; socket: SocketHandler<T> },
  ): SocketListener;
}
