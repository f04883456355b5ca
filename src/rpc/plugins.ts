/**
 * TypeScript and JavaScript rpcinterface plugins (EXTENSIONS §11): the
 * module named by `supervisor.rpcinterface_factory = PATH.ts:EXPORT` is
 * imported through the runtime (so the compiled binary loads it too), the
 * export is called with a plugin context and the section's other keys, and
 * the methods it returns are checked and registered under the section's
 * name. A handler that throws never reaches the daemon: an `RpcError`
 * becomes its fault, anything else fault -32500 (application error) with
 * the message, and so does a result XML-RPC cannot carry.
 *
 * Python counterpart: supervisor/options.py (`Options.get_plugins`,
 * `import_spec`) and the factory call in supervisor/http.py
 * (`make_http_servers`); Python plugins are classes whose public methods
 * become the namespace, here a plain table of methods.
 * @module
 */

import type { RpcInterfaceConfig } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import { RuntimeError } from "../runtime/errors.ts";
import type { Runtime } from "../runtime/types.ts";
import type { MethodDef } from "./methods.ts";
import { RpcError } from "./faults.ts";
import { encodeValue } from "./xmlrpc_codec.ts";
import type { XmlRpcValue } from "./xmlrpc_value.ts";

/** The fault code of an error a plugin method did not mean to raise (XML-RPC "application error"). */
export const APPLICATION_ERROR: number = -32500;

/**
 * One method of a plugin namespace: what `system.methodSignature` and
 * `system.methodHelp` report, and the code that answers calls.
 *
 * @example A method taking one string and returning a struct
 * ```ts
 * import type { PluginMethod } from "supervisor-ts";
 * const hello: PluginMethod = {
 *   signature: ["struct", "string"],
 *   help: "Greet someone.\n\n@param string name  who\n@return struct result",
 *   handler: ([name]) => ({ greeting: `hello ${String(name)}` }),
 * };
 * ```
 */
export interface PluginMethod {
  /**
   * `[returnType, ...paramTypes]`, XML-RPC type names (`string`, `int`,
   * `boolean`, `double`, `array`, `struct`, `base64`, `dateTime.iso8601`).
   * Calls with another number of parameters get fault INCORRECT_PARAMETERS.
   */
  readonly signature: readonly string[];
  /** The `system.methodHelp` text. */
  readonly help: string;
  /** How many trailing parameters a call may leave out (default 0). */
  readonly optional?: number;
  /**
   * Answers a call. Gets the decoded parameters; returns (or resolves to)
   * an XML-RPC value: string, number (a non-integer is a double), boolean,
   * array, plain object (struct), `Date`, `Uint8Array` (base64). Throw
   * `context.RpcError` for a fault.
   */
  readonly handler: (params: readonly XmlRpcValue[]) => unknown;
}

/** A plugin namespace: method name (without the namespace) to method. */
export type PluginMethods = Readonly<Record<string, PluginMethod>>;

/**
 * The export a `PATH.ts:EXPORT` factory spec names. It gets the plugin
 * context and the section's other keys (as strings, after `%(...)s`
 * expansion), and returns the namespace's methods. Throwing stops
 * supervisord with `Could not make NAME rpc interface: <message>`.
 *
 * @typeParam C The context type (the daemon passes a `PluginContext`).
 */
export type PluginFactory<C = unknown> = (
  context: C,
  options: Readonly<Record<string, string>>,
) => PluginMethods | Promise<PluginMethods>;

/** A plugin that cannot be loaded: `message` is the reason, `logText` adds the stack when there is one. */
export class PluginLoadError extends Error {
  constructor(message: string, readonly logText: string) {
    super(message);
    this.name = "PluginLoadError";
  }
}

/** What loading a plugin needs. */
export interface PluginLoadDeps<C> {
  readonly runtime: Pick<Runtime, "importModule">;
  /** Where a failing method's stack goes. */
  readonly logger: Pick<Logger, "error">;
  /** The context handed to this namespace's factory. */
  readonly context: C;
  /** Imports of this run, by path: each module is evaluated once per run, afresh. */
  readonly modules: Map<string, Promise<Record<string, unknown>>>;
}

/**
 * Imports a plugin section's module, calls its factory and returns the
 * namespace's method definitions.
 *
 * @param config The `[rpcinterface:NAME]` section (its `module` set).
 * @param deps The runtime, logger, context and per-run module cache.
 * @throws {PluginLoadError} When the module, its export, the factory or a method is unusable.
 */
