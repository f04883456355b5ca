/**
 * Bun entry: `bun src/main_bun.ts [supervisord flags]`, and the file
 * `bun build --compile` turns into `dist/supervisord`.
 *
 * Python counterpart: the `supervisord` console script.
 * @module
 */

import { cliHostOf, runCli } from "./main.ts";
import { startDaemon } from "./daemon.ts";
import { createBunRuntime } from "./runtime/bun.ts";

const rt = createBunRuntime();
rt.exit(await runCli(rt.args, cliHostOf(rt), (options, config, run) => startDaemon(rt, options, config, run)));
