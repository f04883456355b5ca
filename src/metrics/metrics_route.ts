/**
 * `GET /metrics` (EXTENSIONS.md §8): the Prometheus text format of the
 * families a server section selects (`metrics_families`), served only where
 * `metrics = true`, and outside basic auth where `metrics_auth = false`.
 * CPU and RSS are read from `/proc` during the scrape, for the processes
 * that have a pid (summed over each child's process group with
 * `metrics_process_tree`); nothing is sampled between scrapes.
 *
 * Python counterpart: none (the Go port's `/metrics`, prometheus/
 * node_exporter collector/supervisord.go).
 * @module
 */

import { readBootTime, readProcessTreeStats, readProcStats, USER_HZ } from "../api/proc_stats.ts";
import type { ServerExtensions } from "../config/schema.ts";
import { healthView } from "../health/health_checks.ts";
import type { Route } from "../http/server.ts";
import { ProcessControl } from "../process/control.ts";
import { ProcessState } from "../process/states.ts";
import type { Supervisor } from "../process/supervisor.ts";
import type { Runtime } from "../runtime/types.ts";
import { SUPERVISOR_VERSION } from "../version.ts";
import type { ExitCounter } from "../api/exit_counter.ts";
import { exposition, EXPOSITION_CONTENT_TYPE } from "./exposition.ts";
import { type DaemonSnapshot, metricFamilies, type ProcessSnapshot } from "./families.ts";

/** What a scrape reads. */
export interface MetricsDeps {
  readonly supervisor: Supervisor;
  readonly runtime: Runtime;
  readonly counter: ExitCounter;
}

/**
 * The snapshot of every process, with `/proc` read now when `stats` (only
 * the native family shows CPU and memory).
 */
export async function snapshot(deps: MetricsDeps, tree: boolean, stats = true): Promise<ProcessSnapshot[]> {
  const { supervisor, runtime: rt, counter } = deps;
  const procs = new ProcessControl(supervisor).processes();
  const pids = new Set(procs.map(([, p]) => p.pid).filter((pid) => pid > 0));
  const treeStats = stats && tree ? await readProcessTreeStats(rt, pids) : null;
  const mono = rt.clock.monotonic();
  return await Promise.all(procs.map(async ([group, proc]) => {
    const figures = !stats || proc.pid <= 0
      ? null
      : treeStats !== null
      ? treeStats.get(proc.pid) ?? null
      : await readProcStats(rt, proc.pid);
    const due = proc.state === ProcessState.BACKOFF ? proc.nextDue(mono) : null;
    return {
      group: group.name,
      proc,
      stats: figures,
      counts: counter.counts(proc),
      backoffSeconds: due === null ? null : Math.max(0, (due - mono) / 1000),
      healthy: ((h) => h === null ? null : h.status === "healthy")(healthView(supervisor, proc)),
    };
  }));
}

async function daemonSnapshot(rt: Runtime, stats: boolean): Promise<DaemonSnapshot> {
  const [own, boot] = stats ? await Promise.all([readProcStats(rt, rt.pid), readBootTime(rt)]) : [null, null];
  return {
    now: rt.clock.now(),
    version: SUPERVISOR_VERSION,
    runtime: rt.name,
    stats: own,
    startTime: own === null || boot === null ? null : boot + own.startTicks / USER_HZ,
  };
}

/**
 * The `/metrics` route of one server section.
 *
 * @param deps The engine, the runtime and the exit counters.
 * @param server The section's extension keys.
 */
export function metricsRoute(deps: MetricsDeps, server: ServerExtensions): Route {
  return {
    path: "/metrics",
    exact: true,
    public: !server.metrics_auth,
    async handle(req) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed\n", { status: 405, headers: { "Allow": "GET, HEAD" } });
      }
      const native = server.metrics_families.includes("native");
      const [procs, daemon] = await Promise.all([
        snapshot(deps, server.metrics_process_tree, native),
        daemonSnapshot(deps.runtime, native),
      ]);
      const body = exposition(metricFamilies(server.metrics_families, procs, daemon));
      return new Response(req.method === "HEAD" ? null : body, {
        status: 200,
        headers: { "Content-Type": EXPOSITION_CONTENT_TYPE, "Cache-Control": "no-store" },
      });
    },
  };
}
