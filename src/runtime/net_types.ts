/**
 * The runtime seam's network types: endpoints, bound sockets, the HTTP
 * listener and handlers (with the raw fast path). `types.ts` re-exports
 * everything here; import from there.
 *
 * Python counterpart: supervisor/http.py and supervisor/medusa (the HTTP
 * server's sockets and handlers) and supervisor/datatypes.py (socket configs).
 * @module
 */

/** Where an HTTP server listens or a client connects. */
export type Endpoint =
  | { transport: "tcp"; hostname: string; port: number }
  | { transport: "unix"; path: string };

/**
 * A stream socket bound by {@linkcode Runtime.bindSocket}: blocking, closed
 * on exec (only a child given it as `SpawnOptions.stdinSocket` gets it).
 */
export interface BoundSocket {
  /** The descriptor in this process. */
  readonly fd: number;
  /** listen(2) with `backlog`. Throws a RuntimeError carrying the errno. */
  listen(backlog: number): void;
  /** Closes the descriptor; a unix socket's file stays. Later calls do nothing. */
  close(): void;
}

/** A listening HTTP server. */
export interface Listener {
  /** The bound endpoint; for TCP port 0 it carries the port actually bound. */
  readonly endpoint: Endpoint;
  /**
   * Stops listening and ends open connections, including streamed responses
   * (their body streams are cancelled). Both runtimes unlink the unix socket
   * path they bound.
   */
  close(): Promise<void>;
}

/**
 * An HTTP handler. Only the path and query of `req.url` are meaningful (for
 * unix sockets the host part is runtime-specific); the Host header is in
 * `req.headers`.
 */
export type Handler = ((req: Request) => Promise<Response>) & {
  /**
   * An optional fast path: the runtime's HTTP server first offers it each
   * request whose body has fully arrived, before making any fetch object;
   * `null` passes the request on to the handler as a `Request`. Whatever it
   * answers must be what the handler would answer.
   */
  readonly raw?: RawHandler;
};

/** A request as the runtime's HTTP server read it, before any fetch object is made. */
export interface RawRequest {
  /** The request method as sent (`POST`). */
  readonly method: string;
  /** The request target as sent (origin form: path and query). */
  readonly target: string;
  /** The first value of a header (name case-insensitive); null when absent. */
  header(name: string): string | null;
  /** The whole body (Content-Length bytes; empty without one). */
  readonly body: Uint8Array;
}

/** A complete answer to a {@linkcode RawRequest}. */
export interface RawResponse {
  /** The HTTP status. */
  readonly status: number;
  /** Header names and values, in the order they are sent (`Date` is added after `Server`). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The whole body. */
  readonly body: Uint8Array;
  /** Called once the body has been written or copied (the body's memory may then be reused). */
  readonly release?: () => void;
}

/** See {@linkcode Handler.raw}. */
export type RawHandler = (req: RawRequest) => Promise<RawResponse | null> | RawResponse | null;
