/**
 * Something each process of a group holds from its spawn until it is
 * finished (an fcgi-program's shared socket, fcgi_sockets.ts), and the
 * bookkeeping of one process's hold on it.
 *
 * Python counterpart: supervisor/process.py (`FastCGISubprocess.before_spawn`,
 * `after_finish`, `_prepare_child_fds` taking the socket manager's socket).
 * @module
 */

import type { SpawnOptions } from "../runtime/types.ts";

/** A resource shared by the processes of a group. */
export interface SpawnResource {
  /**
   * Takes a reference at the start of a spawn and returns what to add to the
   * spawn options. When the resource cannot be had it holds nothing and
   * throws {@linkcode SpawnResourceError}: the spawn fails like any other
   * spawn error (spawnerr, BACKOFF).
   */
  acquire(): Partial<SpawnOptions>;
  /** Gives the reference back: the spawn failed, or the child was finished. */
  release(): void;
}

/** A spawn resource could not be had; `message` is the spawnerr text. */
export class SpawnResourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SpawnResourceError";
  }
}

/** One process's hold on its resource: taken at each spawn, given back once. */
export class ResourceHold {
  #resource: SpawnResource | null = null;
  #holding = false;

  /** Makes later spawns take `resource`. */
  attach(resource: SpawnResource): void {
    this.#resource = resource;
  }

  /**
   * Takes a reference (none without a resource); returns what to add to the
   * spawn options. Throws {@linkcode SpawnResourceError}, holding nothing,
   * when the resource cannot be had.
   */
  acquire(): Partial<SpawnOptions> {
    if (this.#resource === null) return {};
    const extra = this.#resource.acquire();
    this.#holding = true;
    return extra;
  }

  /** Gives the reference back, if one is held. */
  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#resource?.release();
  }
}
