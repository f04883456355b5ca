/**
 * The daemon's RPC and HTTP side: the `supervisor.*` and `system.*` methods
 * over the engine, one HTTP handler per server section (its own
 * credentials), and the listeners.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`) and
 * supervisor/rpcinterface.py (`make_main_rpcinterface`).
 * @module
 */

import type { SupervisorConfig } from "./config/schema.ts";
import { ConfigError } from "./config/errors.ts";
import type { ServerOptions } from "./config/server_options.ts";
import { createHttpHandler } from "./http/server.ts";
import { openHttpServers } from "./http/servers.ts";
import type { MainLogger } from "./logging/types.ts";
import type { Supervisor } from "./process/supervisor.ts";
import { remoteCommunicationEvent } from "./events/events.ts";
import type { ApiContext } from "./rpc/api_context.ts";
import { RpcDispatcher } from "./rpc/dispatcher.ts";
import { bindSupervisorMethods } from "./rpc/supervisor_methods.ts";
import { SupervisorApi } from "./rpc/supervisor_api.ts";
import { logHandlers } from "./rpc/log_api.ts";
import { configHandlers } from "./rpc/config_api.ts";
import { makeRpcInterfaces, RpcInterfaceError } from "./rpc/rpc_interfaces.ts";
import { createPluginContext } from "./rpc/plugin_context.ts";
import { createLogTails } from "./http/log_tails.ts";
import { uiRoutes } from "./http/ui.ts";
import { apiRoute } from "./api/routes.ts";
import { ExitCounter } from "./api/exit_counter.ts";
import { metricsRoute } from "./metrics/metrics_route.ts";
import type { Listener, Runtime } from "./runtime/types.ts";
import type { XmlRpcValue } from "./rpc/xmlrpc_value.ts";

/** What the daemon hands over. */
export interface DaemonHttpInput {
  rt: Runtime;
  logger: MainLogger;
  options: ServerOptions;
  config: SupervisorConfig;
  supervisor: Supervisor;
  reread: () => SupervisorConfig;
}

/** The open servers, and how to close them and end the plugins. */
export interface DaemonHttp {
  readonly listeners: readonly Listener[];
  /** Calls a registered method in-process (the namespaces exist once a server is open). */
  call(method: string, params: readonly XmlRpcValue[]): Promise<unknown>;
  /** Closes every server, then ends the plugin contexts. */
  close(): Promise<void>;
}

/**
 * Builds the RPC context and dispatcher and opens every configured server;
 * the `[rpcinterface:x]` namespaces are made once the first server is bound
 * (Python makes them per server, after binding it).
 */
export async function openDaemonHttp(input: DaemonHttpInput): Promise<DaemonHttp> {
  const { rt, logger, options, config, supervisor } = input;
  let groupConfigs = config.groups;
  const ctx: ApiContext = {
    supervisor,
    logger,
    runtime: rt,
    identifier: () => options.identifier,
    groupConfigs: () => groupConfigs,
    reread: () => {
      groupConfigs = input.reread().groups;
    },
    remoteCommEvent: (type, data) => supervisor.notify(remoteCommunicationEvent(type, data)),
  };
  const dispatcher = new RpcDispatcher({ logger });
  let endPlugins = () => {};
  let made: Promise<readonly string[]> | null = null;
  const makeInterfaces = () =>
    made ??= makeRpcInterfaces(config.rpcinterfaces, dispatcher, {
      runtime: rt,
      logger,
      supervisorMethods: () =>
        bindSupervisorMethods({ ...new SupervisorApi(ctx).handlers(), ...logHandlers(ctx), ...configHandlers(ctx) }),
      contextFor: (namespace) => createPluginContext({ namespace, supervisor, logger, runtime: rt }),
    }).then((end) => {
      endPlugins = end;
      return config.rpcinterfaces.map((r) => r.name);
    }, (e) => {
      if (!(e instanceof RpcInterfaceError)) throw e;
      logger.warn(e.logText);
      throw new ConfigError(e.message, config.configfile);
    });
  // Requests wait until every namespace is registered (Python serves nothing before that either).
  const rpc = { handle: async (body: Uint8Array) => (await made, dispatcher.handle(body)) };
  const logs = createLogTails(ctx);
  const ui = uiRoutes(ctx);
  // Exit and restart counters only when some server serves the API or /metrics.
  const counter = config.servers.some((s) => s.api || s.metrics) ? new ExitCounter(supervisor) : null;
  const api = apiRoute({
    supervisor,
    logger,
    runtime: rt,
    reread: input.reread,
    ...(counter === null ? {} : { counter }),
  });
  const listeners = await openHttpServers(rt, logger, config.servers, {
    configfile: config.configfile,
    rpcInterfaces: makeInterfaces,
    handlerFor: (server) =>
      createHttpHandler({
        rpc,
        logs,
        ui,
        routes: [
          ...(server.api ? [api] : []),
          ...(server.metrics && counter !== null ? [metricsRoute({ supervisor, runtime: rt, counter }, server)] : []),
        ],
        credentials: server.username === null ? null : { username: server.username, password: server.password ?? "" },
        stderr: (line) => rt.stderr.write(line),
      }),
  });
  return {
    listeners,
    call: (method, params) => dispatcher.call(method, params),
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      counter?.close();
      endPlugins();
    },
  };
}
