/**
 * The interactive shell (CTL.mode): runs `status` first, then prompts with
 * `<prompt>> `, runs each line read until `quit`, `exit`, end of input
 * (treated as the command `EOF`) or Ctrl-C (an empty line is printed).
 *
 * On a terminal each line is read through the line editor (line_editor.ts)
 * in raw mode: cursor keys, history recall, Tab completion (completion.ts);
 * the terminal goes back to cooked mode while a command runs, so `fg`,
 * confirmations and Ctrl-C behave as in the stock client. Input that is not
 * a terminal is read line by line.
 *
 * History: with `[supervisorctl] history_file` set, the file is read at
 * start and written back at the end in readline's plain one-entry-per-line
 * format, with the lines typed on a terminal appended (readline records only
 * terminal input). Without the file, a session still recalls its own lines.
 *
 * Python counterpart: supervisor/supervisorctl.py
 * (`Controller.exec_cmdloop`) and the stdlib cmd.py (`Cmd.cmdloop`).
 * @module
 */

import { ShellCompleter } from "./completion.ts";
import type { Controller } from "./controller.ts";
import type { ReadToken } from "./_input.ts";
import { KeyDecoder } from "./_keys.ts";
import { LineEditor } from "./line_editor.ts";

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

/** What the shell reads with: the history and, on a terminal, the completer. */
interface Session {
  history: string[];
  completer: ShellCompleter | null;
}

/** The command names, `help` first and the rest in Python's `dir()` order (Controller.vocab). */
function vocabulary(ctl: Controller): string[] {
  const names = [...ctl.commands.keys()].filter((n) => n !== "help");
  return ["help", ...names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
}

/** Reads one command line after the prompt; "EOF" at end of input. */
async function prompt(ctl: Controller, token: ReadToken, session: Session): Promise<string | typeof INTERRUPTED> {
  if (session.completer !== null && ctl.input.setRaw(true)) {
    try {
      return await editLine(ctl, token, session.history, session.completer);
    } finally {
      ctl.input.setRaw(false);
    }
  }
  ctl.write(`${ctl.options.prompt}> `);
  return (await ctl.input.readLine(token)) ?? "EOF";
}

/** Reads one line through the line editor; input after the line stays for the next read. */
async function editLine(
  ctl: Controller,
  token: ReadToken,
  history: readonly string[],
  completer: ShellCompleter,
): Promise<string | typeof INTERRUPTED> {
  const complete = (line: string, cursor: number) => completer.complete(line, cursor);
  const columns = () => ctl.rt.stdout.columns();
  const editor = new LineEditor(`${ctl.options.prompt}> `, history, (text) => ctl.write(text), complete, columns);
  const keys = new KeyDecoder();
  editor.start();
  for (;;) {
    const text = await ctl.input.readText(token);
    if (text === null) return "EOF";
    const decoded = keys.decode(text);
    for (const [i, { key }] of decoded.entries()) {
      const result = await editor.press(key);
      if (result === null) continue;
      ctl.input.unread(decoded.slice(i + 1).map((k) => k.raw).join("") + keys.takePending());
      if ("line" in result) return result.line;
      return "eof" in result ? "EOF" : INTERRUPTED;
    }
  }
}

/** The read-eval loop; resolves once the shell is left. */
async function loop(ctl: Controller, session: Session, record: boolean, interrupted: Promise<void>): Promise<void> {
  const stop = interrupted.then((): typeof INTERRUPTED => INTERRUPTED);
  let line = "status";
  for (;;) {
    session.completer?.reset();
    const done = await Promise.race([ctl.onecmd(line), stop]);
    if (done === INTERRUPTED) return ctl.output("");
    if (done) return;
    const token: ReadToken = { cancelled: false };
    const next = await Promise.race([prompt(ctl, token, session), stop]);
    if (next === INTERRUPTED) {
      token.cancelled = true;
      ctl.input.setRaw(false);
      return ctl.output("");
    }
    if (record && next !== "EOF" && next !== "") session.history.push(next);
    line = next;
  }
}

/**
 * Runs the interactive shell on `ctl` until it is left. The caller exits
 * with status 0 whatever the commands did, as Python does.
 */
export async function runShell(ctl: Controller): Promise<void> {
  const path = ctl.options.historyFile;
  const terminal = ctl.input.isTerminal();
  const session: Session = {
    history: path === null ? [] : await readHistory(ctl, path),
    completer: terminal
      ? new ShellCompleter(vocabulary(ctl), () => ctl.getSupervisor().call("getAllProcessInfo"))
      : null,
  };
  try {
    await ctl.interrupts.scope((interrupted) => loop(ctl, session, terminal, interrupted));
  } finally {
    ctl.input.setRaw(false);
    if (path !== null) await writeHistory(ctl, path, session.history);
  }
}
