/**
 * The listening socket of an `[fcgi-program:x]` group (SURFACE
 * CFG.fcgi.behaviour): created when the first process of the group is
 * spawned, given to every process as its fd 0, closed once the last one has
 * been finished, created again at the next spawn. Each process holds one
 * reference from spawn until it is finished (or until its spawn failed);
 * creating and closing are logged at INFO as `Creating socket <url>` and
 * `Closing socket <url>`.
 *
 * Creation follows Python's `create_and_bind`: a unix path that exists is
 * unlinked first; the socket is bound; a unix socket file gets
 * `socket_owner` (chown) and `socket_mode` (chmod), and on any failure the
 * socket is closed and its file removed; then it listens with
 * `socket_backlog`, or SOMAXCONN. A failure reads `Could not create FastCGI
 * socket <url>: <reason>`, the reason being the `str()` of Python's
 * exception. At group creation {@linkcode FcgiSocketManager.validate}
 * throws it as Python's uncaught `ValueError` ({@linkcode PyException}:
 * supervisord stops at startup, `addProcessGroup` answers 500). At a spawn
 * it is a spawn error of that process ({@linkcode SpawnResourceError}:
 * `spawnerr:` line, BACKOFF, FATAL after `startretries`, SPAWN_ERROR for
 * `startProcess`); Python raises there too, which ends supervisord and
 * orphans the other children, a difference the README lists.
 *
 * Python counterpart: supervisor/socket_manager.py (`SocketManager`,
 * `ReferenceCounter`), supervisor/datatypes.py (`InetStreamSocketConfig`,
 * `UnixStreamSocketConfig`), supervisor/process.py (`FastCGISubprocess`,
 * `FastCGIProcessGroup`).
 * @module
 */

import { type FcgiSocketConfig, fcgiSocketUrl } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import type { BoundSocket, Endpoint, Runtime, SpawnOptions } from "../runtime/types.ts";
import { osError, PyException } from "./py_exception.ts";
import { type SpawnResource, SpawnResourceError } from "./spawn_resource.ts";
import type { Subprocess } from "./subprocess.ts";

/** Python's `socket.SOMAXCONN` on Linux with glibc: the backlog when `socket_backlog` is unset. */
export const SOMAXCONN = 4096;

/** Bytes of `sun_path`: Python refuses a unix path this long or longer. */
const SUN_PATH_BYTES = 108;

/** What a socket manager needs from the engine. */
export interface FcgiSocketHost {
  readonly runtime: Runtime;
  readonly logger: Logger;
}

/** One fcgi-program group's socket, reference-counted by its processes (Python `SocketManager`). */
export class FcgiSocketManager implements SpawnResource {
  #socket: BoundSocket | null = null;
  #refs = 0;

  constructor(readonly config: FcgiSocketConfig, private readonly host: FcgiSocketHost) {}

  /** The URL in log lines and errors. */
  get url(): string {
    return fcgiSocketUrl(this.config);
  }

  /** How many processes hold the socket. */
  get refCount(): number {
    return this.#refs;
  }

  /** The open socket, or null while no process holds it. */
  get socket(): BoundSocket | null {
    return this.#socket;
  }

  /**
   * Takes a reference, creating the socket for the first one; throws
   * {@linkcode SpawnResourceError} with the spawnerr text when it cannot
   * (nothing is held then).
   */
  acquire(): Pick<SpawnOptions, "stdinSocket"> {
    try {
      return this.#take();
    } catch (e) {
      throw new SpawnResourceError(this.#cannotCreate(e), { cause: e });
    }
  }

  /** Drops a reference; the last one closes the socket. */
  release(): void {
    if (this.#refs <= 0) throw new Error("Illegal operation: cannot decrement below zero");
    this.#refs -= 1;
    if (this.#refs === 0) this.#close();
  }

  /**
   * Creates the socket and closes it again, as Python does when the group is
   * made, so a bad socket stops supervisord at startup (or fails
   * `addProcessGroup`) with `ValueError: Could not create FastCGI socket <url>: <reason>`.
   */
  validate(): void {
    try {
      this.#take();
    } catch (e) {
      throw new PyException("ValueError", this.#cannotCreate(e), { cause: e });
    }
    this.release();
  }

  /** Takes a reference, creating the socket for the first one; throws a PyException when it cannot. */
  #take(): Pick<SpawnOptions, "stdinSocket"> {
    if (this.#refs === 0) this.#prepare();
    this.#refs += 1;
    return { stdinSocket: this.#socket! };
  }

  /** `Could not create FastCGI socket <url>: <reason>`, the reason as Python's `str()` of the exception. */
  #cannotCreate(e: unknown): string {
    return `Could not create FastCGI socket ${this.url}: ${osError(e).message}`;
  }

  #prepare(): void {
    this.host.logger.info(`Creating socket ${this.url}`);
    const socket = createAndBind(this.host.runtime, this.config);
    try {
      socket.listen(this.config.backlog ?? SOMAXCONN);
    } catch (e) {
      socket.close();
      throw osError(e);
    }
    this.#socket = socket;
  }

  #close(): void {
    this.host.logger.info(`Closing socket ${this.url}`);
    this.#socket?.close();
    this.#socket = null;
  }
}

/** Python `SocketConfig.create_and_bind`: a bound socket with its file's owner and mode set. */
function createAndBind(rt: Runtime, config: FcgiSocketConfig): BoundSocket {
  if (config.family === "inet") {
    try {
      return rt.bindSocket({ transport: "tcp", hostname: config.host.toLowerCase(), port: config.port });
    } catch (e) {
      throw osError(e);
    }
  }
  const { path } = config;
  const exists = () => rt.fs.statSync(path) !== null;
  if (exists()) unlink(rt, path);
  let socket: BoundSocket | null = null;
  try {
    socket = bindUnix(rt, { transport: "unix", path });
    if (config.owner !== null) {
      fileCall(() => rt.fs.chownSync(path, config.owner![0], config.owner![1]), path, "ownership");
    }
    fileCall(() => rt.fs.chmodSync(path, config.mode), path, "permissions");
    return socket;
  } catch (e) {
    socket?.close();
    if (exists()) unlink(rt, path);
    throw e;
  }
}

function bindUnix(rt: Runtime, at: Endpoint & { transport: "unix" }): BoundSocket {
  if (new TextEncoder().encode(at.path).length >= SUN_PATH_BYTES) {
    throw new PyException("OSError", "AF_UNIX path too long");
  }
  try {
    return rt.bindSocket(at);
  } catch (e) {
    throw osError(e);
  }
}

function unlink(rt: Runtime, path: string): void {
  try {
    rt.fs.unlinkSync(path);
  } catch (e) {
    throw osError(e, path);
  }
}

/** A chown or chmod of the socket file; Python reports a failure as a ValueError naming what changed. */
function fileCall(call: () => void, path: string, what: "ownership" | "permissions"): void {
  try {
    call();
  } catch (e) {
    throw new PyException("ValueError", `Could not change ${what} of socket file: ${osError(e, path).message}`);
  }
}

/**
 * Gives the processes of an fcgi-program group their shared socket: a
 * manager is made, validated (throws the group's ValueError), and set as
 * every process's spawn resource.
 */
export function attachFcgiSocket(
  config: FcgiSocketConfig,
  processes: readonly Subprocess[],
  host: FcgiSocketHost,
): FcgiSocketManager {
  const manager = new FcgiSocketManager(config, host);
  manager.validate();
  for (const proc of processes) proc.attachResource(manager);
  return manager;
}
