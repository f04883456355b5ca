/**
 * The dependency keys of a program (EXTENSIONS.md §2): `depends_on`,
 * `depends_timeout` and `on_dependency_failure`, read per process, then
 * checked across the whole config (unknown targets, self-dependencies,
 * cycles, unknown conditions, `:healthy` on a program without a check).
 * Python reads options by name, so it never sees these keys: a config using
 * them still loads in supervisord 4.2.5.
 *
 * Target resolution is shared with the engine ({@linkcode resolveTarget}):
 * a group name means every process of the group, `group:process` one
 * process, and any other name a process of that name in a `[group:x]`.
 *
 * Python counterpart: none (the peers: process-compose's `depends_on`,
 * rsupervisord's DAG, the Go port's `config/process_sort.go`).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { boolean } from "./datatypes.ts";
import { choice, duration } from "./ext_values.ts";
import { readHealthKeys } from "./load_health.ts";
import { pyRepr } from "./pyrepr.ts";
import type { DependencyCondition, DependencyExtensions, DependsOn, ProcessGroupConfig } from "./schema.ts";

/** Condition words, the plugin's `starting`/`exited` included, and what they mean. */
const CONDITIONS: Readonly<Record<string, DependencyCondition>> = {
  started: "started",
  starting: "started",
  running: "running",
  healthy: "healthy",
  completed: "completed",
  exited: "completed",
  succeeded: "succeeded",
};

const CONDITION_HINT = "(use started, running, healthy, completed, succeeded)";

/** Reads one expanded option, or null when it is absent. */
type KeyReader = (key: string) => string | null;

/** `ready_log`: a regular expression, checked here. */
function readyLog(raw: string | null): string | null {
  if (raw === null) return null;
  try {
    new RegExp(raw);
  } catch (e) {
    throw new ValueConversionError(`invalid regular expression in ready_log: ${(e as Error).message}`);
  }
  return raw;
}

/** Plugin state words (`dependent_startup_wait_for`) and the conditions they mean. */
const PLUGIN_STATES: Readonly<Record<string, DependencyCondition>> = {
  starting: "started",
  running: "running",
  exited: "completed",
};

/** `[supervisord] dependent_startup`: `native` reads the plugin's keys; `ignore` (default) leaves them to it. */
export function readDependentStartup(get: KeyReader): boolean {
  const raw = get("dependent_startup");
  return raw !== null && choice("dependent_startup", raw, ["ignore", "native"]) === "native";
}

/**
 * The supervisord-dependent-startup plugin's keys read natively:
 * `dependent_startup=true` makes the program start (although
 * `autostart=false`) once `dependent_startup_wait_for` is met; each
 * whitespace-separated `target:state[,state…]` means any of the states.
 */
function pluginDependencies(get: KeyReader): { on: boolean; depends_on: DependsOn[] } {
  const flag = get("dependent_startup");
  const on = flag !== null && boolean(flag);
  const raw = on ? get("dependent_startup_wait_for") : null;
  const depends_on: DependsOn[] = [];
  for (const item of (raw ?? "").split(/\s+/).filter((s) => s !== "")) {
    const colon = item.lastIndexOf(":");
    if (colon <= 0) {
      throw new ValueConversionError(`dependent_startup_wait_for needs target:state, got ${pyRepr(item)}`);
    }
    const states = item.slice(colon + 1).split(",").map((w) => w.trim().toLowerCase()).filter((w) => w !== "");
    const conditions = states.map((w) => {
      const c = PLUGIN_STATES[w];
      if (c === undefined) {
        throw new ValueConversionError(
          `dependent_startup_wait_for state ${pyRepr(w)} is not supported natively (use starting, running, exited)`,
        );
      }
      return c;
    });
    if (conditions.length === 0) {
      throw new ValueConversionError(`dependent_startup_wait_for needs target:state, got ${pyRepr(item)}`);
    }
    const [condition, ...or] = [...new Set(conditions)];
    depends_on.push(
      or.length > 0
        ? { target: item.slice(0, colon), condition: condition!, or }
        : { target: item.slice(0, colon), condition: condition! },
    );
  }
  return { on, depends_on };
}

