/**
 * The console of a supervisord run (EXTENSIONS.md §1): the stream child
 * output is copied to when `container_mode` is on or a program sets
 * `console`, and where the main log is echoed (`console_loglevel`, silenced
 * by `silent`). Without those keys there is no console stream and the echo
 * is Python's: every main-log line, synchronously to stdout.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.make_logger`,
 * the `nodaemon and not silent` echo to stdout).
 * @module
 */

import type { LogLevelName } from "./config/datatypes.ts";
import type { SupervisorConfig } from "./config/schema.ts";
import type { ServerOptions } from "./config/server_options.ts";
import { ConsoleStream } from "./logging/console_stream.ts";
import type { OutputStream, Runtime } from "./runtime/types.ts";

/** The console stream of a run, or null when nothing goes to it. */
export function createDaemonConsole(
  rt: Runtime,
  options: ServerOptions,
  config: SupervisorConfig,
): ConsoleStream | null {
  const streams = config.groups.some((g) =>
    g.processes.some((p) => p.console.stdout !== null || p.console.stderr !== null)
  );
  if (!options.container_mode && !streams) return null;
  const color = options.console_color === "always" ||
    (options.console_color === "auto" && rt.stdout.isTerminal() && !rt.env().NO_COLOR);
  let reported = false;
  return new ConsoleStream({
    format: options.console_format,
    color,
    clock: rt.clock,
    targets: { stdout: rt.stdout, stderr: rt.stderr },
    onError: (e) => {
      if (reported) return;
      reported = true;
      try {
        rt.stderr.write(
          `supervisord: console write failed, console output dropped: ${e instanceof Error ? e.message : e}\n`,
        );
      } catch { /* nowhere left to report to */ }
    },
  });
}

/** Where and from which level the main log is echoed. */
export interface MainLogEcho {
  echo: Pick<OutputStream, "write"> | null;
  echoLevel?: LogLevelName;
}

/**
 * The main log's echo: none unless in the foreground and not `silent`; the
 * threshold is `console_loglevel` (default `loglevel`, or `warn` in
 * container mode; `off` echoes nothing); lines go through the console
 * stream when there is one, so they never land inside a child's line.
 */
export function mainLogEcho(rt: Runtime, options: ServerOptions, console: ConsoleStream | null): MainLogEcho {
  if (!options.nodaemon || options.silent) return { echo: null };
  const level = options.console_loglevel ?? (options.container_mode ? "warn" : options.loglevel);
  if (level === "off") return { echo: null };
  const echo = console === null ? rt.stdout : { write: (line: Uint8Array | string) => console.line(String(line)) };
  return { echo, echoLevel: level };
}
