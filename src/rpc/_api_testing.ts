/**
 * Test helpers for the RPC methods: an {@linkcode ApiContext} over a
 * FakeRuntime with a real engine, real main log and real child output
 * sinks (files in the fake file system), and a dispatcher that serves the
 * handlers under test by their published names (aliases included).
 *
 * Python counterpart: supervisor/tests/base.py (`DummySupervisor`,
 * `DummyOptions`), which the rpcinterface tests build on.
 * @module
 */

import type { ProcessConfig, ProcessGroupConfig } from "../config/schema.ts";
import { createProcessOutput } from "../logging/child_output.ts";
import { createMainLogger } from "../logging/main_logger.ts";
import type { MainLogger } from "../logging/types.ts";
import { programConfig, settle } from "../process/_testing.ts";
import type { Subprocess } from "../process/subprocess.ts";
import { Supervisor } from "../process/supervisor.ts";
import { type FakeChild, FakeRuntime } from "../runtime/fake.ts";
import type { ApiContext } from "./api_context.ts";
import { RpcDispatcher, type RpcHandler } from "./dispatcher.ts";
import { bindSupervisorMethods } from "./supervisor_methods.ts";
import type { XmlRpcValue } from "./xmlrpc_value.ts";

export { settle };

/** Where the test daemon's main log is. */
export const MAIN_LOG = "/var/log/supervisord.log";

/** Where AUTO child logs go. */
export const CHILDLOGDIR = "/tmp/logs";

/** A directory for tests' explicit log paths. */
export const LOGDIR = "/logs";

/** A `[program:x]`-style group: one process per entry, named `<name>` or given. */
export function programGroup(
  name: string,
  procs: Partial<ProcessConfig>[] = [{}],
  priority = 999,
): ProcessGroupConfig {
  return {
    kind: "program",
    name,
    priority,
    processes: procs.map((p) => programConfig({ name, command: `/bin/${name}`, autostart: false, ...p })),
  };
}

/** A test daemon: the context and handles to drive it. */
export interface TestDaemon {
  ctx: ApiContext & { remoteCommEvent: (type: string, data: string) => void };
  rt: FakeRuntime;
  logger: MainLogger;
  sup: Supervisor;
  /** The known group configs (what `groupConfigs()` returns); replace to simulate a reread. */
  configs: ProcessGroupConfig[];
  /** Set to make the next `reread()` throw it, or to produce the new configs. */
  onReread: () => ProcessGroupConfig[];
  /** REMOTE_COMMUNICATION events received through the hook. */
  events: Array<[string, string]>;
  /** Calls a published method through a dispatcher serving `handlers`. */
  call(method: string, ...params: XmlRpcValue[]): Promise<unknown>;
  /** The live process of a group (first one when the name is the group's). */
  proc(group: string, name?: string): Subprocess;
  /** Spawns a process and returns its fake child. */
  start(group: string, name?: string): FakeChild;
}

/**
 * Builds a running test daemon with `groups` added (autostart off unless a
 * config says otherwise) and `makeHandlers(ctx)` served by name.
 */
export async function testDaemon(
  groups: ProcessGroupConfig[],
  makeHandlers: (ctx: ApiContext) => Record<string, RpcHandler>,
): Promise<TestDaemon> {
  const rt = new FakeRuntime();
  rt.fs.seedDir("/var/log");
  rt.fs.seedDir(CHILDLOGDIR);
  rt.fs.seedDir(LOGDIR);
  const logger = createMainLogger(rt, { logfile: MAIN_LOG, maxbytes: 0, backups: 0, level: "info", echo: null });
  let n = 0;
  const random = () => ((n++ * 0.137) % 1);
  const sup = new Supervisor({
    runtime: rt,
    logger,
    createOutput: (pc) =>
      createProcessOutput(rt, logger, pc, { childlogdir: CHILDLOGDIR, identifier: "test", strip_ansi: false, random }),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  });
  for (const g of groups) await sup.addProcessGroup(g);
  const events: Array<[string, string]> = [];
  const d: TestDaemon = {
    rt,
    logger,
    sup,
    configs: groups,
    events,
    onReread: () => d.configs,
    ctx: {
      supervisor: sup,
      logger,
      runtime: rt,
      identifier: () => "test",
      groupConfigs: () => d.configs,
      reread: () => void (d.configs = d.onReread()),
      remoteCommEvent: (type, data) => void events.push([type, data]),
    },
    call: (method, ...params) => dispatcher.call(method, params),
    proc(group, name = group) {
      const p = sup.groups.get(group)?.processes.get(name);
      if (p === undefined) throw new Error(`no process ${group}:${name}`);
      return p;
    },
    start(group, name = group) {
      const p = d.proc(group, name);
      if (p.spawn() === null) throw new Error(`${group}:${name} did not start: ${p.spawnerr}`);
      return rt.lastChild;
    },
  };
  const dispatcher = new RpcDispatcher();
  dispatcher.registerAll(bindSupervisorMethods(makeHandlers(d.ctx), { partial: true }));
  sup.run();
  await settle();
  return d;
}