/**
 * The dependency keys of one process of `section`.
 *
 * @param get Reads an expanded option of the section.
 * @param section The section name, as `program:web`.
 * @param native `[supervisord] dependent_startup=native`: the plugin's keys count too.
 */
export function readDependencyKeys(get: KeyReader, section: string, native = false): DependencyExtensions {
  if (section.startsWith("eventlistener:") && (get("healthcheck") ?? get("liveness_check_script")) !== null) {
    throw new ValueConversionError(`healthcheck is not supported in [${section}]`);
  }
  const raw = get("depends_on");
  if (raw !== null && section.startsWith("eventlistener:")) {
    throw new ValueConversionError(`depends_on is not supported in [${section}]`);
  }
  const failure = get("on_dependency_failure");
  const timeout = get("depends_timeout");
  const depends_on = raw === null ? [] : parseDependsOn(raw);
  const plugin = native && !section.startsWith("eventlistener:") ? pluginDependencies(get) : null;
  if (plugin !== null) depends_on.push(...plugin.depends_on);
  return {
    dependent_startup: plugin?.on ?? false,
    depends_on,
    depends_timeout: timeout === null ? 0 : duration(timeout),
    on_dependency_failure: failure === null
      ? "ignore"
      : choice("on_dependency_failure", failure, ["ignore", "stop", "restart"]),
    depends_section: depends_on.length > 0 ? section : null,
    healthcheck: readHealthKeys(get),
    ready_log: readyLog(get("ready_log")),
  };
}

/**
 * `depends_on`'s entries: separated by commas and/or whitespace. A trailing
 * `:word` is a condition only when the word is a condition; otherwise the
 * whole entry is the target (a `group:process` namespec).
 */
export function parseDependsOn(raw: string): DependsOn[] {
  const out: DependsOn[] = [];
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== "")) {
    const colon = item.lastIndexOf(":");
    const word = colon < 0 ? "" : item.slice(colon + 1).toLowerCase();
    const condition = CONDITIONS[word];
    if (condition !== undefined) out.push({ target: item.slice(0, colon), condition });
    else out.push({ target: item, condition: "running" });
  }
  return out;
}

/** A group as target resolution sees it: its name and its processes. */
export interface TargetGroup<P extends { readonly name: string }> {
  readonly name: string;
  readonly members: readonly P[];
}

/**
 * The processes a `depends_on` target names, or null when it names none: a
 * group (all its processes), a `group:process` namespec, or a process name
 * found in any group.
 */
export function resolveTarget<P extends { readonly name: string }>(
  target: string,
  groups: readonly TargetGroup<P>[],
): P[] | null {
  const colon = target.indexOf(":");
  if (colon >= 0) {
    const group = groups.find((g) => g.name === target.slice(0, colon));
    const rest = target.slice(colon + 1);
    if (group === undefined) return null;
    if (rest === "" || rest === "*") return [...group.members];
    const proc = group.members.find((p) => p.name === rest);
    return proc === undefined ? null : [proc];
  }
  const group = groups.find((g) => g.name === target);
  if (group !== undefined) return [...group.members];
  const procs = groups.flatMap((g) => g.members.filter((p) => p.name === target));
  return procs.length > 0 ? procs : null;
}

/** Whether a target process can report `healthy` (a health check or `ready_log`). */
type HasHealth = (group: string, process: string) => boolean;

/**
 * Checks every `depends_on` of `groups` against the others; throws the
 * first error with supervisord's ` in section '…' (file: '…')` suffix.
 *
 * @param fileOf The file a section was read from.
 */
