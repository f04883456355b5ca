/**
 * Starting supervisord once its config is loaded.
 *
 * The supervision engine (process state machines, logging, daemon mode) is
 * not part of this build yet; until it is, a config that loads is reported
 * and the program exits with status 1, so nothing pretends to supervise.
 *
 * Python counterpart: supervisor/supervisord.py (`Supervisor.main`).
 * @module
 */

import type { SupervisorConfig } from "./config/schema.ts";
import type { ServerOptions } from "./config/server_options.ts";
import type { Runtime } from "./runtime/types.ts";

/** Reports the loaded config; resolves to the exit status. */
export function startDaemon(rt: Runtime, _options: ServerOptions, config: SupervisorConfig): Promise<number> {
  const processes = config.groups.reduce((n, g) => n + g.processes.length, 0);
  for (const line of config.parseWarnings) rt.stderr.write(`WARN ${line}\n`);
  rt.stderr.write(
    `supervisord: ${config.configfile} loaded (${config.groups.length} groups, ${processes} processes); ` +
      "process supervision is not available in this build yet\n",
  );
  return Promise.resolve(1);
}
