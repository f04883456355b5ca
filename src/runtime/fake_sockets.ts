/**
 * Bound sockets of the {@linkcode FakeRuntime} (`Runtime.bindSocket`): each
 * bind is recorded with its endpoint, whether and with what backlog it
 * listens, and whether it was closed. Binding a unix path creates a socket
 * entry in the fake file system (and fails as bind(2) does when the parent
 * is missing or the path exists); TCP endpoints conflict with each other;
 * host names other than dotted quads and `localhost` fail the lookup.
 *
 * Python counterpart: supervisor/tests/base.py (`DummySocketConfig`,
 * `DummySocketManager`).
 * @module
 */

import { AddressInUseError, AddressLookupError, NotFoundError } from "./errors.ts";
import type { BoundSocket, Endpoint } from "./types.ts";
import type { FakeFileSystem } from "./fake_fs.ts";
import { parseIpv4, sockaddrUn } from "./_socket.ts";

/** One socket the core bound. */
export class FakeBoundSocket implements BoundSocket {
  /** The backlog it listens with; null until `listen()`. */
  backlog: number | null = null;
  /** Whether it was closed. */
  closed = false;

  /**
   * Creates the socket.
   *
   * @param fd Its descriptor number.
   * @param endpoint Where it is bound.
   */
  constructor(readonly fd: number, readonly endpoint: Endpoint) {}

  listen(backlog: number): void {
    this.backlog = backlog;
  }

  close(): void {
    this.closed = true;
  }

  /** True while bound and listening. */
  get listening(): boolean {
    return this.backlog !== null && !this.closed;
  }
}

/** The fake runtime's socket table. */
export class FakeSockets {
  /** Every socket bound, in order. */
  readonly bound: FakeBoundSocket[] = [];
  /** When set, the next `bind()` throws it (then it is cleared). */
  bindError: Error | null = null;
  #nextFd = 20;

  /**
   * Creates the registry.
   *
   * @param fs The file system unix socket files appear in.
   */
  constructor(private readonly fs: FakeFileSystem) {}

  /** `Runtime.bindSocket`. */
  bind(at: Endpoint): FakeBoundSocket {
    if (this.bindError !== null) {
      const e = this.bindError;
      this.bindError = null;
      throw e;
    }
    if (at.transport === "unix") {
      sockaddrUn(at.path);
      const parent = at.path.slice(0, at.path.lastIndexOf("/")) || "/";
      if (!(this.fs.statSync(parent)?.isDirectory ?? false)) {
        throw new NotFoundError(`bind ${at.path}: No such file or directory`);
      }
      if (this.fs.exists(at.path)) throw new AddressInUseError(`bind ${at.path}: Address already in use`);
      this.fs.seedSocket(at.path);
    } else {
      if (at.hostname !== "localhost" && parseIpv4(at.hostname) === null) {
        throw new AddressLookupError(-2, "Name or service not known", at.hostname);
      }
      const taken = this.open().some((s) => s.endpoint.transport === "tcp" && s.endpoint.port === at.port);
      if (taken) throw new AddressInUseError(`bind ${at.hostname}:${at.port}: Address already in use`);
    }
    const socket = new FakeBoundSocket(this.#nextFd++, at);
    this.bound.push(socket);
    return socket;
  }

  /** The sockets not closed yet. */
  open(): FakeBoundSocket[] {
    return this.bound.filter((s) => !s.closed);
  }
}
