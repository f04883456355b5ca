/**
 * The XML-RPC method registry and request dispatcher: request body in,
 * response XML (or the HTTP error supervisord gives) out.
 *
 * Methods come from an explicit table: name, signature, help text, handler
 * (no docstring scraping). `system.*` (system_api.ts) is always registered;
 * the engine registers `supervisor.*` from supervisor_methods.ts.
 *
 * What supervisord does, and this reproduces (checked against 4.2.5):
 * - a body that is not a well-formed method call → HTTP 400 and an ERRO
 *   line `XML-RPC request data '…' is invalid: unmarshallable`; an empty
 *   `<methodName/>` → 400, `… is invalid: no method name` (XMLRPC.request).
 *   supervisord drops the connection without any reply when the body is not
 *   UTF-8; this answers 400 instead;
 * - a name that is not exactly `namespace.method`, a method starting with
 *   `_`, or an unknown method → fault UNKNOWN_METHOD (XMLRPC.dispatch);
 * - a wrong number of parameters → fault INCORRECT_PARAMETERS (Python
 *   turns the call's TypeError into it; here the signature gives the range);
 * - a handler throwing {@linkcode RpcError} → that fault (HTTP 200);
 *   anything else thrown, or a result that cannot be marshalled (e.g. null)
 *   → HTTP 500 and a CRIT line (XMLRPC.500).
 * Type checks of parameters are the handlers' business: Python's answer
 * differs per method. Observed on 4.2.5: `getProcessInfo(5)` and
 * `readLog('a', 5)` → HTTP 500; `sendProcessStdin('x', 5)` →
 * `INCORRECT_PARAMETERS: 5`; `system.methodHelp(5)` → SIGNATURE_UNSUPPORTED.
 * A handler reproduces a fault by throwing RpcError, a 500 by throwing
 * anything else.
 *
 * Python counterpart: supervisor/xmlrpc.py (`supervisor_xmlrpc_handler`,
 * `traverse`, `xmlrpc_marshal`).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import { pyRepr } from "../config/pyrepr.ts";
import { Faults, RpcError } from "./faults.ts";
import { decodeMethodCall, lendFault, lendMethodResponse, type LentBytes, XmlRpcParseError } from "./xmlrpc_codec.ts";
import type { XmlRpcValue } from "./xmlrpc_value.ts";
import type { MethodDef, MethodSpec, MethodTable } from "./methods.ts";
import { systemMethods } from "./system_api.ts";
import { PyException, tracebackText } from "../process/py_exception.ts";

export type { MethodDef, MethodSpec, MethodTable, RpcHandler } from "./methods.ts";

/** The main-log lines the dispatcher writes. */
export type RpcLogger = Pick<Logger, "error" | "critical" | "trace"> & Partial<Pick<Logger, "enabled">>;

/**
 * The outcome of one request: the XML (UTF-8) to send with status 200, or an
 * HTTP error status. A 200 body is lent from the encoder's pool: `release()`
 * gives it back once it has been sent or copied (a body never released is
 * simply not reused).
 */
export type RpcReply =
  | { status: 200; body: Uint8Array<ArrayBuffer>; release(): void }
  | { status: 400 | 500; body: null };

const lossyUtf8 = new TextDecoder();

/** A method registry with supervisord's dispatch rules. */
export class RpcDispatcher implements MethodTable {
  readonly #methods = new Map<string, MethodDef>();
  readonly #logger: RpcLogger | undefined;

  /**
   * Creates the object.
   *
   * @param opts `logger`: where ERRO/CRIT/TRAC lines go (none by default).
   */
  constructor(opts: { logger?: RpcLogger } = {}) {
    this.#logger = opts.logger;
    this.registerAll(systemMethods(this));
  }

