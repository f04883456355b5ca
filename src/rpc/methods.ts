/**
 * What an XML-RPC method is, as data: its name, signature, help text and
 * handler, and the view of a method table that `system.*` introspection
 * and `system.multicall` work on.
 *
 * Python counterpart: supervisor/xmlrpc.py (the method objects
 * `SystemNamespaceRPCInterface` inspects; here the metadata is explicit
 * rather than read from docstrings).
 * @module
 */

import type { XmlRpcValue } from "./xmlrpc_value.ts";

/** A method implementation: gets the decoded parameters, returns the result (or a promise of it). */
export type RpcHandler = (params: readonly XmlRpcValue[]) => unknown | Promise<unknown>;

/** What `system.*` introspection reports about a method. */
export interface MethodSpec {
  /** Full name, `namespace.method` (`supervisor.getPID`). */
  readonly name: string;
  /** `[returnType, ...paramTypes]`, as `system.methodSignature` returns it. */
  readonly signature: readonly string[];
  /** How many trailing parameters may be left out (Python defaults, e.g. `wait=True`). Default 0. */
  readonly optional?: number;
  /** The `system.methodHelp` text. */
  readonly help: string;
}

/** A method to register: its spec and its handler. */
export interface MethodDef extends MethodSpec {
  /** Answers calls. */
  readonly handler: RpcHandler;
}

/** A table of registered methods, as `system.*` sees it (the dispatcher is one). */
export interface MethodTable {
  /** All method names, sorted. */
  names(): string[];
  /** The spec of a registered method, or undefined. */
  spec(name: string): MethodSpec | undefined;
  /** Calls a method by name, with the dispatcher's rules (UNKNOWN_METHOD, INCORRECT_PARAMETERS). */
  call(name: string, params: readonly XmlRpcValue[]): Promise<unknown>;
}
