/**
 * Commands of our client that restart nothing (EXTENSIONS.md §6 and §12):
 * `reopen` (what SIGUSR2 does: every log closed and opened again) and
 * `rotate [name…|all] [--main]` (rotate logs now), through the daemon's
 * JSON API; and the extension fields `status --json` adds when the daemon
 * is ours. Against supervisord 4.2.5, which has no such API, `reopen` and
 * `rotate` say what to do instead and exit 1.
 *
 * Python counterpart: none (supervisor/supervisord.py handles SIGUSR2; the
 * stock client has no such commands).
 * @module
 */

import { apiRequest, hasApi } from "./api_client.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { pySplit } from "./_text.ts";

/** The fields of `/api/v1/processes` that `getAllProcessInfo` does not have. */
const EXTENSION_FIELDS = [
  "backoff",
  "health",
  "depends_on",
  "waiting_on",
  "dependency_failed",
  "restarts",
  "consecutive_failures",
  "next_start_at",
  "essential",
  "shutdown_on_exit",
  "cpu_seconds",
  "rss_bytes",
  "schedule",
  "watch",
] as const;

/**
 * The extension fields of every process by namespec, when the daemon has
 * the JSON API; null otherwise (supervisord 4.2.5, `api = false`, or any
 * failure: `status --json` then shows the XML-RPC fields only).
 */
export async function processExtras(ctl: Controller): Promise<Map<string, Record<string, unknown>> | null> {
  try {
    const reply = await apiRequest(ctl.rt, ctl.options, "GET", "/processes");
    if (reply === null || reply.status !== 200) return null;
    const out = new Map<string, Record<string, unknown>>();
    for (const p of (reply.body as { processes: Array<Record<string, unknown>> }).processes) {
      out.set(String(p.namespec), Object.fromEntries(EXTENSION_FIELDS.filter((k) => k in p).map((k) => [k, p[k]])));
    }
    return out;
  } catch {
    return null;
  }
}

/** Says that the daemon has no JSON API and how to do it there; exit 1. */
async function noApi(ctl: Controller, what: string, instead: string): Promise<void> {
  let pid = "<pid>";
  try {
    pid = String(await ctl.getSupervisor().call("getPID"));
  } catch { /* the hint keeps the placeholder */ }
  ctl.output(`${what}: this supervisord has no JSON API (supervisor-ts's daemon with api=true has it)`);
  ctl.output(instead.replace("<pid>", pid));
  ctl.exitstatus = Exit.GENERIC;
}

function apiError(ctl: Controller, what: string, body: unknown): void {
  const err = (body as { error?: { code?: string; message?: string } }).error;
  ctl.output(`${what}: ERROR (${err?.code ?? "FAILED"}: ${err?.message ?? ""})`);
  ctl.exitstatus = Exit.GENERIC;
}

const doReopen: Command = async (ctl, arg) => {
  if (pySplit(arg).length > 0) {
    ctl.output("Error: reopen accepts no arguments");
    ctl.exitstatus = Exit.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  if (!(await hasApi(ctl.rt, ctl.options))) {
    return await noApi(ctl, "reopen", "Send it SIGUSR2 instead: kill -USR2 <pid>");
  }
  const reply = await apiRequest(ctl.rt, ctl.options, "POST", "/logs/reopen");
  if (reply === null) return await noApi(ctl, "reopen", "Send it SIGUSR2 instead: kill -USR2 <pid>");
  if (reply.status !== 200) return apiError(ctl, "reopen", reply.body);
  ctl.output("Reopened the main log and every process log");
};

interface RotateResult {
  target: string;
  stream: string;
  rotated: boolean;
}

const doRotate: Command = async (ctl, arg) => {
  const words = pySplit(arg);
  const main = words.includes("--main");
  const names = words.filter((w) => w !== "--main");
  const bad = names.find((w) => w.startsWith("-"));
  if (bad !== undefined) {
    ctl.output(`Error: unknown option ${bad}`);
    ctl.exitstatus = Exit.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  const noRotate = "supervisord 4.2.5 rotates only by size (*_logfile_maxbytes)";
  if (!(await hasApi(ctl.rt, ctl.options))) return await noApi(ctl, "rotate", noRotate);
  const all = names.length === 0 ? !main : names.includes("all");
  const requests: Array<[string, unknown]> = [];
  if (all || main) requests.push(["/logs/rotate", { main, processes: all }]);
  if (!all) { for (const n of names) requests.push([`/processes/${encodeURIComponent(n)}/logs/rotate`, {}]); }
  for (const [path, body] of requests) {
    const reply = await apiRequest(ctl.rt, ctl.options, "POST", path, body);
    if (reply === null) return await noApi(ctl, "rotate", noRotate);
    if (reply.status !== 200) {
      apiError(ctl, path.startsWith("/processes/") ? decodeURIComponent(path.split("/")[2]!) : "rotate", reply.body);
      continue;
    }
    for (const r of (reply.body as { results: RotateResult[] }).results) {
      const what = r.stream === "main" ? "main log" : `${r.target} ${r.stream}`;
      ctl.output(r.rotated ? `${what}: rotated` : `${what}: not rotated (not open, not a regular file, or no backups)`);
    }
  }
};

/** Our client's commands that restart nothing. */
export const OPS_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ["reopen", doReopen],
  ["rotate", doRotate],
]);
