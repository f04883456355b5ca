/**
 * supervisord's startup sequence, run and shutdown once its config is
 * loaded: resource limits (first start), main log and buffered parse
 * messages, AUTO child log cleanup,
 * process groups, signal handlers, daemon mode, pidfile, the engine, and the
 * cleanup after it stops (SURFACE STARTUP.order, DAEMON.*).
 *
 * Python counterpart: supervisor/supervisord.py (`Supervisor.main`, `run`)
 * and the daemon half of supervisor/options.py (`ServerOptions.make_logger`,
 * `write_pidfile`, `cleanup`, `daemonize`).
 * @module
 */

import { pythonStartupEnv } from "./cli/python_env.ts";
import { parseGroup, parsePasswd } from "./config/datatypes.ts";
import type { SupervisorConfig } from "./config/schema.ts";
import type { ServerOptions } from "./config/server_options.ts";
import type { DaemonRun } from "./main.ts";
import { type DaemonHttp, openDaemonHttp } from "./daemon_http.ts";
import {
  type CopyUser,
  daemonizeParent,
  isCopy,
  isDaemonChild,
  relayAsUser,
  signalReady,
  stripDaemonMarker,
} from "./daemonize.ts";
import { ConfigError } from "./config/errors.ts";
import { pyRepr } from "./config/pyrepr.ts";
import { raiseRlimits, startNofileSoft } from "./daemon_rlimits.ts";
import { cleanupAutoChildLogs } from "./logging/childlog_cleanup.ts";
import { createProcessOutput } from "./logging/child_output.ts";
import { createMainLogger } from "./logging/main_logger.ts";
import type { ConsoleStream } from "./logging/console_stream.ts";
import { createDaemonConsole, mainLogEcho } from "./daemon_console.ts";
import type { Logger } from "./logging/types.ts";
import { EventBus } from "./events/events.ts";
import { type SpawnContext, spawnOptionsFor, supplementaryGroups } from "./process/spawn_options.ts";
import { type EngineSignal, Supervisor } from "./process/supervisor.ts";
import { EssentialWatch } from "./process/essential.ts";
import { Statefile } from "./process/statefile.ts";
import { type Dependencies, installDependencies } from "./process/dependencies.ts";
import type { Subprocess } from "./process/subprocess.ts";
import { installHealthChecks } from "./health/health_checks.ts";
import { installLogRotationTimer } from "./process/log_rotation_timer.ts";
import { installBackoffDescriptions } from "./process/backoff_describe.ts";
import { installCronJobs } from "./process/cron_jobs.ts";
import { installSdNotify } from "./process/sd_notify.ts";
import { fileWatches, installFileWatches } from "./process/file_watch.ts";
import { type Runtime, RuntimeError } from "./runtime/types.ts";
import { createPluginContext, type PluginContext } from "./rpc/plugin_context.ts";
import type { XmlRpcValue } from "./rpc/xmlrpc_value.ts";
import { strerror } from "./runtime/errors.ts";

/** What a run of the daemon ended with: an exit status, or a request to reload. */
export type DaemonOutcome = number | "restart";

const SIGNALS = [
  "SIGTERM",
  "SIGINT",
  "SIGQUIT",
  "SIGHUP",
  "SIGUSR2",
  "SIGCHLD",
] as const satisfies readonly EngineSignal[];

const ROOT_WARNING = "Supervisor is running as root.  Privileges were not dropped because no user is " +
  "specified in the config file.  If you intend to run as root, you can set user=root in the config " +
  "file to avoid this message.";

/** Messages gathered before the logger exists, logged in supervisord's order (STARTUP.parsemsgs). */
function startupMessages(rt: Runtime, options: ServerOptions, config: SupervisorConfig, rlimitInfos: string[]) {
  const critical: string[] = [];
  const info: string[] = [];
  if (options.uid === null && rt.uid() === 0) critical.push(ROOT_WARNING);
  if (options.uid !== null && options.uid === rt.uid()) info.push(`Set uid to user ${options.uid} succeeded`);
  return { critical, warn: config.parseWarnings, info: [...config.parseInfos, ...info, ...rlimitInfos] };
}

/** A run of supervisord as an embedding program sees it once it has started. */
export interface StartedDaemon {
  /** Views, control, events and the clock of this run (ended when the run ends). */
  readonly context: PluginContext;
  /**
   * Calls an XML-RPC method in-process; throws RpcError for a fault. As in
   * supervisord, the `[rpcinterface:x]` namespaces exist only when the
   * config has an HTTP server; `system.*` always does.
   */
  call(method: string, params: readonly XmlRpcValue[]): Promise<unknown>;
  /** Stops the processes and ends the run (as SIGTERM does). */
  shutdown(): void;
  /** Stops the processes and starts again from the config file (as SIGHUP does). */
  reload(): void;
}

/** What an embedding program learns about each run. */
export interface DaemonHooks {
  /** Called once supervisord runs (after each reload again). */
  started?(daemon: StartedDaemon): void;
  /** Called when the run ends, before the next one starts. */
  stopped?(): void;
}

