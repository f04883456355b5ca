/**
 * supervisord inside another program: run its command line on a runtime
 * (as the binary does, without exiting), or start it in the foreground and
 * keep a handle on it (views and control of its processes, in-process
 * XML-RPC calls, shutdown and reload).
 *
 * Python counterpart: supervisor/supervisord.py (`main`), which embedders
 * of Python supervisor call with an argument list.
 * @module
 */

import { cliHostOf, runCli } from "./main.ts";
import { type DaemonHooks, startDaemon, type StartedDaemon } from "./daemon.ts";
import type { Runtime } from "./runtime/types.ts";

export type { StartedDaemon } from "./daemon.ts";

/**
 * Runs the supervisord command line `args` (what follows the program name)
 * on `runtime`, exactly as the binary does: option and config errors are
 * printed to the runtime's stderr; `ctl`, `echo_supervisord_conf` and `demo`
 * work too. Without `-n` (or `nodaemon=true`) supervisord runs itself again
 * in the background through `runtime.selfCommand`, which is right for a
 * program that is supervisord; an embedding program passes `-n` or uses
 * {@linkcode startSupervisor}.
 *
 * @param runtime The host to run on (`createDenoRuntime()`, `createBunRuntime()`, a `FakeRuntime`).
 * @param args The command line after the program name; default `runtime.args`.
 * @returns The exit status supervisord would exit with.
 */
export function runSupervisord(runtime: Runtime, args: readonly string[] = runtime.args): Promise<number> {
  return runCli(args, cliHostOf(runtime), (options, config, run) => startDaemon(runtime, options, config, run));
}

/** A supervisord started with {@linkcode startSupervisor}. */
export interface SupervisorHandle {
  /**
   * Resolves once supervisord is running, with that run (after a reload,
   * the next run); rejects when supervisord exits first (a config error).
   */
  running(): Promise<StartedDaemon>;
  /** Resolves with the exit status once supervisord has stopped for good. */
  readonly exited: Promise<number>;
}

/**
 * Starts supervisord in the foreground (`-n` is implied) with the command
 * line `args`, and returns a handle on it.
 *
 * @param runtime The host to run on.
 * @param args The command line after the program name, e.g. `["-c", "/etc/supervisord.conf"]`.
 * @returns The handle; `running()` gives the started daemon.
 *
 * @example Start supervisord on a fake host, look at its processes, stop it
 * ```ts
 * import { startSupervisor } from "supervisor-ts";
 * import { FakeRuntime } from "supervisor-ts/testing";
 *
 * const rt = new FakeRuntime();
 * rt.fs.seedDir("/tmp");
 * rt.fs.seedFile("/etc/supervisord.conf", "[supervisord]\nlogfile=/tmp/sd.log\n\n[program:web]\ncommand=/bin/web\n");
 * rt.fs.seedFile("/bin/web", "", { mode: 0o755 });
 * const handle = startSupervisor(rt, ["-c", "/etc/supervisord.conf"]);
 * const daemon = await handle.running();
 * console.log(daemon.context.processes().map((p) => `${p.name} ${p.statename}`)); // [ "web STARTING" ]
 * rt.killExits = true; // fake children end when signalled
 * daemon.shutdown();
 * console.log(await handle.exited); // 0
 * ```
 */
export function startSupervisor(runtime: Runtime, args: readonly string[]): SupervisorHandle {
  let current: StartedDaemon | null = null;
  const waiters: Array<{ resolve(d: StartedDaemon): void; reject(e: Error): void }> = [];
  const hooks: DaemonHooks = {
    started(daemon) {
      current = daemon;
      for (const w of waiters.splice(0)) w.resolve(daemon);
    },
    stopped() {
      current = null;
    },
  };
  const exited = runCli(
    ["-n", ...args],
    cliHostOf(runtime),
    (options, config, run) => startDaemon(runtime, options, config, run, hooks),
  );
  let ended: number | null = null;
  void exited.then((code) => {
    ended = code;
    for (const w of waiters.splice(0)) w.reject(new Error(`supervisord exited with status ${code}`));
  });
  return {
    exited,
    running() {
      if (current !== null) return Promise.resolve(current);
      if (ended !== null) return Promise.reject(new Error(`supervisord exited with status ${ended}`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}
