/**
 * Tab completion in the interactive shell, as the stock supervisorctl
 * offers it through readline: the first word completes to a command; the
 * word after `help` to a command; after `add`, `remove` and `update` to a
 * group; after the process commands to a process (`name`, or `group:name`
 * and `group:*` for grouped processes or once a `:` is typed). Process
 * information is fetched once and kept until the next command runs.
 *
 * Python counterpart: supervisor/supervisorctl.py (`Controller.complete`,
 * `_complete_actions`, `_complete_groups`, `_complete_processes`,
 * `_get_complete_info`, and the completer delimiters `exec_cmdloop` sets).
 * @module
 */

import type { XmlRpcValue } from "../rpc/xmlrpc_value.ts";
import type { Completion } from "./line_editor.ts";

/** readline's default word delimiters without `:`, `*` and `-`, as supervisorctl sets them. */
const DELIMITERS = new Set(" \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?");

const GROUP_COMMANDS = new Set(["add", "remove", "update"]);
const PROCESS_COMMANDS = new Set(["clear", "fg", "pid", "restart", "signal", "start", "status", "stop", "tail"]);

/** The group and name of one process, from `getAllProcessInfo`. */
interface ProcessNames {
  group: string;
  name: string;
}

/** Completes shell input against the command list and the server's processes. */
export class ShellCompleter {
  #info: ProcessNames[] | null = null;

  /**
   * @param vocab the command names, in the order Python lists them
   * @param fetchInfo `supervisor.getAllProcessInfo` on the current server
   */
  constructor(
    private readonly vocab: readonly string[],
    private readonly fetchInfo: () => Promise<XmlRpcValue>,
  ) {}

  /** Forgets the process list; the next completion asks the server again. */
  reset(): void {
    this.#info = null;
  }

  /** Candidates for the word ending at `cursor` in `line` (code point offsets). */
  async complete(line: string, cursor: number): Promise<Completion> {
    const before = [...line].slice(0, cursor);
    let start = before.length;
    while (start > 0 && !DELIMITERS.has(before[start - 1]!)) start--;
    const text = before.slice(start).join("");
    return { start, matches: await this.#matches(line, text) };
  }

  async #matches(line: string, text: string): Promise<string[]> {
    if (line.trim() === "") return this.#actions(text);
    const words = line.trim().split(/\s+/);
    const action = words[0]!;
    if (words.length === 1 && !line.endsWith(" ")) return this.#actions(text);
    // Python tests `action in ('help')`, a substring test on the string "help".
    if ("help".includes(action)) return this.#actions(text);
    try {
      if (GROUP_COMMANDS.has(action)) return this.#groups(text, await this.#processes());
      if (PROCESS_COMMANDS.has(action)) return this.#names(text, await this.#processes());
    } catch {
      // readline swallows errors raised by the completer: nothing completes.
    }
    return [];
  }

  #actions(text: string): string[] {
    return this.vocab.filter((a) => a.startsWith(text)).map((a) => a + " ");
  }

  #groups(text: string, info: readonly ProcessNames[]): string[] {
    const groups = [...new Set(info.map((i) => i.group))];
    return groups.filter((g) => g.startsWith(text)).map((g) => g + " ");
  }

  #names(text: string, info: readonly ProcessNames[]): string[] {
    const names: string[] = [];
    for (const { group, name } of info) {
      if (text.includes(":") || name !== group) {
        names.push(`${group}:${name}`);
        if (!names.includes(`${group}:*`)) names.push(`${group}:*`);
      } else {
        names.push(name);
      }
    }
    return names.filter((n) => n.startsWith(text)).map((n) => n + " ");
  }

  async #processes(): Promise<ProcessNames[]> {
    if (this.#info !== null) return this.#info;
    const reply = await this.fetchInfo();
    const list = Array.isArray(reply) ? reply : [];
    this.#info = list.map((entry) => {
      const info = entry as Record<string, XmlRpcValue>;
      return { group: String(info["group"]), name: String(info["name"]) };
    });
    return this.#info;
  }
}
