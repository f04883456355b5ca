/**
 * An `[eventlistener:x]` pool's event handling (SURFACE §10.3): it
 * subscribes to its `events=` types when made, buffers what it receives in a
 * FIFO of `buffer_size` events (dropping the oldest on overflow), numbers
 * events (global serial on first buffering, one pool serial per pool), and
 * on each main-loop pass sends buffered events to its RUNNING listeners that
 * are READY, oldest event first, first ready listener in pool order.
 * Rejected events come back at the head of the buffer with their serials.
 * Whenever it buffers an event it asks for a pass (`wake`), so an event
 * raised anywhere (also during a pass, after the dispatch step) is sent as
 * soon as a listener is READY, never left for the next event to carry out.
 *
 * The listener processes are seen through {@linkcode PoolListener}, so the
 * engine plugs its Subprocesses in; the pool never touches a process's
 * state other than through its {@linkcode ListenerProtocol}.
 *
 * Where this differs from supervisord 4.2.5, on purpose: a rejected event is
 * re-buffered only by the pool that owns the listener (Python re-buffers it
 * in every pool holding a process of the same priority, SURFACE
 * EVT.reject.crosspool, decision N).
 *
 * Python counterpart: supervisor/process.py (`EventListenerPool`,
 * `GlobalSerial`, `new_serial`).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import { ListenerState } from "../states.ts";
import {
  type EventBus,
  type EventCallback,
  eventEnvelope,
  type EventTypeName,
  MAX_SERIAL,
  nextSerial,
  type SupervisorEvent,
} from "./events.ts";
import type { ListenerProtocol } from "./listener_protocol.ts";

/** One listener process as the pool needs it. */
export interface PoolListener {
  /** The process's name (`config.name`), as log lines show it. */
  readonly name: string;
  /** True when the process is in the RUNNING state. */
  isRunning(): boolean;
  /** The process's protocol state (reset by the engine at each spawn). */
  readonly protocol: ListenerProtocol;
  /**
   * Queues `data` on the process's stdin. Returns false instead when Python
   * would raise EPIPE: no pid, being stopped (`killing`), no stdin, or stdin
   * known to be closed. A write that fails later is the engine's to handle
   * (Python drops the stdin buffer and closes the channel; the listener
   * stays BUSY until it exits, which rejects its event).
   */
  write(data: Uint8Array): boolean;
}

/** The pool's settings from its `[eventlistener:x]` section. */
export interface PoolConfig {
  /** The pool (group) name. */
  name: string;
  /** `buffer_size` (≥ 1). */
  buffer_size: number;
  /** `events=`: one subscription each, in this order. */
  events: readonly EventTypeName[];
}

/** What the pool uses from the daemon. */
export interface PoolDeps {
  /** The daemon's event bus (subscriptions and the global serial). */
  bus: EventBus;
  /** The main log. */
  logger: Pick<Logger, "debug" | "error">;
  /** `[supervisord] identifier`, sent as `server:` in envelopes. */
  identifier: string;
  /** Where pool serials wrap; default {@linkcode MAX_SERIAL}. */
  maxSerial?: number;
  /**
   * Asks the engine for a pass soon (which calls {@linkcode EventListenerPool.dispatchIfReady});
   * called each time an event is buffered from outside the pool's own dispatch.
   */
  wake?: () => void;
}

const encoder = new TextEncoder();

