/**
 * supervisor-ts as a library: load and validate a `supervisord.conf` exactly
 * as supervisord 4.2.5 does, and run the supervisord command line against a
 * host of your choosing.
 *
 * @example Load a config from in-memory files
 * ```ts
 * import { loadConfig } from "./mod.ts";
 * const config = loadConfig("/etc/supervisord.conf", host);
 * for (const group of config.groups) console.log(group.name, group.processes.length);
 * ```
 * @module
 */

export { loadConfig } from "./src/config/load.ts";
export type { ConfigHost } from "./src/config/load.ts";
export { ConfigError } from "./src/config/errors.ts";
export type {
  ProcessConfig,
  ProcessGroupConfig,
  RpcInterfaceConfig,
  ServerConfig,
  SupervisorConfig,
  SupervisordSection,
} from "./src/config/schema.ts";
export { serverOptions } from "./src/config/server_options.ts";
export type { ServerOptions } from "./src/config/server_options.ts";
export { runCli } from "./src/cli.ts";
export type { CliHost } from "./src/cli.ts";
export { SAMPLE_SUPERVISORD_CONF } from "./src/cli/sample_conf.ts";
