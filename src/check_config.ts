/**
 * `supervisord --check-config [-c FILE]` (EXTENSIONS.md §0.4): loads the
 * config as the daemon would (includes, `%(...)s` and shell expansion,
 * every key's value, extension keys included), then checks that each
 * program's non-optional `env_file`s exist and parse. It prints the unknown
 * keys (with the nearest known key) and the env files' warnings on stdout,
 * nothing else on success, and exits 0; on errors it prints `Error: …`
 * lines on stderr and exits 2. Nothing is started. For CI pipelines and
 * systemd's `ExecStartPre=`.
 *
 * Python counterpart: none (supervisor/options.py `ServerOptions.realize`
 * is the load it runs).
 * @module
 */

import { EnvFileError, readEnvFiles } from "./config/env_file.ts";
import { ConfigError } from "./config/errors.ts";
import { type ConfigHost, loadConfig } from "./config/load.ts";
import type { SupervisorConfig } from "./config/schema.ts";
import { serverOptions } from "./config/server_options.ts";
import { runSupervisordCli } from "./cli/supervisord_cli.ts";

/** The flag, recognised only spelt out in full (Python's getopt prefixes stay as they are). */
export const CHECK_CONFIG_FLAG = "--check-config";

/** What the check needs from the front door. */
export interface CheckHost {
  argv0: string;
  cwd: string;
  uid: number;
  env: Record<string, string>;
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the check for the supervisord arguments `args` (without the flag); resolves to the exit status. */
export function checkConfig(args: readonly string[], host: CheckHost, configHost: ConfigHost): number {
  const cli = runSupervisordCli(args, { ...host, euid: host.uid });
  if (cli.stdout) host.stdout(cli.stdout);
  if (cli.stderr) host.stderr(cli.stderr);
  if (!cli.config) return cli.exitCode;
  const notes: string[] = [];
  let errors: string[];
  try {
    const config = loadConfig(cli.config.configfile, configHost, { onUnknownKeys: (m) => notes.push(...m) });
    serverOptions(config, cli.config.overrides, { cwd: host.cwd, home: host.env.HOME, passwd: configHost.passwd() });
    errors = checkEnvFiles(config, configHost, notes);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors = [e.message];
  }
  if (notes.length > 0) host.stdout(notes.map((n) => `${n}\n`).join(""));
  if (errors.length === 0) return 0;
  host.stderr(errors.map((e) => `Error: ${e}\n`).join(""));
  return 2;
}

/** Reads every program's env files once; their warnings go to `notes`, their failures are returned. */
function checkEnvFiles(config: SupervisorConfig, host: ConfigHost, notes: string[]): string[] {
  const errors = new Set<string>();
  const seen = new Set<string>();
  for (const group of config.groups) {
    for (const proc of group.processes) {
      for (const ref of proc.env_file?.files ?? []) {
        if (seen.has(ref.path)) continue;
        seen.add(ref.path);
        try {
          notes.push(...readEnvFiles([ref], host.readFile).warnings);
        } catch (e) {
          if (!(e instanceof EnvFileError)) throw e;
          errors.add(`${e.message} (program ${group.name}:${proc.name})`);
        }
      }
    }
  }
  return [...errors];
}
