/**
 * Our client's dependency and health commands (EXTENSIONS.md §2, §3, §12):
 * `health` (exit 0 when the daemon is RUNNING and every essential and every
 * health-checked process is up and healthy, 1 otherwise, for Docker's
 * `HEALTHCHECK CMD`), and `start --with-deps <name>…`, which starts what
 * the named processes depend on first (dependencies of dependencies
 * included, each waited for until its condition is met), then the named
 * processes. Both read the daemon's JSON API; plain `start` stays the stock
 * client's.
 *
 * Python counterpart: none (the stock client has neither; process-compose's
 * `up` pulls dependencies in the same way).
 * @module
 */

import { RpcFault } from "./py_errors.ts";
import { apiRequest } from "./api_client.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { pySplit } from "./_text.ts";

/** The fields of `/api/v1/processes` used here. */
interface ApiProcess {
  name: string;
  group: string;
  namespec: string;
  statename: string;
  depends_on: string[] | null;
  health: { status: string } | null;
}

const POLL_MS = 100;
const WAIT_LIMIT_MS = 300_000;

const doHealth: Command = async (ctl, arg) => {
  if (pySplit(arg).length > 0) {
    ctl.output("Error: health accepts no arguments");
    ctl.exitstatus = Exit.INVALID_ARGS;
    return;
  }
  let reply;
  try {
    reply = await apiRequest(ctl.rt, ctl.options, "GET", "/health");
  } catch (e) {
    reply = null;
    ctl.output(`unhealthy: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (reply === null) {
    ctl.output("unhealthy: no answer from the daemon's JSON API");
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  const body = reply.body as { status?: string; reasons?: string[] };
  if (reply.status === 200) {
    ctl.output("healthy");
    return;
  }
  ctl.output(`unhealthy${body.reasons?.length ? `: ${body.reasons.join("; ")}` : ""}`);
  ctl.exitstatus = Exit.GENERIC;
};

/** Splits `target:condition` as the API lists `depends_on`. */
function splitEntry(entry: string): { target: string; condition: string } {
  const colon = entry.lastIndexOf(":");
  return { target: entry.slice(0, colon), condition: entry.slice(colon + 1) };
}

/** The processes a name or target means: a group, `group:process`, `group:*`, or a process name. */
function resolve(all: readonly ApiProcess[], name: string): ApiProcess[] {
  const colon = name.indexOf(":");
  if (colon >= 0) {
    const [group, proc] = [name.slice(0, colon), name.slice(colon + 1)];
    return all.filter((p) => p.group === group && (proc === "" || proc === "*" || p.name === proc));
  }
  const group = all.filter((p) => p.group === name);
  return group.length > 0 ? group : all.filter((p) => p.name === name);
}

/** The named processes and everything they depend on, dependencies first, each once, with its waited condition. */
export function startOrder(
  all: readonly ApiProcess[],
  names: readonly string[],
): Array<{ proc: ApiProcess; conditions: string[] }> {
  const order: Array<{ proc: ApiProcess; conditions: string[] }> = [];
  const seen = new Map<string, { proc: ApiProcess; conditions: string[] }>();
  const visiting = new Set<string>();
  const visit = (proc: ApiProcess, condition: string | null) => {
    const known = seen.get(proc.namespec);
    if (known !== undefined) {
      if (condition !== null && !known.conditions.includes(condition)) known.conditions.push(condition);
      return;
    }
    if (visiting.has(proc.namespec)) return;
    visiting.add(proc.namespec);
    for (const entry of proc.depends_on ?? []) {
      const { target, condition: c } = splitEntry(entry);
      for (const t of resolve(all, target)) visit(t, c);
    }
    const item = { proc, conditions: condition === null ? [] : [condition] };
    seen.set(proc.namespec, item);
    order.push(item);
  };
  for (const name of names) for (const p of resolve(all, name)) visit(p, null);
  return order;
}

async function processes(ctl: Controller): Promise<ApiProcess[] | null> {
  const reply = await apiRequest(ctl.rt, ctl.options, "GET", "/processes");
  if (reply === null || reply.status !== 200) return null;
  return (reply.body as { processes: ApiProcess[] }).processes;
}

/** True when `p` meets `condition` now; a text when it never will; false to keep waiting. */
function met(p: ApiProcess, condition: string): boolean | string {
  const s = p.statename;
  if (s === "FATAL") return `${p.namespec} is FATAL`;
  switch (condition) {
    case "started":
      return s === "STARTING" || s === "RUNNING";
    case "healthy":
      return s === "RUNNING" && p.health?.status === "healthy";
    case "completed":
    case "succeeded":
      return s === "EXITED";
    default:
      return s === "RUNNING";
  }
}

/** Waits until every condition of `namespec` is met; a text when it cannot be. */
async function waitFor(ctl: Controller, namespec: string, conditions: readonly string[]): Promise<string | null> {
  const clock = ctl.rt.clock;
  const until = clock.monotonic() + WAIT_LIMIT_MS;
  for (;;) {
    const p = (await processes(ctl))?.find((x) => x.namespec === namespec);
    if (p === undefined) return `${namespec} is gone`;
    const answers = conditions.map((c) => met(p, c));
    const failed = answers.find((a) => typeof a === "string");
    if (typeof failed === "string") return failed;
    if (answers.every((a) => a === true)) return null;
    if (clock.monotonic() > until) return `timed out waiting for ${namespec} (${conditions.join(", ")})`;
    await new Promise<void>((wake) => clock.setTimeout(wake, POLL_MS));
  }
}

async function startWithDeps(ctl: Controller, names: string[]): Promise<void> {
  const all = await processes(ctl);
  if (all === null) {
    ctl.output("start --with-deps: this supervisord has no JSON API (supervisor-ts's daemon with api=true has it)");
    ctl.exitstatus = Exit.GENERIC;
    return;
  }
  for (const name of names) {
    if (resolve(all, name).length === 0) {
      ctl.output(`${name}: ERROR (no such process)`);
      ctl.exitstatus = Exit.GENERIC;
      return;
    }
  }
  for (const { proc, conditions } of startOrder(all, names)) {
    if (proc.statename !== "RUNNING" && proc.statename !== "STARTING") {
      try {
        await ctl.getSupervisor().call("startProcess", proc.namespec, true);
        ctl.output(`${proc.namespec}: started`);
      } catch (e) {
        if (!(e instanceof RpcFault)) throw e;
        ctl.output(`${proc.namespec}: ERROR (${e.faultString})`);
        ctl.exitstatus = Exit.GENERIC;
        return;
      }
    }
    if (conditions.length === 0) continue;
    const problem = await waitFor(ctl, proc.namespec, conditions);
    if (problem !== null) {
      ctl.output(`${proc.namespec}: ERROR (${problem})`);
      ctl.exitstatus = Exit.GENERIC;
      return;
    }
  }
}

/** `start --with-deps name…`, or the stock `start` without the option. */
export function startCommand(stock: Command): Command {
  return async (ctl, arg) => {
    const words = pySplit(arg);
    if (!words.includes("--with-deps")) return await stock(ctl, arg);
    const names = words.filter((w) => w !== "--with-deps");
    if (names.length === 0) {
      ctl.output("Error: start --with-deps requires a process name");
      ctl.exitstatus = Exit.INVALID_ARGS;
      return;
    }
    if (!(await ctl.upcheck())) return;
    await startWithDeps(ctl, names);
  };
}

/** The commands only our client has for dependencies and health. */
export const DEPS_COMMANDS: ReadonlyMap<string, Command> = new Map([["health", doHealth]]);