/** Runs supervisord on a loaded config; resolves to the exit status or "restart". */
export async function startDaemon(
  rt: Runtime,
  options: ServerOptions,
  config: SupervisorConfig,
  run: DaemonRun,
  hooks: DaemonHooks = {},
): Promise<DaemonOutcome> {
  const copy = isCopy(rt.env());
  const user = copy ? null : userToBecome(rt, options);
  if (run.first && !options.nodaemon && !copy) return daemonizeParent(rt, user);
  if (user !== null) return relayAsUser(rt, user);
  // Python raises the limits after dropping privileges, on the first start only (the copy is a first start).
  const limits = run.first
    ? raiseRlimits(rt, options, startNofileSoft(rt.env(), rt.getRlimit("nofile")))
    : { infos: [], error: null };
  if (limits.error !== null) throw new ConfigError(limits.error, options.configfile);
  const console = createDaemonConsole(rt, options, config);
  // Children keep the soft open-files limit of the first start across reloads, as Python's inherit its own.
  if (run.first && limits.childNofileSoft !== undefined) run.carry.childNofileSoft = limits.childNofileSoft;
  const logger = await createMainLogger(rt, {
    logfile: options.logfile,
    maxbytes: options.logfile_maxbytes,
    backups: options.logfile_backups,
    level: options.loglevel,
    ...mainLogEcho(rt, options, console),
  });
  const messages = startupMessages(rt, options, config, limits.infos);
  for (const m of messages.critical) logger.critical(m);
  for (const m of messages.warn) logger.warn(m);
  for (const m of messages.info) logger.info(m);
  if (!options.nocleanup) await cleanupAutoChildLogs(rt, logger, options.childlogdir, options.identifier);

  const bus = run.carry.bus ??= new EventBus();
  bus.clear();
  const sup = createEngine(rt, logger, options, bus, console, run.carry.childNofileSoft);
  const essential = new EssentialWatch(sup, logger, options.essential_exitcode);
  const exit = (line: string, status: number) => essential.shutdownWith(line, status);
  let deps: Dependencies | null = null;
  const onTransition = (proc: Subprocess, healthy: boolean) => deps?.healthChanged(proc, healthy);
  const health = installHealthChecks(sup, { exit, onTransition });
  deps = installDependencies(sup, { healthy: (proc) => health.healthy(proc), exit });
  let statefile: Statefile | null = null;
  let http;
  try {
    // An fcgi socket that cannot be created ends supervisord here (Python's uncaught ValueError).
    for (const group of config.groups) await sup.addProcessGroup(group);
    // Before the first pass, so a remembered operator stop holds the autostart.
    if (options.statefile !== null) statefile = new Statefile(options.statefile, sup, rt.fs, logger);
    http = await openDaemonHttp({ rt, logger, options, config, supervisor: sup, reread: run.reread });
  } catch (e) {
    for (const group of sup.groups.values()) await group.close();
    await console?.drained();
    await logger.close();
    throw e;
  }

  const unsubscribe = SIGNALS.map((sig) => rt.onSignal(sig, () => sup.handleSignal(sig)));
  if (isDaemonChild(rt.env()) && run.first) enterDaemonMode(rt, logger, options);
  // Python logs "started" only once the pidfile is written (MLOG.pidfail replaces it).
  const pidfileWritten = await writePidfile(rt, logger, options.pidfile);
  if (pidfileWritten) logger.info(`supervisord started with pid ${rt.pid}`);
  const notice = run.first ? rt.platformNotice() : null;
  if (notice !== null) logger.warn(notice);

  const notifier = installSdNotify(rt, sup, logger, (p) => (deps?.view(p).dependency_failed ?? null) !== null);
  const outcome = await runEngine(rt, sup, logger, http, hooks);
  notifier.close();
  essential.close();
  statefile?.close();
  for (const off of unsubscribe) off();
  await http.close();
  for (const group of sup.groups.values()) await group.close();
  if (pidfileWritten) await rt.fs.remove(options.pidfile).catch(() => {});
  await console?.drained();
  await logger.close();
  // An essential program's end decides the status; a plain shutdown exits 0 as in Python.
  return outcome === "restart" ? "restart" : essential.status ?? 0;
}

/** Runs the engine, telling `hooks` when it has started and stopped. */
async function runEngine(rt: Runtime, sup: Supervisor, logger: Logger, http: DaemonHttp, hooks: DaemonHooks) {
  const run = sup.run();
  const embedded = hooks.started ? createPluginContext({ namespace: "", supervisor: sup, logger, runtime: rt }) : null;
  if (embedded !== null) {
    hooks.started?.({
      context: embedded.context,
      call: (method, params) => http.call(method, params),
      shutdown: () => sup.shutdown(),
      reload: () => sup.restart(),
    });
  }
  const outcome = await run;
  embedded?.dispose();
  hooks.stopped?.();
  sup.closePools();
  fileWatches(sup)?.close();
  return outcome;
}