export async function loadPlugin<C>(config: RpcInterfaceConfig, deps: PluginLoadDeps<C>): Promise<MethodDef[]> {
  const { path, exportName } = config.module ?? { path: "", exportName: "" };
  const fail = (reason: string, e?: unknown): never => {
    throw new PluginLoadError(reason, e instanceof Error && e.stack ? e.stack : reason);
  };
  let namespace: Record<string, unknown> = {};
  try {
    let imported = deps.modules.get(path);
    if (imported === undefined) deps.modules.set(path, imported = deps.runtime.importModule(path, { fresh: true }));
    namespace = await imported;
  } catch (e) {
    // A missing file or a parse error is said in full by its message; what the module threw keeps its stack.
    const own = e instanceof RuntimeError || e instanceof SyntaxError;
    fail(e instanceof Error ? e.message : String(e), own ? undefined : e);
  }
  const factory = namespace[exportName];
  if (!(exportName in namespace)) fail(`${path} has no export '${exportName}'`);
  if (typeof factory !== "function") fail(`export '${exportName}' of ${path} is not a function`);
  let methods: unknown;
  try {
    methods = await (factory as PluginFactory<C>)(deps.context, { ...config.extras });
  } catch (e) {
    fail(errorText(e), e);
  }
  if (typeof methods !== "object" || methods === null || Array.isArray(methods)) {
    fail(`${exportName}() returned ${methods === null ? "null" : typeof methods}, not an object of methods`);
  }
  const defs: MethodDef[] = [];
  for (const [name, m] of Object.entries(methods as Record<string, unknown>)) {
    const problem = methodProblem(name, m);
    if (problem !== null) fail(`method '${name}': ${problem}`);
    defs.push(methodDef(`${config.name}.${name}`, m as PluginMethod, deps.logger));
  }
  return defs;
}

/** Why `m` is not a usable method named `name`; null when it is. */
function methodProblem(name: string, m: unknown): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return "name must be letters, digits and _, starting with a letter";
  if (typeof m !== "object" || m === null) return "must be an object with signature, help and handler";
  const { signature, help, handler, optional } = m as Partial<Record<keyof PluginMethod, unknown>>;
  if (!Array.isArray(signature) || signature.length < 1 || !signature.every((t) => typeof t === "string")) {
    return "signature must be an array of type names, the return type first";
  }
  if (typeof help !== "string") return "help must be a string";
  if (typeof handler !== "function") return "handler must be a function";
  const optionalOk = optional === undefined ||
    (typeof optional === "number" && Number.isInteger(optional) && optional >= 0 && optional < signature.length);
  if (!optionalOk) {
    return "optional must be a whole number no larger than the number of parameters";
  }
  return null;
}

/** The dispatcher's definition of `method`, its handler wrapped so that every failure is a fault. */
function methodDef(full: string, method: PluginMethod, logger: Pick<Logger, "error">): MethodDef {
  return {
    name: full,
    signature: [...method.signature],
    ...(method.optional === undefined ? {} : { optional: method.optional }),
    help: method.help,
    handler: async (params) => {
      let result: unknown;
      try {
        result = await method.handler(params);
      } catch (e) {
        const fault = asFault(e);
        if (fault !== null) throw fault;
        logger.error(`${full}() failed: ${e instanceof Error && e.stack ? e.stack : errorText(e)}`);
        throw faultWithText(APPLICATION_ERROR, errorText(e));
      }
      try {
        encodeValue(result as XmlRpcValue); // a result the wire cannot carry is the plugin's fault, not a 500
      } catch (e) {
        const text = `${full}() returned a value XML-RPC cannot carry: ${errorText(e)}`;
        logger.error(text);
        throw faultWithText(APPLICATION_ERROR, text);
      }
      return result;
    },
  };
}

/**
 * An `RpcError`, also one made by another copy of this library (a plugin
 * that imports it from its own path): recognised by name and code.
 */
function asFault(e: unknown): RpcError | null {
  if (e instanceof RpcError) return e;
  if (!(e instanceof Error) || e.name !== "RpcError") return null;
  const code = (e as Error & { code?: unknown }).code;
  return Number.isInteger(code) ? faultWithText(code as number, e.message) : null;
}

function faultWithText(code: number, text: string): RpcError {
  const fault = new RpcError(code);
  fault.message = text;
  return fault;
}

/** An error's message, after its class name unless that is plain `Error` (or the class is the codec's). */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const plain = e.name === "Error" || e.name === "XmlRpcEncodeError" || e.message.startsWith(`${e.name}:`);
  return plain ? e.message : `${e.name}: ${e.message}`;
}
