/**
 * The interactive shell (CTL.mode): runs `status` first, then prompts with
 * `<prompt>> `, runs each line read until `quit`, `exit`, end of input
 * (treated as the command `EOF`) or Ctrl-C (an empty line is printed).
 *
 * History: with `[supervisorctl] history_file` set, the file is read at
 * start and written back at the end in readline's plain one-entry-per-line
 * format, with the lines typed on a terminal appended (readline records only
 * terminal input). There is no line editing or recall and no tab completion:
 * the runtime seam offers no raw terminal mode, so the terminal's own
 * canonical-mode editing is what the user gets.
 *
 * Python counterpart: supervisor/supervisorctl.py
 * (`Controller.exec_cmdloop`) and the stdlib cmd.py (`Cmd.cmdloop`).
 * @module
 */

import type { Controller } from "./controller.ts";
import type { ReadToken } from "./_input.ts";

const INTERRUPTED = Symbol("interrupted");

/** The history file's entries, or none when it cannot be read. */
async function readHistory(ctl: Controller, path: string): Promise<string[]> {
  try {
    const text = await ctl.rt.fs.readTextFile(path);
    return text.split("\n").filter((line, i, all) => i < all.length - 1 || line !== "");
  } catch {
    return [];
  }
}

/** Writes the history back; failures are ignored, as Python's `save()` ignores IOError. */
async function writeHistory(ctl: Controller, path: string, entries: readonly string[]): Promise<void> {
  try {
    await ctl.rt.fs.writeTextFile(path, entries.map((e) => e + "\n").join(""));
  } catch {
    // Python: `except IOError: pass`.
  }
}

/** Reads one command line after the prompt; "EOF" at end of input. */
async function prompt(ctl: Controller, token: ReadToken): Promise<string> {
  ctl.write(`${ctl.options.prompt}> `);
  return (await ctl.input.readLine(token)) ?? "EOF";
}

/** The read-eval loop; resolves once the shell is left. */
async function loop(ctl: Controller, history: string[] | null, interrupted: Promise<void>): Promise<void> {
  const stop = interrupted.then((): typeof INTERRUPTED => INTERRUPTED);
  const record = history !== null && ctl.input.isTerminal();
  let line = "status";
  for (;;) {
    const done = await Promise.race([ctl.onecmd(line), stop]);
    if (done === INTERRUPTED) return ctl.output("");
    if (done) return;
    const token: ReadToken = { cancelled: false };
    const next = await Promise.race([prompt(ctl, token), stop]);
    if (next === INTERRUPTED) {
      token.cancelled = true;
      return ctl.output("");
    }
    if (record && next !== "EOF" && next !== "") history.push(next);
    line = next;
  }
}

/**
 * Runs the interactive shell on `ctl` until it is left. The caller exits
 * with status 0 whatever the commands did, as Python does.
 */
export async function runShell(ctl: Controller): Promise<void> {
  const path = ctl.options.historyFile;
  const history = path === null ? null : await readHistory(ctl, path);
  try {
    await ctl.interrupts.scope((interrupted) => loop(ctl, history, interrupted));
  } finally {
    if (path !== null && history !== null) await writeHistory(ctl, path, history);
  }
}
