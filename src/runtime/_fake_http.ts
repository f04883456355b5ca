/**
 * In-memory HTTP for the `FakeRuntime` (`Runtime.serve`,
 * `request`, `connect`): servers are handlers kept by endpoint, and a
 * request calls the handler serving its endpoint directly, no bytes
 * exchanged. A unix endpoint also has a socket entry in the fake file
 * system while it is served. `fake.ts` delegates to it.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyMedusaServer`,
 * `DummyMedusaChannel`, `DummyRequest`).
 * @module
 */

import type { Endpoint, Handler, Listener } from "./types.ts";
import { AddressInUseError, ConnectionRefusedError, NotFoundError } from "./errors.ts";
import type { FakeFileSystem } from "./fake_fs.ts";

/** The servers of one fake runtime. */
export class FakeHttp {
  #nextPort = 40000;
  readonly #listeners = new Map<string, Handler>();
  readonly #fs: FakeFileSystem;

  constructor(fs: FakeFileSystem) {
    this.#fs = fs;
  }

  /** See `FakeRuntime.serve`. */
  serve(at: Endpoint, handler: Handler): Promise<Listener> {
    const endpoint: Endpoint = at.transport === "tcp" && at.port === 0 ? { ...at, port: this.#nextPort++ } : at;
    const key = endpointKey(endpoint);
    if (this.#listeners.has(key) || (at.transport === "unix" && this.#fs.exists(at.path))) {
      return Promise.reject(new AddressInUseError(`bind ${key}: Address already in use`));
    }
    this.#listeners.set(key, handler);
    if (endpoint.transport === "unix") this.#fs.seedSocket(endpoint.path);
    const close = () => {
      if (this.#listeners.delete(key) && endpoint.transport === "unix") {
        this.#fs.remove(endpoint.path).catch(() => {});
      }
      return Promise.resolve();
    };
    return Promise.resolve({ endpoint, close });
  }

  /** See `FakeRuntime.request`. */
  request(at: Endpoint, req: Request): Promise<Response> {
    const handler = this.#listeners.get(endpointKey(at));
    if (handler !== undefined) {
      const url = new URL(req.url);
      const target = `http://localhost${url.pathname}${url.search}`;
      if (req.body === null || req.headers.has("content-length")) return handler(new Request(target, req));
      return req.arrayBuffer().then((body) => {
        const headers = new Headers(req.headers);
        headers.set("content-length", String(body.byteLength));
        return handler(new Request(target, { method: req.method, headers, body }));
      });
    }
    if (at.transport === "unix" && !this.#fs.exists(at.path)) {
      return Promise.reject(new NotFoundError(`connect ${at.path}: No such file or directory`));
    }
    return Promise.reject(new ConnectionRefusedError(`connect ${endpointKey(at)}: Connection refused`));
  }

  /** See `FakeRuntime.connect`. */
  connect(at: Endpoint): Promise<void> {
    if (this.#listeners.has(endpointKey(at))) return Promise.resolve();
    if (at.transport === "unix" && !this.#fs.exists(at.path)) {
      return Promise.reject(new NotFoundError(`connect ${at.path}: No such file or directory`));
    }
    return Promise.reject(new ConnectionRefusedError(`connect ${endpointKey(at)}: Connection refused`));
  }
}

function endpointKey(at: Endpoint): string {
  return at.transport === "unix" ? `unix:${at.path}` : `tcp:${at.hostname}:${at.port}`;
}
