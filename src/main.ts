/**
 * The program's front door: picks what to run from the invoked name and the
 * first argument (supervisord, `echo_supervisord_conf`, `demo`, and the
 * client: `ctl` or a link named `supervisorctl`), runs the supervisord
 * command line, loads the config and reports any error exactly as
 * supervisord does.
 *
 * Python counterpart: supervisor/supervisord.py (`main`),
 * supervisor/options.py (`ServerOptions.realize`), supervisor/confecho.py,
 * supervisor/supervisorctl.py (`main`).
 * @module
 */

import { runServiceFile } from "./service_file.ts";
import { parseGroup, parsePasswd } from "./config/datatypes.ts";
import { ConfigError } from "./config/errors.ts";
import { type ConfigHost, loadConfig } from "./config/load.ts";
import { abspath, basename, join } from "./config/pypath.ts";
import type { SupervisorConfig } from "./config/schema.ts";
import { type ServerOptions, serverOptions } from "./config/server_options.ts";
import { formatUsageError } from "./cli/supervisord_args.ts";
import { runSupervisordCli } from "./cli/supervisord_cli.ts";
import { pythonStartupEnv } from "./cli/python_env.ts";
import { SAMPLE_SUPERVISORD_CONF } from "./cli/sample_conf.ts";
import { DEMO_CONF } from "./demo_conf.ts";
import type { EventBus } from "./events/events.ts";
import { type CtlInvocation, runCtl } from "./ctl/main.ts";
import { AccessMode, type Runtime } from "./runtime/types.ts";
import { PyException, tracebackText } from "./process/py_exception.ts";
import { CHECK_CONFIG_FLAG, checkConfig } from "./check_config.ts";

/** What the front door needs from the host, all synchronous. */
export interface CliHost {
  /** The program path as invoked (`argv[0]`; the script for `deno run`/`bun` script runs). */
  argv0: string;
  /** The working directory. */
  cwd: string;
  /** The environment. */
  env: Readonly<Record<string, string>>;
  /** Real uid (Python's `os.getuid()`). */
  uid: number;
  /** `platform.node()`, for `%(host_node_name)s`. */
  hostname: string;
  /** `os.path.exists`. */
  exists(path: string): boolean;
  /** Whether `path` is a directory. */
  isDirectory(path: string): boolean;
  /** Whether `path` is a directory this process may write in. */
  isWritableDirectory(path: string): boolean;
  /** The file's bytes; throws when it cannot be read. */
  readFile(path: string): Uint8Array;
  /** The names in a directory; null when it cannot be read. */
  readDir(path: string): string[] | null;
  /** Writes a text file (the demo config). */
  writeFile(path: string, text: string): Promise<void>;
  /** Creates a private temporary directory whose name starts with `prefix`; resolves to its path. */
  makeTempDir(prefix: string): Promise<string>;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The argv that runs this program again (service files); defaults to `[argv0]`. */
  selfCommand?: readonly string[];
  /** Runs supervisorctl (src/ctl/) with `args`; absent where no runtime backs the host. */
  ctl?(args: readonly string[], how: CtlInvocation): Promise<number>;
}

/** The {@link CliHost} view of a runtime. */
export function cliHostOf(rt: Runtime): CliHost {
  const stat = (p: string) => rt.fs.statSync(p);
  // A script run (`deno run … main_deno.ts`) reports the script, as Python reports its script.
  const argv0 = rt.selfCommand.length > 1 ? rt.selfCommand[rt.selfCommand.length - 1]! : rt.argv0;
  const env = rt.env();
  return {
    argv0,
    selfCommand: rt.selfCommand,
    cwd: rt.cwd(),
    env,
    uid: rt.uid(),
    hostname: rt.hostname(),
    exists: (p) => stat(p) !== null,
    isDirectory: (p) => stat(p)?.isDirectory ?? false,
    isWritableDirectory: (p) => (stat(p)?.isDirectory ?? false) && rt.fs.accessSync(p, AccessMode.W_OK),
    readFile: (p) => rt.fs.readFileSync(p),
    readDir: (p) => {
      try {
        return rt.fs.readDirSync(p);
      } catch {
        return null;
      }
    },
    writeFile: (p, text) => rt.fs.writeTextFile(p, text),
    makeTempDir: async (prefix) => {
      const base = pythonTempdir(
        { cwd: rt.cwd(), isWritableDirectory: (p) => rt.fs.accessSync(p, AccessMode.W_OK) },
        env,
      );
      const dir = join(base, `${prefix}${rt.pid}-${rt.clock.now().toString(36)}`);
      await rt.fs.mkdir(dir, { mode: 0o700 });
      return dir;
    },
    stdout: (text) => rt.stdout.write(text),
    stderr: (text) => rt.stderr.write(text),
    ctl: (args, how) => runCtl(rt, args, how),
  };
}

/**
 * What to do once the config is loaded: start the daemon (or, in tests,
 * inspect it). Resolves to the exit status, or to "restart" to read the
 * command line and config again and start over (SIGHUP, RELOAD.full).
 */
export type StartDaemon = (
  options: ServerOptions,
  config: SupervisorConfig,
  run: DaemonRun,
) => Promise<number | "restart">;

/** Facts about one run of the daemon. */
export interface DaemonRun {
  /** True on the first start; reloads neither daemonize nor raise limits. */
  first: boolean;
  /** Reads the config file again as it was read at startup (RPC reloadConfig); throws ConfigError. */
  reread(): SupervisorConfig;
  /** State the daemon keeps from one run to the next (the same object every run). */
  carry: DaemonCarry;
}

