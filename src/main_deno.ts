/**
 * Deno entry: `deno run -A src/main_deno.ts [supervisord flags]`, and the file
 * `deno compile` targets.
 *
 * Python counterpart: the `supervisord` console script.
 * @module
 */

import { cliHostOf, runCli } from "./main.ts";
import { startDaemon } from "./daemon.ts";
import { createDenoRuntime } from "./runtime/deno.ts";

// Python ignores SIGXFSZ (and SIGPIPE, which Deno already ignores); Deno has no
// SIG_IGN, so a no-op listener keeps SIGXFSZ from ending the daemon (SIG.other).
Deno.addSignalListener("SIGXFSZ", () => {});

const rt = createDenoRuntime();
rt.exit(await runCli(rt.args, cliHostOf(rt), (options, config, run) => startDaemon(rt, options, config, run)));