  /**
   * Adds a method.
   *
   * @throws {TypeError} When the name is not `namespace.method` with a method
   *   not starting with `_` (it could never be called), is already
   *   registered, or the signature/optional count is inconsistent.
   */
  register(def: MethodDef): void {
    const parts = def.name.split(".");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "" || parts[1]?.startsWith("_")) {
      throw new TypeError(`Cannot register method "${def.name}": name must be "namespace.method"`);
    }
    if (this.#methods.has(def.name)) throw new TypeError(`Cannot register method "${def.name}": already registered`);
    const optional = def.optional ?? 0;
    if (def.signature.length < 1 || optional < 0 || optional > def.signature.length - 1) {
      throw new TypeError(`Cannot register method "${def.name}": inconsistent signature`);
    }
    this.#methods.set(def.name, def);
  }

  /** Adds several methods (see {@linkcode register}). */
  registerAll(defs: Iterable<MethodDef>): void {
    for (const def of defs) this.register(def);
  }

  /** All method names, sorted (`system.listMethods`). */
  names(): string[] {
    return [...this.#methods.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The spec of a registered method, or undefined. */
  spec(name: string): MethodSpec | undefined {
    return this.#methods.get(name);
  }

  /**
   * Calls a method as supervisord's `traverse` does.
   *
   * @throws {RpcError} UNKNOWN_METHOD or INCORRECT_PARAMETERS; otherwise
   *   whatever the handler throws.
   */
  async call(name: string, params: readonly XmlRpcValue[]): Promise<unknown> {
    const parts = name.split(".");
    // Exactly two parts and no leading underscore: supervisord's guard against object traversal (CVE-2017-11610).
    const def = parts.length === 2 && !parts[1]?.startsWith("_") ? this.#methods.get(name) : undefined;
    if (def === undefined) throw new RpcError(Faults.UNKNOWN_METHOD);
    const max = def.signature.length - 1;
    if (params.length > max || params.length < max - (def.optional ?? 0)) {
      throw new RpcError(Faults.INCORRECT_PARAMETERS);
    }
    return await def.handler(params);
  }

  /**
   * Handles one `POST /RPC2` body.
   *
   * @param body The raw request body.
   * @returns The response XML as UTF-8 (status 200, faults included), or status 400/500.
   */
  async handle(body: Uint8Array | string): Promise<RpcReply> {
    let methodName: string;
    let params: XmlRpcValue[];
    try {
      ({ methodName, params } = decodeMethodCall(body, { dialect: "supervisor" }));
    } catch (e) {
      if (!(e instanceof XmlRpcParseError)) throw e;
      this.#logger?.error(`XML-RPC request data ${reprBody(body)} is invalid: unmarshallable`);
      return { status: 400, body: null };
    }
    if (methodName === "") {
      this.#logger?.error(`XML-RPC request data ${reprBody(body)} is invalid: no method name`);
      return { status: 400, body: null };
    }
    try {
      // The TRAC lines are only built when they are written (a loaded server answers thousands of calls a second).
      const trace = this.#logger !== undefined && (this.#logger.enabled?.("trace") ?? true) ? this.#logger : null;
      trace?.trace(`XML-RPC method called: ${methodName}()`);
      let xml: LentBytes;
      try {
        const value = await this.call(methodName, params);
        trace?.trace(`XML-RPC method ${methodName}() returned successfully`);
        xml = lendMethodResponse(value as XmlRpcValue);
      } catch (e) {
        if (!(e instanceof RpcError)) throw e;
        trace?.trace(`XML-RPC method ${methodName}() returned fault: [${e.code}] ${e.message}`);
        xml = lendFault(e.code, e.message);
      }
      return { status: 200, body: xml.bytes, release: xml.release };
    } catch (e) {
      const detail = e instanceof PyException
        ? tracebackText(e)
        : e instanceof Error
        ? (e.stack ?? `${e.name}: ${e.message}`)
        : String(e);
      this.#logger?.critical(
        `Handling XML-RPC request with data ${reprBody(body)} raised an unexpected exception: ${detail}`,
      );
      return { status: 500, body: null };
    }
  }
}

function reprBody(body: Uint8Array | string): string {
  return pyRepr(typeof body === "string" ? body : lossyUtf8.decode(body));
}
