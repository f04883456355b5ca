/**
 * The `system.*` introspection methods and `system.multicall`, from an
 * explicit table (signatures and help are data here, not parsed comments).
 *
 * multicall follows supervisord 4.2.5 (SURFACE RPC.system.multicall): calls
 * run strictly in order, each awaited before the next; a result is the bare
 * return value (not wrapped in a one-element array) or a
 * `{faultCode, faultString}` struct. An entry without `methodName` gives
 * `INCORRECT_PARAMETERS: No methodName`, a nested multicall
 * `INCORRECT_PARAMETERS: Recursive system.multicall forbidden`, and any
 * other exception `FAILED: <class 'Name'>:message`, spelled as Python
 * spells it for the case a client can provoke (a methodName that is not a
 * string). An entry that is not a struct fails the whole request with HTTP
 * 500, as in supervisord (it reads the entry outside its error handling).
 * `params` is unpacked as
 * Python's `func(*params)` would: a list as is, a string into its
 * characters, a struct into its member names, anything else
 * INCORRECT_PARAMETERS. One difference: a `calls` argument that is not an
 * array is always INCORRECT_PARAMETERS (supervisord answers HTTP 500 for a
 * string there).
 *
 * Python counterpart: supervisor/xmlrpc.py (`SystemNamespaceRPCInterface`).
 * @module
 */

import { Faults, RpcError } from "./faults.ts";
import { isStruct, pyTypeName, type XmlRpcStruct, type XmlRpcValue } from "./xmlrpc_value.ts";
import type { MethodDef, MethodTable } from "./methods.ts";

/** Signatures and help texts of the `system.*` methods. */
export const SYSTEM_METHODS = [
  {
    name: "system.listMethods",
    signature: ["array"],
    help: "Return the names of all methods this server offers, sorted.\n\n" +
      "@return array result  the method names (strings)",
  },
  {
    name: "system.methodHelp",
    signature: ["string", "string"],
    help: "Return the documentation text of one method.\n\n" +
      "@param string name  the full method name, e.g. supervisor.getState\n" +
      "@return string result  its documentation",
  },
  {
    name: "system.methodSignature",
    signature: ["array", "string"],
    help: "Return the signature of one method as [return type, parameter types...].\n\n" +
      "@param string name  the full method name\n" +
      "@return array result  the type names",
  },
  {
    name: "system.multicall",
    signature: ["array", "array"],
    help: "Run several calls in one request, in order. Each call is a struct\n" +
      "{'methodName': string, 'params': array}. Each result is the call's\n" +
      "return value, or a {'faultCode': int, 'faultString': string} struct\n" +
      "when the call failed.\n\n" +
      "@param array calls  the calls to make\n" +
      "@return array result  one result per call",
  },
] as const;

class PyException extends Error {
  constructor(readonly pyClass: string, message: string) {
    super(message);
  }
}

/** Python's `"%s:%s" % (exc_info[0], exc_info[1])` for an exception caught in multicall. */
function failedText(e: unknown): string {
  if (e instanceof PyException) return `<class '${e.pyClass}'>:${e.message}`;
  if (e instanceof Error) return `<class '${e.name}'>:${e.message}`;
  return `<class 'Exception'>:${String(e)}`;
}

/** The positional arguments `func(*params)` would pass. */
function unpack(params: XmlRpcValue | undefined): readonly XmlRpcValue[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params;
  if (typeof params === "string") return [...params];
  if (params instanceof Map) return [...params.keys()];
  if (isStruct(params)) return Object.keys(params);
  throw new RpcError(Faults.INCORRECT_PARAMETERS); // TypeError: argument after * must be an iterable
}

async function oneCall(d: MethodTable, call: XmlRpcValue): Promise<unknown> {
  // Python reads the entry before its try block: a non-struct entry fails the whole request (HTTP 500).
  if (!isStruct(call)) throw new PyException("AttributeError", `'${pyTypeName(call)}' object has no attribute 'get'`);
  const s: XmlRpcStruct = call;
  try {
    const name = Object.hasOwn(s, "methodName") ? s.methodName : undefined;
    if (name === undefined || name === null) throw new RpcError(Faults.INCORRECT_PARAMETERS, "No methodName");
    if (name === "system.multicall") {
      throw new RpcError(Faults.INCORRECT_PARAMETERS, "Recursive system.multicall forbidden");
    }
    if (typeof name !== "string") {
      throw new PyException("AttributeError", `'${pyTypeName(name)}' object has no attribute 'split'`);
    }
    return await d.call(name, unpack(Object.hasOwn(s, "params") ? s.params : undefined));
  } catch (e) {
    if (e instanceof RpcError) return { faultCode: e.code, faultString: e.message };
    return { faultCode: Faults.FAILED, faultString: `FAILED: ${failedText(e)}` };
  }
}

/**
 * Runs `calls` through `d` as `system.multicall` does.
 *
 * @param d The dispatcher that resolves each call.
 * @param calls The `calls` parameter as received.
 * @returns One bare result or fault struct per call.
 */
export async function multicall(d: MethodTable, calls: XmlRpcValue | undefined): Promise<unknown[]> {
  if (!Array.isArray(calls)) throw new RpcError(Faults.INCORRECT_PARAMETERS);
  const results: unknown[] = [];
  for (const call of calls) results.push(await oneCall(d, call));
  return results;
}

/** The `system.*` method definitions, bound to dispatcher `d`. */
export function systemMethods(d: MethodTable): MethodDef[] {
  const spec = (name: unknown) => (typeof name === "string" ? d.spec(name) : undefined);
  const handlers: Record<(typeof SYSTEM_METHODS)[number]["name"], MethodDef["handler"]> = {
    "system.listMethods": () => d.names(),
    "system.methodHelp": ([name]) => {
      const s = spec(name);
      if (s === undefined) throw new RpcError(Faults.SIGNATURE_UNSUPPORTED);
      return s.help;
    },
    "system.methodSignature": ([name]) => {
      const s = spec(name);
      if (s === undefined) throw new RpcError(Faults.SIGNATURE_UNSUPPORTED);
      return [...s.signature];
    },
    "system.multicall": ([calls]) => multicall(d, calls),
  };
  return SYSTEM_METHODS.map((m) => ({ ...m, handler: handlers[m.name] }));
}