export function checkDependencies(
  groups: readonly ProcessGroupConfig[],
  fileOf: (section: string) => string,
): void {
  const hasHealth: HasHealth = (g, p) => {
    const proc = groups.find((x) => x.name === g)?.processes.find((x) => x.name === p);
    return proc !== undefined && (proc.healthcheck !== null || proc.ready_log !== null);
  };
  const targets = groups.map((g) => ({ name: g.name, members: g.processes.map((p) => ({ name: p.name, g })) }));
  const key = (group: string, proc: string) => `${group}:${proc}`;
  const edges = new Map<string, string[]>();
  for (const group of groups) {
    for (const proc of group.processes) {
      const section = proc.depends_section;
      if (section === null) continue;
      const where = ` in section ${pyRepr(section)} (file: ${pyRepr(fileOf(section))})`;
      const fail = (msg: string) => new ValueConversionError(msg + where);
      const out: string[] = [];
      for (const dep of proc.depends_on) {
        const found = resolveTarget(dep.target, targets);
        if (found === null) throw fail(unresolved(dep.target, targets));
        for (const t of found) {
          if (t.g === group && t.name === proc.name) throw fail(`program ${pyRepr(proc.name)} depends on itself`);
          if (dep.condition === "healthy" && !hasHealth(t.g.name, t.name)) {
            throw fail(
              `depends_on ${pyRepr(`${dep.target}:healthy`)} but program ${
                pyRepr(t.name)
              } has no healthcheck or ready_log`,
            );
          }
          out.push(key(t.g.name, t.name));
        }
      }
      edges.set(key(group.name, proc.name), out);
    }
  }
  const cycle = findCycle(edges);
  if (cycle !== null) {
    const [group, proc] = splitKey(cycle[0]!);
    const section = groups.find((g) => g.name === group)?.processes.find((p) => p.name === proc)?.depends_section ?? "";
    const names = cycle.map((k) => splitKey(k)[1]);
    throw new ValueConversionError(
      `depends_on cycle: ${names.join(" -> ")} in section ${pyRepr(section)} (file: ${pyRepr(fileOf(section))})`,
    );
  }
}

/** An unknown target's message: an unknown condition when the text before its last `:` resolves. */
function unresolved(target: string, groups: readonly TargetGroup<{ name: string }>[]): string {
  const colon = target.lastIndexOf(":");
  if (colon > 0 && resolveTarget(target.slice(0, colon), groups) !== null) {
    return `unknown depends_on condition ${pyRepr(target.slice(colon + 1))} ${CONDITION_HINT}`;
  }
  return `depends_on names unknown program ${pyRepr(target)}`;
}

function splitKey(k: string): [string, string] {
  const i = k.indexOf(":");
  return [k.slice(0, i), k.slice(i + 1)];
}

/** The first cycle of a graph (depth-first, in insertion order), closed (`a, b, a`), or null. */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    const s = state.get(node);
    if (s === "done") return null;
    if (s === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found !== null) return found;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of edges.keys()) {
    const found = visit(node);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The WARN lines for dependencies that `priority` contradicts (a dependent
 * whose priority is lower, so supervisord alone would start it first):
 * `program 'web' (priority 100) depends on 'db' (priority 200); start order follows depends_on`.
 */
export function priorityWarnings(groups: readonly ProcessGroupConfig[]): string[] {
  const targets = groups.map((g) => ({ name: g.name, members: g.processes }));
  const out: string[] = [];
  for (const g of groups) {
    for (const p of g.processes) {
      for (const dep of p.depends_on) {
        const later = (resolveTarget(dep.target, targets) ?? []).find((t) => t.priority > p.priority);
        if (later === undefined) continue;
        out.push(
          `program ${pyRepr(p.name)} (priority ${p.priority}) depends on ${pyRepr(dep.target)} ` +
            `(priority ${later.priority}); start order follows depends_on`,
        );
      }
    }
  }
  return out;
}

/** WARN lines for health checks whose timeout is not shorter than their interval (a probe could use it all). */
export function healthWarnings(groups: readonly ProcessGroupConfig[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    for (const p of g.processes) {
      const c = p.healthcheck;
      if (c === null || c.timeout < c.interval) continue;
      out.add(
        `program ${
          pyRepr(p.name)
        }: healthcheck_timeout (${c.timeout}s) is not shorter than healthcheck_interval (${c.interval}s)`,
      );
    }
  }
  return [...out];
}

/**
 * With `dependent_startup=native`, the WARN lines for the plugin's own
 * listener (an `[eventlistener:x]` whose command names
 * `supervisord_dependent_startup`): both would start the same programs.
 */
export function dependentStartupWarnings(groups: readonly ProcessGroupConfig[]): string[] {
  return groups
    .filter((g) =>
      g.kind === "eventlistener" && g.processes.some((p) => p.command.includes("supervisord_dependent_startup"))
    )
    .map((g) => `dependent_startup=native and the plugin listener '${g.name}' both start programs; disable one`);
}
