/**
 * The environment a child starts with (SURFACE ENV.child, ENV.serverurl):
 * supervisord's own environment at spawn time, then `SUPERVISOR_ENABLED`,
 * `SUPERVISOR_SERVER_URL` (when a URL is known), `SUPERVISOR_PROCESS_NAME`
 * and `SUPERVISOR_GROUP_NAME`, then the program's effective `environment=`
 * on top, so a program can override any of the four. Nothing else is
 * touched: supervisord 4.2.5 does not set HOME, USER, LOGNAME or SHELL for
 * `user=` (SPAWN.user); the child keeps supervisord's values.
 *
 * The default URL (`ServerOptions.serverurl`: first unix server, else the
 * inet server, else none) is computed once by config/server_options.ts;
 * this module only chooses between it and the program's `serverurl=`.
 *
 * Python counterpart: supervisor/process.py (`Subprocess._spawn_as_child`,
 * the "set environment" step).
 * @module
 */

/** What the child environment is built from. */
export interface ChildEnvInput {
  /** supervisord's environment at spawn time (Python `os.environ`). */
  env: Readonly<Record<string, string>>;
  /** The process name (`ProcessConfig.name`). */
  processName: string;
  /** The name of the process's group. */
  groupName: string;
  /**
   * The program's `serverurl=`; null when unset or `AUTO`. An empty string
   * (`serverurl=` with no value) means "no URL": Python neither falls back
   * to the default nor sets the variable.
   */
  programServerUrl: string | null;
  /** supervisord's default URL (`ServerOptions.serverurl`), or null. */
  defaultServerUrl: string | null;
  /** The program's effective `environment=`. */
  environment: Readonly<Record<string, string>>;
}

/**
 * The `SUPERVISOR_SERVER_URL` a child gets (ENV.serverurl): the program's
 * own `serverurl=` unless unset/AUTO, else supervisord's default; null
 * (variable not set) when that is null or empty.
 *
 * @param programServerUrl `ProcessConfig.serverurl`.
 * @param defaultServerUrl `ServerOptions.serverurl`.
 * @returns The URL, or null.
 */
export function childServerUrl(programServerUrl: string | null, defaultServerUrl: string | null): string | null {
  const url = programServerUrl ?? defaultServerUrl;
  return url === null || url === "" ? null : url;
}

/**
 * Builds the child's complete environment (ENV.child). Keys keep the order
 * Python's dict gives them: supervisord's variables first, in their order; a
 * variable that is overridden keeps its first position.
 *
 * @param input supervisord's environment and the process's names and config.
 * @returns A fresh object; `input.env` is not modified.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...input.env };
  env["SUPERVISOR_ENABLED"] = "1";
  const url = childServerUrl(input.programServerUrl, input.defaultServerUrl);
  if (url !== null) env["SUPERVISOR_SERVER_URL"] = url;
  env["SUPERVISOR_PROCESS_NAME"] = input.processName;
  env["SUPERVISOR_GROUP_NAME"] = input.groupName;
  for (const [key, value] of Object.entries(input.environment)) put(env, key, value);
  return env;
}

/** Sets an own property even for a key like `__proto__` (plain assignment would not). */
function put(env: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
}
