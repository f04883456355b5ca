/**
 * Making the `[rpcinterface:x]` namespaces: each section's factory is called
 * with the section's other keys as options, and the methods it gives are
 * registered under the section's name. supervisor's own factory gives the
 * `supervisor.*` methods (under whatever name the section has, as in
 * Python) and takes no options; a module factory (`PATH.ts:EXPORT`) is a
 * plugin (plugins.ts). A factory that cannot be made is an
 * {@linkcode RpcInterfaceError}; supervisord stops with its message.
 *
 * Python counterpart: supervisor/http.py (the factory loop of
 * `make_http_servers`) and supervisor/rpcinterface.py
 * (`make_main_rpcinterface`).
 * @module
 */

import type { RpcInterfaceConfig } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import type { Runtime } from "../runtime/types.ts";
import type { RpcDispatcher } from "./dispatcher.ts";
import type { MethodDef } from "./methods.ts";
import { loadPlugin, PluginLoadError } from "./plugins.ts";

/**
 * A namespace whose factory failed. `message` is what supervisord prints
 * after `Error: ` (`Could not make NAME rpc interface`, with `: reason` for
 * a plugin); `logText` is the WARN line for the main log (Python logs the
 * traceback there).
 */
export class RpcInterfaceError extends Error {
  /**
   * @param namespace The section name after `rpcinterface:`.
   * @param reason Why, appended to the message; null for Python's own text.
   * @param logText What to log at WARN.
   */
  constructor(readonly namespace: string, readonly reason: string | null, readonly logText: string) {
    super(`Could not make ${namespace} rpc interface${reason === null ? "" : `: ${reason}`}`);
    this.name = "RpcInterfaceError";
  }
}

/**
 * The methods of a section naming supervisor's own factory: `supervisor.*`
 * renamed into the section's namespace. Python's `make_main_rpcinterface`
 * takes no keyword arguments, so any extra key fails as it does there.
 *
 * @param config The section.
 * @param methods The bound `supervisor.*` definitions.
 * @throws {RpcInterfaceError} When the section has extra keys.
 */
export function mainInterfaceMethods(config: RpcInterfaceConfig, methods: readonly MethodDef[]): MethodDef[] {
  const extra = Object.keys(config.extras)[0];
  if (extra !== undefined) {
    throw new RpcInterfaceError(
      config.name,
      null,
      `TypeError: make_main_rpcinterface() got an unexpected keyword argument '${extra}'`,
    );
  }
  return methods.map((m) => ({ ...m, name: `${config.name}.${m.name.slice(m.name.indexOf(".") + 1)}` }));
}

/** What {@linkcode makeRpcInterfaces} needs. */
export interface RpcInterfaceDeps<C> {
  readonly runtime: Pick<Runtime, "importModule">;
  readonly logger: Pick<Logger, "error">;
  /** The bound `supervisor.*` definitions, for sections naming supervisor's own factory. */
  readonly supervisorMethods: () => readonly MethodDef[];
  /** A fresh plugin context for a namespace, and the function that ends it. */
  readonly contextFor: (namespace: string) => { context: C; dispose(): void };
}

/**
 * Makes every section's namespace, in config order, and registers its
 * methods with `dispatcher`. Resolves to the function that ends the plugin
 * contexts (the daemon calls it when it stops or reloads).
 *
 * @throws {RpcInterfaceError} For the first section that cannot be made
 *   (contexts made so far are ended first).
 */
export async function makeRpcInterfaces<C>(
  configs: readonly RpcInterfaceConfig[],
  dispatcher: RpcDispatcher,
  deps: RpcInterfaceDeps<C>,
): Promise<() => void> {
  const disposers: Array<() => void> = [];
  const close = () => {
    for (const dispose of disposers.splice(0)) dispose();
  };
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  try {
    for (const config of configs) {
      if (config.module === null) {
        dispatcher.registerAll(mainInterfaceMethods(config, deps.supervisorMethods()));
        continue;
      }
      const { context, dispose } = deps.contextFor(config.name);
      disposers.push(dispose);
      try {
        const defs = await loadPlugin(config, { runtime: deps.runtime, logger: deps.logger, context, modules });
        dispatcher.registerAll(defs);
      } catch (e) {
        if (e instanceof PluginLoadError) throw new RpcInterfaceError(config.name, e.message, e.logText);
        if (e instanceof TypeError) throw new RpcInterfaceError(config.name, e.message, e.stack ?? e.message);
        throw e;
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  return close;
}