/**
 * Python `set_uid_or_exit`: the user supervisord must become, or null when it
 * already runs as that user (or no user is set); a usage error when only root
 * could switch.
 */
function userToBecome(rt: Runtime, options: ServerOptions): CopyUser | null {
  if (options.uid === null || options.uid === rt.uid()) return null;
  if (rt.uid() !== 0) throw new ConfigError("Can't drop privilege as nonroot user", options.configfile);
  const gid = options.gid ?? options.uid;
  return { uid: options.uid, gid, groups: supplementaryGroups(options.uid, gid, userDatabase(rt)) };
}

/** /etc/passwd and /etc/group, each read and parsed once, when first asked for. */
function userDatabase(rt: Runtime) {
  let passwd: ReturnType<typeof parsePasswd> | null = null;
  let groups: ReturnType<typeof parseGroup> | null = null;
  return {
    passwd: () => passwd ??= parsePasswd(readText(rt, "/etc/passwd")),
    groups: () => groups ??= parseGroup(readText(rt, "/etc/group")),
  };
}

/** The engine, wired to the runtime, the main log and the spawn rules. */
function createEngine(
  rt: Runtime,
  logger: Logger,
  options: ServerOptions,
  bus: EventBus,
  console: ConsoleStream | null,
  nofileSoft: number | undefined,
): Supervisor {
  const env = stripDaemonMarker(pythonStartupEnv(rt.env()));
  const ctx: SpawnContext = {
    env,
    serverurl: options.serverurl,
    uid: rt.uid(),
    ...userDatabase(rt),
    fs: rt.fs,
    readFile: (path) => rt.fs.readFileSync(path),
    envFileWarnings: onceWhileUnchanged((msg) => logger.warn(msg)),
  };
  if (nofileSoft !== undefined) ctx.nofileSoft = nofileSoft;
  const outputCtx = {
    childlogdir: options.childlogdir,
    identifier: options.identifier,
    strip_ansi: options.strip_ansi,
    memoryLogs: options.container_mode,
  };
  const sup = new Supervisor({
    runtime: rt,
    logger,
    createOutput: (pc, listener, group) => {
      const route = { name: pc.name, group, prefix: pc.console_prefix, route: pc.console };
      const tee = console?.source(route) ?? null;
      return createProcessOutput(rt, logger, pc, { ...outputCtx, listener, ...(tee === null ? {} : { tee }) });
    },
    prepare: (proc) => spawnOptionsFor(proc.config, proc.groupName, ctx),
    bus,
    identifier: options.identifier,
  });
  installBackoffDescriptions(sup);
  installCronJobs(sup);
  const every = options.logfile_rotate_every;
  installLogRotationTimer(
    sup,
    options.log_rotate_utc,
    every === null ? null : { every, rotate: () => (logger as { rotate?: () => boolean }).rotate?.() },
  );
  if (options.watch !== false) installFileWatches(sup);
  return sup;
}

/**
 * Logs a process's env-file warnings once, and again only when they change:
 * the files are read at every spawn (and by the RPC start check).
 */
function onceWhileUnchanged(log: (msg: string) => void): (name: string, warnings: readonly string[]) => void {
  const last = new Map<string, string>();
  return (name, warnings) => {
    const key = warnings.join("\n");
    if (last.get(name) === key) return;
    last.set(name, key);
    for (const w of warnings) log(w);
  };
}

function readText(rt: Runtime, path: string): string {
  try {
    return new TextDecoder().decode(rt.fs.readFileSync(path));
  } catch {
    return "";
  }
}

/** The daemon child's share of Python's `daemonize()`: directory, umask, then tell the parent. */
function enterDaemonMode(rt: Runtime, logger: Logger, options: ServerOptions): void {
  logger.info("daemonizing the supervisord process");
  if (options.directory !== null) {
    const dir = pyRepr(options.directory);
    try {
      rt.chdir(options.directory);
      logger.info(`set current directory: ${dir}`);
    } catch (e) {
      logger.critical(`can't chdir into ${dir}: ${pyOsErrorText(e, options.directory)}`);
    }
  }
  rt.umask(options.umask);
  signalReady(rt);
}

/** Python's `str(OSError)` for a failed call on `path`: `[Errno 13] Permission denied: '/x'`. */
function pyOsErrorText(e: unknown, path: string): string {
  const text = e instanceof RuntimeError ? strerror(e.code) : undefined;
  if (e instanceof RuntimeError && text !== undefined) return `[Errno ${e.errno}] ${text}: ${pyRepr(path)}`;
  return e instanceof Error ? e.message : String(e);
}

async function writePidfile(rt: Runtime, logger: Logger, path: string): Promise<boolean> {
  try {
    await rt.fs.writeTextFile(path, `${rt.pid}\n`);
    return true;
  } catch {
    logger.critical(`could not write pidfile ${path}`);
    return false;
  }
}
