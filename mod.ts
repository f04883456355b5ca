/**
 * supervisor-ts as a library: load a `supervisord.conf` exactly as
 * supervisord 4.2.5 does, run or embed supervisord on a runtime of your
 * choosing, control its processes, and write rpcinterface plugins: XML-RPC
 * namespaces in TypeScript, loaded from `[rpcinterface:NAME]` sections with
 * `supervisor.rpcinterface_factory = PATH.ts:EXPORT`.
 *
 * Everything here is reached from this module (and `./testing.ts`, for the
 * fake runtime and its manual clock); nothing needs a deep import of `src/`.
 *
 * @example Load a config and list its programs
 * ```ts
 * import { type ConfigHost, loadConfig } from "./mod.ts";
 *
 * const files: Record<string, string> = {
 *   "/etc/supervisord.conf": "[supervisord]\n\n[program:web]\ncommand=/usr/bin/python3 -m http.server\n",
 * };
 * const host: ConfigHost = {
 *   readFile: (path) => new TextEncoder().encode(files[path]),
 *   exists: (path) => path in files || path === "/etc" || path === "/tmp",
 *   isDirectory: (path) => path === "/etc" || path === "/tmp",
 *   readDir: () => null,
 *   env: { HOME: "/root" },
 *   cwd: "/",
 *   hostname: "box",
 *   uid: 1000,
 *   tempdir: "/tmp",
 *   passwd: () => [],
 *   groups: () => [],
 * };
 * const config = loadConfig("/etc/supervisord.conf", host);
 * console.log(config.groups.map((g) => `${g.name}: ${g.processes[0]?.command}`)); // [ "web: /usr/bin/python3 -m http.server" ]
 * ```
 *
 * @example A plugin: one XML-RPC method reporting how many processes run
 * ```ts
 * import type { PluginContext, PluginMethods } from "./mod.ts";
 *
 * export function createCounter(ctx: PluginContext, options: Readonly<Record<string, string>>): PluginMethods {
 *   const label = options.label ?? "running";
 *   return {
 *     count: {
 *       signature: ["struct"],
 *       help: "Count the running processes.\n\n@return struct result",
 *       handler: () => ({ [label]: ctx.processes().filter((p) => p.statename === "RUNNING").length }),
 *     },
 *   };
 * }
 * ```
 * @module
 */

// Loading a config
export { loadConfig } from "./src/config/load.ts";
export type { ConfigHost, LoadOptions } from "./src/config/load.ts";
export { ConfigError } from "./src/config/errors.ts";
export type { GroupEntry, LogLevelName, PasswdEntry } from "./src/config/datatypes.ts";
export type { EnvFileRef, EnvFileSetting } from "./src/config/env_file.ts";
export type { CronSpec } from "./src/config/cron_expr.ts";
export type {
  AutoRestart,
  BackoffKind,
  ConsoleColor,
  ConsoleFormat,
  ConsoleTarget,
  CronConfig,
  DependencyCondition,
  DependencyExtensions,
  DependsOn,
  FcgiSocketConfig,
  GroupConfigBase,
  HealthAction,
  HealthCheckConfig,
  HealthProbeSpec,
  LogExtensions,
  LogfileTarget,
  MetricsFamily,
  OnDependencyFailure,
  ProcessConfig,
  ProcessGroupConfig,
  ProgramExtensions,
  RotateEvery,
  RpcInterfaceConfig,
  ServerConfig,
  ServerExtensions,
  SupervisorConfig,
  SupervisordExtensions,
  SupervisordSection,
  WatchAction,
  WatchConfig,
} from "./src/config/schema.ts";
export { serverOptions } from "./src/config/server_options.ts";
export type { OptionOverrides, OptionsHost, ServerOptions } from "./src/config/server_options.ts";
export { SAMPLE_SUPERVISORD_CONF } from "./src/cli/sample_conf.ts";

// Running and embedding supervisord
export { runSupervisord, startSupervisor } from "./src/embed.ts";
export type { StartedDaemon, SupervisorHandle } from "./src/embed.ts";
export { cliHostOf, runCli } from "./src/main.ts";
export type { CliHost, DaemonCarry, DaemonRun, StartDaemon } from "./src/main.ts";
export type { CtlInvocation } from "./src/ctl/main.ts";
export { startDaemon } from "./src/daemon.ts";
export type { DaemonHooks, DaemonOutcome } from "./src/daemon.ts";

// Runtimes
export { createDenoRuntime } from "./src/runtime/deno.ts";
export { createBunRuntime } from "./src/runtime/bun.ts";
export * from "./src/runtime/types.ts";

// Processes, their control, and events
export { ProcessState, processStateName, SupervisorState, supervisorStateName } from "./src/states.ts";
export type { ControlFailure, ControlOptions, ControlOutcome, ControlResult } from "./src/process/control.ts";
export { ABSTRACT_EVENT_TYPES, EVENT_PARENTS, EventBus } from "./src/events/events.ts";
export type {
  AbstractEventName,
  ConcreteEventName,
  EventCallback,
  EventTypeName,
  SupervisorEvent,
} from "./src/events/events.ts";
export type { Logger } from "./src/logging/types.ts";

// XML-RPC and plugins
export { RpcDispatcher } from "./src/rpc/dispatcher.ts";
export type { MethodDef, MethodSpec, MethodTable, RpcHandler, RpcLogger, RpcReply } from "./src/rpc/dispatcher.ts";
export { faultName, Faults, RpcError } from "./src/rpc/faults.ts";
export type { FaultCode, FaultName } from "./src/rpc/faults.ts";
export {
  decodeMethodCall,
  decodeMethodResponse,
  encodeMethodCall,
  encodeMethodResponse,
} from "./src/rpc/xmlrpc_codec.ts";
export type { DecodeOptions, EncodeOptions, MethodCall, MethodResponse } from "./src/rpc/xmlrpc_codec.ts";
export { Double } from "./src/rpc/xmlrpc_value.ts";
export type { XmlRpcStruct, XmlRpcValue } from "./src/rpc/xmlrpc_value.ts";
export { APPLICATION_ERROR } from "./src/rpc/plugins.ts";
export type { PluginFactory, PluginMethod, PluginMethods } from "./src/rpc/plugins.ts";
export type {
  GroupView,
  PluginContext,
  PluginControl,
  PluginEvent,
  PluginLogger,
  ProcessView,
  StateChangeView,
} from "./src/rpc/plugin_context.ts";