/** What the daemon keeps from one run to the next. */
export interface DaemonCarry {
  /** The event bus, made by the first run, so event serials go on across reloads (Python's are module-global). */
  bus?: EventBus;
  /** The soft open-files limit children get, set at the first start (`RlimitsOutcome.childNofileSoft`). */
  childNofileSoft?: number;
}

/** The command-line flag that turns every file watch off. */
export const NO_WATCH_FLAG = "--no-watch";

/** Runs the command line `args` (without argv0); resolves to the exit status. */
export async function runCli(args: readonly string[], host: CliHost, start: StartDaemon): Promise<number> {
  const name = basename(host.argv0);
  if (name === "supervisorctl") return runClient(args, host, { progname: host.argv0, argv0: host.argv0 });
  if (args[0] === "ctl") return runClient(args.slice(1), host, { progname: `${host.argv0} ctl`, argv0: host.argv0 });
  if (name === "echo_supervisord_conf" || args[0] === "echo_supervisord_conf") {
    host.stdout(SAMPLE_SUPERVISORD_CONF);
    return 0;
  }
  if (args[0] === "service-file") {
    return runServiceFile(args.slice(1), { ...host, selfCommand: host.selfCommand ?? [host.argv0] });
  }
  if (args[0] === "demo") {
    const dir = await host.makeTempDir("supervisord-demo-");
    const conf = join(dir, "supervisord.conf");
    await host.writeFile(conf, DEMO_CONF);
    host.stderr(`demo config written to ${conf}\n`);
    return runSupervisord(["-c", conf, ...args.slice(1)], host, start);
  }
  return runSupervisord(args, host, start);
}

/** supervisorctl, when the host can run it. */
function runClient(args: readonly string[], host: CliHost, how: CtlInvocation): Promise<number> {
  if (host.ctl === undefined) {
    host.stderr("Error: supervisorctl is not available here\n");
    return Promise.resolve(2);
  }
  return host.ctl(args, how);
}

/** supervisord proper: command line, config, then `start`, again after each reload request. */
export async function runSupervisord(args: readonly string[], host: CliHost, start: StartDaemon): Promise<number> {
  if (args.includes(CHECK_CONFIG_FLAG)) {
    const env = pythonStartupEnv(host.env);
    return checkConfig(args.filter((a) => a !== CHECK_CONFIG_FLAG), { ...host, env }, configHostOf(host, env));
  }
  const carry: DaemonCarry = {};
  // `--no-watch` (extension, EXTENSIONS.md §9) overrides `[supervisord] watch`.
  const noWatch = args.includes(NO_WATCH_FLAG);
  const rest = noWatch ? args.filter((a) => a !== NO_WATCH_FLAG) : args;
  for (let first = true;; first = false) {
    const outcome = await runSupervisordOnce(
      rest,
      host,
      (options, config, reread) =>
        start(noWatch ? { ...options, watch: false } : options, config, { first, reread, carry }),
    );
    if (outcome !== "restart") return outcome;
  }
}

async function runSupervisordOnce(
  args: readonly string[],
  host: CliHost,
  start: (
    options: ServerOptions,
    config: SupervisorConfig,
    reread: () => SupervisorConfig,
  ) => Promise<number | "restart">,
): Promise<number | "restart"> {
  const env = pythonStartupEnv(host.env);
  const cli = runSupervisordCli(args, {
    argv0: host.argv0,
    cwd: host.cwd,
    euid: host.uid,
    env,
    exists: host.exists,
    isDirectory: host.isDirectory,
  });
  if (cli.stdout) host.stdout(cli.stdout);
  if (cli.stderr) host.stderr(cli.stderr);
  if (!cli.config) return cli.exitCode;
  const usage = (message: string) => {
    host.stderr(formatUsageError(message, host.argv0));
    return 2;
  };
  const configHost = configHostOf(host, env);
  try {
    const config = loadConfig(cli.config.configfile, configHost);
    const options = serverOptions(config, cli.config.overrides, {
      cwd: host.cwd,
      home: env.HOME,
      passwd: configHost.passwd(),
    });
    const configfile = cli.config.configfile;
    return await start(options, config, () => loadConfig(configfile, configHost));
  } catch (e) {
    if (e instanceof ConfigError) return usage(e.message);
    // An exception Python leaves uncaught (e.g. an fcgi socket that cannot be created): traceback, exit 1.
    if (e instanceof PyException) {
      host.stderr(tracebackText(e));
      return 1;
    }
    throw e;
  }
}

function readEtc(host: CliHost, path: string): string {
  try {
    return new TextDecoder().decode(host.readFile(path));
  } catch {
    return "";
  }
}

/** Python's `tempfile.gettempdir()`: the first usable candidate directory. */
export function pythonTempdir(host: Pick<CliHost, "cwd" | "isWritableDirectory">, env: Record<string, string>): string {
  const candidates = [env.TMPDIR, env.TEMP, env.TMP, "/tmp", "/var/tmp", "/usr/tmp"].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const abs = abspath(dir, host.cwd);
    if (host.isWritableDirectory(abs)) return abs;
  }
  return host.cwd;
}

function configHostOf(host: CliHost, env: Record<string, string>): ConfigHost {
  let passwd: ReturnType<typeof parsePasswd> | null = null;
  let groups: ReturnType<typeof parseGroup> | null = null;
  return {
    readFile: host.readFile,
    exists: host.exists,
    isDirectory: host.isDirectory,
    readDir: host.readDir,
    env,
    cwd: host.cwd,
    hostname: host.hostname,
    uid: host.uid,
    tempdir: pythonTempdir(host, env),
    passwd: () => passwd ??= parsePasswd(readEtc(host, "/etc/passwd")),
    groups: () => groups ??= parseGroup(readEtc(host, "/etc/group")),
  };
}
