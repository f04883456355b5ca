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
import { MAIN_RPCINTERFACE_FACTORY } from "./config/schema.ts";
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
import { createLogTails } from "./http/log_tails.ts";
import { createUiHandler } from "./http/ui.ts";
import type { Listener, Runtime } from "./runtime/types.ts";

/** What the daemon hands over. */
export interface DaemonHttpInput {
  rt: Runtime;
  logger: MainLogger;
  options: ServerOptions;
  config: SupervisorConfig;
  supervisor: Supervisor;
  reread: () => SupervisorConfig;
}

/** Builds the RPC context and dispatcher and opens every configured server. */
export function openDaemonHttp(input: DaemonHttpInput): Promise<Listener[]> {
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
  const interfaces = config.rpcinterfaces.filter((r) => r.factory === MAIN_RPCINTERFACE_FACTORY);
  if (interfaces.length > 0) {
    const handlers = { ...new SupervisorApi(ctx).handlers(), ...logHandlers(ctx), ...configHandlers(ctx) };
    dispatcher.registerAll(bindSupervisorMethods(handlers));
  }
  const logs = createLogTails(ctx);
  const ui = createUiHandler(ctx);
  return openHttpServers(rt, logger, config.servers, {
    configfile: config.configfile,
    rpcInterfaces: config.rpcinterfaces.map((r) => r.name),
    handlerFor: (server) =>
      createHttpHandler({
        rpc: dispatcher,
        logs,
        fallback: ui,
        credentials: server.username === null ? null : { username: server.username, password: server.password ?? "" },
        stderr: (line) => rt.stderr.write(line),
      }),
  });
}
