/**
 * supervisorctl in our binary: `supervisord ctl [options] [command]`, or
 * the binary invoked through a link named `supervisorctl`. Reads the
 * options and config, then runs one command (exit status from the command)
 * or the interactive shell (exit status 0).
 *
 * Python counterpart: supervisor/supervisorctl.py (`main`).
 * @module
 */

import type { Runtime } from "../runtime/types.ts";
import { ADMIN_COMMANDS } from "./commands_admin.ts";
import { LOG_COMMANDS } from "./commands_logs.ts";
import { PROCESS_COMMANDS } from "./commands_process.ts";
import { OPS_COMMANDS } from "./commands_ops.ts";
import { APPLY_COMMANDS, updateCommand } from "./commands_apply.ts";
import { DEPS_COMMANDS, startCommand } from "./commands_deps.ts";
import { LOGS_COMMANDS } from "./commands_merged_logs.ts";
import { TOP_COMMANDS } from "./commands_top.ts";
import { type Command, Controller, Exit } from "./controller.ts";
import { type CtlHost, parseCtlOptions } from "./options.ts";
import { runShell } from "./shell.ts";

/** Every command of the stock client, then those only ours has, by name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ...PROCESS_COMMANDS,
  ...LOG_COMMANDS,
  ...ADMIN_COMMANDS,
  ...OPS_COMMANDS,
  ...APPLY_COMMANDS,
  ...LOGS_COMMANDS,
  ...TOP_COMMANDS,
  ...DEPS_COMMANDS,
  ["start", startCommand(PROCESS_COMMANDS.get("start")!)],
  ["update", updateCommand(ADMIN_COMMANDS.get("update")!)],
]);

/** How the client was invoked. */
export interface CtlInvocation {
  /** Shown in the usage text and usage errors (`supervisorctl`, `/usr/bin/supervisord ctl`). */
  progname: string;
  /** The program path the default config search is relative to. */
  argv0: string;
}

/** The {@link CtlHost} view of a runtime. */
function ctlHostOf(rt: Runtime, how: CtlInvocation): CtlHost {
  return {
    progname: how.progname,
    argv0: how.argv0,
    cwd: rt.cwd(),
    env: rt.env(),
    exists: (p) => rt.fs.statSync(p) !== null,
    isDirectory: (p) => rt.fs.statSync(p)?.isDirectory ?? false,
    readFile: (p) => rt.fs.readFileSync(p),
  };
}

/**
 * Runs supervisorctl with `args` (the words after the program name, or
 * after `ctl`); resolves to the exit status.
 *
 * @example
 * ```ts
 * import { FakeRuntime } from "../runtime/fake.ts";
 *
 * const rt = new FakeRuntime();
 * const code = await runCtl(rt, ["-s", "unix:///run/supervisord.sock", "status"], {
 *   progname: "supervisorctl",
 *   argv0: "/usr/bin/supervisorctl",
 * });
 * console.log(code, rt.stdoutText()); // 4 "unix:///run/supervisord.sock no such file\n"
 * ```
 */
export async function runCtl(rt: Runtime, args: readonly string[], how: CtlInvocation): Promise<number> {
  const setup = parseCtlOptions(args, ctlHostOf(rt, how));
  if (!("options" in setup)) {
    if (setup.stdout !== "") rt.stdout.write(setup.stdout);
    if (setup.stderr !== "") rt.stderr.write(setup.stderr);
    return setup.exitCode;
  }
  const ctl = new Controller(rt, setup.options, COMMANDS);
  try {
    if (setup.options.args.length > 0) {
      await ctl.onecmd(setup.options.args.join(" "));
      return ctl.exitstatus;
    }
    await runShell(ctl);
    return 0;
  } catch (e) {
    // stdout went away (`supervisorctl tail -f x | head`): Python dies of the
    // BrokenPipeError with status 1; we end quietly with the same status.
    if (isBrokenPipe(e)) return Exit.GENERIC;
    throw e;
  }
}

function isBrokenPipe(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, name } = e as { code?: unknown; name?: unknown };
  return code === "EPIPE" || name === "BrokenPipe" || name === "BrokenPipeError";
}