/** One event listener pool's buffer and dispatcher. */
export class EventListenerPool {
  readonly #config: PoolConfig;
  readonly #deps: PoolDeps;
  readonly #listeners: () => Iterable<PoolListener>;
  readonly #buffer: SupervisorEvent[] = [];
  readonly #callback: EventCallback = (event) => {
    this.accept(event);
    this.#deps.wake?.();
  };
  #serial = -1;
  #subscribed = false;

  /**
   * Makes the pool and subscribes it to its event types now, so it sees the
   * events raised from here on (EVT.delivery.scope).
   *
   * @param config name, buffer_size and events of the section.
   * @param deps The bus, the main log and the identifier.
   * @param listeners The pool's processes in config order; read at each dispatch.
   */
  constructor(config: PoolConfig, deps: PoolDeps, listeners: () => Iterable<PoolListener>) {
    this.#config = config;
    this.#deps = deps;
    this.#listeners = listeners;
    for (const type of config.events) deps.bus.subscribe(type, this.#callback);
    this.#subscribed = true;
  }

  /** The pool's name. */
  get name(): string {
    return this.#config.name;
  }

  /** The buffered events, oldest first (a copy). */
  get buffered(): SupervisorEvent[] {
    return [...this.#buffer];
  }

  /** Unsubscribes (Python `before_remove`, when the group is removed). Idempotent. */
  close(): void {
    if (!this.#subscribed) return;
    for (const type of this.#config.events) this.#deps.bus.unsubscribe(type, this.#callback);
    this.#subscribed = false;
  }

  /**
   * Buffers `event` (Python `_acceptEvent`): gives it a global serial if it
   * has none and a pool serial if this pool has not numbered it yet (else
   * logs DEBG `rebuffering event ...`); when the buffer is full, drops the
   * oldest event with ERRO `pool <name> event buffer overflowed, discarding
   * event <serial>`; then appends it, or puts it at the head.
   */
  accept(event: SupervisorEvent, head = false): void {
    const { name, buffer_size } = this.#config;
    if (event.serial === null) event.serial = this.#deps.bus.nextSerial();
    if (!event.poolSerials.has(name)) {
      this.#serial = nextSerial(this.#serial, this.#deps.maxSerial ?? MAX_SERIAL);
      event.poolSerials.set(name, this.#serial);
    } else {
      this.#deps.logger.debug(
        `rebuffering event ${event.serial} for pool ${name} (buf size=${this.#buffer.length}, max=${buffer_size})`,
      );
    }
    if (this.#buffer.length >= buffer_size) {
      const discarded = this.#buffer.shift();
      if (discarded !== undefined) {
        this.#deps.logger.error(`pool ${name} event buffer overflowed, discarding event ${discarded.serial}`);
      }
    }
    if (head) this.#buffer.unshift(event);
    else this.#buffer.push(event);
  }

  /**
   * A listener of this pool rejected, failed or abandoned `event`: buffer it
   * again at the head, and ask for a pass (another listener may be READY).
   */
  rejected(event: SupervisorEvent): void {
    this.accept(event, true);
    this.#deps.wake?.();
  }

  /**
   * The dispatch half of Python's `EventListenerPool.transition` (the
   * engine transitions the listener processes first): dispatches when at
   * least one listener is RUNNING and READY.
   */
  dispatchIfReady(): void {
    for (const l of this.#listeners()) {
      if (l.isRunning() && l.protocol.state === ListenerState.READY) {
        this.dispatch();
        return;
      }
    }
  }

  /**
   * Sends buffered events, oldest first, until no listener takes one (that
   * event goes back to the head without asking for another pass).
   */
  dispatch(): void {
    while (this.#buffer.length > 0) {
      const event = this.#buffer.shift()!;
      if (!this.#send(event)) {
        this.accept(event, true);
        break;
      }
    }
  }

  /** Writes `event` to the first RUNNING+READY listener that takes it; false when none did. */
  #send(event: SupervisorEvent): boolean {
    const { name } = this.#config;
    const poolSerial = event.poolSerials.get(name) ?? 0;
    for (const listener of this.#listeners()) {
      if (!listener.isRunning() || listener.protocol.state !== ListenerState.READY) continue;
      const envelope = eventEnvelope(event, { identifier: this.#deps.identifier, pool: name, poolSerial });
      if (!listener.write(encoder.encode(envelope))) {
        this.#deps.logger.debug(
          `epipe occurred while sending event ${event.serial} to listener ${listener.name}, listener state unchanged`,
        );
        continue;
      }
      listener.protocol.sent(event);
      this.#deps.logger.debug(`event ${event.serial} sent to listener ${listener.name}`);
      return true;
    }
    return false;
  }
}
