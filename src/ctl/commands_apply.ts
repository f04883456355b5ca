/**
 * `apply [--dry-run] [name…]` (EXTENSIONS.md §7 and §12): has the daemon
 * apply the config file as it is on disk surgically, through its JSON API
 * (`POST /api/v1/config/apply`), and prints one line per process that
 * changed (or, with `--dry-run`, would change):
 * `g:web  restart  (command changed)`, `worker:worker  in place  (startretries 3 -> 5)`.
 * With `--dry-run`, names (a process `group:name`, or a group) narrow the
 * list. `update` keeps Python's behaviour.
 *
 * Python counterpart: none (supervisor/supervisorctl.py `do_reread` is the
 * nearest: it lists changed groups).
 * @module
 */

import { apiRequest, hasApi } from "./api_client.ts";
import { type Command, Exit } from "./controller.ts";
import { pySplit } from "./_text.ts";

interface Change {
  process: string;
  kind: string;
  detail: string;
}

const doApply: Command = async (ctl, arg) => {
  const words = pySplit(arg);
  const dryRun = words.includes("--dry-run");
  const names = words.filter((w) => w !== "--dry-run");
  const bad = names.find((w) => w.startsWith("-"));
  if (bad !== undefined || (!dryRun && names.length > 0)) {
    ctl.output(bad !== undefined ? `Error: unknown option ${bad}` : "Error: names narrow apply --dry-run only");
    ctl.exitstatus = Exit.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  const reply = (await hasApi(ctl.rt, ctl.options))
    ? await apiRequest(ctl.rt, ctl.options, "POST", "/config/apply", { dry_run: dryRun })
    : null;
  if (reply === null) {
    ctl.output("apply: this supervisord has no JSON API (supervisor-ts's daemon with api=true has it)");
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  if (reply.status !== 200) {
    const err = (reply.body as { error?: { code?: string; message?: string } }).error;
    ctl.output(`ERROR: ${err?.message ?? "FAILED"}`);
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  const wanted = (c: Change) =>
    names.length === 0 || names.some((n) => c.process === n || c.process.startsWith(`${n}:`));
  const changes = (reply.body as { changes: Change[] }).changes.filter(wanted);
  if (changes.length === 0) ctl.output("No config changes");
  for (const c of changes) ctl.output(`${c.process}  ${c.kind}${c.detail === "" ? "" : `  (${c.detail})`}`);
};

/** Our client's `apply`. */
export const APPLY_COMMANDS: ReadonlyMap<string, Command> = new Map([["apply", doApply]]);

/**
 * `update` as `[supervisorctl] update_mode` says: the stock command
 * (`python`, the default), or `apply` (`surgical`; `update all` is `apply`).
 */
export function updateCommand(stock: Command): Command {
  return (ctl, arg) => {
    if (ctl.options.updateMode !== "surgical") return stock(ctl, arg);
    const words = pySplit(arg);
    return doApply(ctl, words.length === 1 && words[0] === "all" ? "" : arg);
  };
}
