/**
 * The metric families of `/metrics` (EXTENSIONS.md §8), built from one
 * snapshot of the processes:
 *
 * - `node`: node_exporter's supervisord collector, which the Go port's
 *   `/metrics` also uses: `node_supervisord_{up,state,exit_status}` and
 *   `node_supervisord_start_time_seconds` (only while up), labels
 *   `group,name`, the same help texts and types;
 * - `supervisor_exporter`: the maintained supervisord_exporter's
 *   `supervisor_process_info{name,group,state,exit_status}` (1 when
 *   RUNNING), `supervisor_process_uptime` (only while RUNNING) and
 *   `supervisord_up`, with that exporter's help texts;
 * - `native`: `supervisord_process_*` per process, `supervisord_build_info`,
 *   and the standard `process_*` figures of the daemon itself.
 *
 * A family whose figure is not known for a process leaves that process out
 * (`healthy` without a health check, CPU and RSS without a pid).
 *
 * Python counterpart: none (prometheus/node_exporter
 * collector/supervisord.go and supervisord_exporter are the name sources).
 * @module
 */

import type { MetricsFamily } from "../config/schema.ts";
import { ProcessState, processStateName } from "../process/states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { ProcStats } from "../api/proc_stats.ts";
import type { ProcessCounts } from "../api/exit_counter.ts";
import type { Family, MetricType, Sample } from "./exposition.ts";

/** One process at scrape time. */
export interface ProcessSnapshot {
  readonly group: string;
  readonly proc: Subprocess;
  /** CPU and RSS of the child (or its process tree); null without a pid or a figure. */
  readonly stats: ProcStats | null;
  /** Exit and restart counters. */
  readonly counts: Readonly<ProcessCounts>;
  /** Seconds until a pending automatic start while in BACKOFF; null otherwise. */
  readonly backoffSeconds: number | null;
  /** Whether the health check says healthy; null without a check. */
  readonly healthy: boolean | null;
}

/** The daemon at scrape time. */
export interface DaemonSnapshot {
  /** Wall-clock ms. */
  readonly now: number;
  /** supervisor-ts's version and the runtime's name. */
  readonly version: string;
  readonly runtime: string;
  /** The daemon's own CPU and RSS; null when /proc has none. */
  readonly stats: ProcStats | null;
  /** The daemon's start, wall-clock seconds; null when unknown. */
  readonly startTime: number | null;
}

/** node_exporter's "up": STARTING, RUNNING or STOPPING. */
const UP = new Set<number>([ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING]);

function fam(name: string, help: string, type: MetricType, samples: Sample[]): Family {
  return { name, help, type, samples };
}

const ids = (s: ProcessSnapshot) => ({ group: s.group, name: s.proc.name });

function nodeFamilies(procs: readonly ProcessSnapshot[]): Family[] {
  const up = procs.filter((s) => UP.has(s.proc.state));
  return [
    fam(
      "node_supervisord_up",
      "Process Up",
      "gauge",
      procs.map((s) => ({ labels: ids(s), value: UP.has(s.proc.state) ? 1 : 0 })),
    ),
    fam(
      "node_supervisord_state",
      "Process State",
      "gauge",
      procs.map((s) => ({ labels: ids(s), value: s.proc.state })),
    ),
    fam(
      "node_supervisord_exit_status",
      "Process Exit Status",
      "gauge",
      procs.map((s) => ({ labels: ids(s), value: s.proc.exitstatus ?? 0 })),
    ),
    fam(
      "node_supervisord_start_time_seconds",
      "Process start time",
      "counter",
      up.map((s) => ({ labels: ids(s), value: Math.trunc(s.proc.laststartWall) })),
    ),
  ];
}

function exporterFamilies(procs: readonly ProcessSnapshot[], now: number): Family[] {
  const running = (s: ProcessSnapshot) => s.proc.state === ProcessState.RUNNING;
  return [
    fam(
      "supervisor_process_info",
      "Supervisor process information",
      "gauge",
      procs.map((s) => ({
        labels: { ...ids(s), state: processStateName(s.proc.state), exit_status: String(s.proc.exitstatus ?? 0) },
        value: running(s) ? 1 : 0,
      })),
    ),
    fam(
      "supervisor_process_uptime",
      "Uptime of Supervisor processes",
      "gauge",
      procs.filter(running).map((s) => ({
        labels: ids(s),
        value: Math.trunc(now / 1000) - Math.trunc(s.proc.laststartWall),
      })),
    ),
    fam("supervisord_up", "Supervisord XML-RPC connection status (1 if up, 0 if down)", "gauge", [
      { labels: {}, value: 1 },
    ]),
  ];
}

function nativeFamilies(procs: readonly ProcessSnapshot[], daemon: DaemonSnapshot): Family[] {
  const withStats = procs.filter((s) => s.stats !== null);
  const up = procs.filter((s) => UP.has(s.proc.state));
  const backoff = procs.filter((s) => s.backoffSeconds !== null);
  const checked = procs.filter((s) => s.healthy !== null);
  const d = daemon.stats;
  return [
    fam(
      "supervisord_process_state",
      "Process state code (getProcessInfo's state)",
      "gauge",
      procs.map((s) => ({ labels: ids(s), value: s.proc.state })),
    ),
    fam(
      "supervisord_process_up",
      "1 while STARTING, RUNNING or STOPPING",
      "gauge",
      procs.map((s) => ({ labels: ids(s), value: UP.has(s.proc.state) ? 1 : 0 })),
    ),
    fam(
      "supervisord_process_start_time_seconds",
      "Start of the running child, seconds since the epoch",
      "gauge",
      up.map((s) => ({ labels: ids(s), value: s.proc.laststartWall })),
    ),
    fam(
      "supervisord_process_restarts_total",
      "Automatic restarts (STARTING after EXITED or BACKOFF)",
      "counter",
      procs.map((s) => ({ labels: ids(s), value: s.counts.restarts })),
    ),
    fam(
      "supervisord_process_exits_total",
      "Exits: to EXITED (expected per exitcodes) or to BACKOFF (unexpected)",
      "counter",
      procs.flatMap((s) => [
        { labels: { ...ids(s), expected: "true" }, value: s.counts.exitsExpected },
        { labels: { ...ids(s), expected: "false" }, value: s.counts.exitsUnexpected },
      ]),
    ),
    fam(
      "supervisord_process_cpu_seconds_total",
      "User and system CPU time of the child, seconds",
      "counter",
      withStats.map((s) => ({ labels: ids(s), value: s.stats!.cpuSeconds })),
    ),
    fam(
      "supervisord_process_resident_memory_bytes",
      "Resident memory of the child, bytes",
      "gauge",
      withStats.map((s) => ({ labels: ids(s), value: s.stats!.rssBytes })),
    ),
    fam(
      "supervisord_process_healthy",
      "1 while the health check says healthy, else 0 (absent without a check)",
      "gauge",
      checked.map((s) => ({ labels: ids(s), value: s.healthy ? 1 : 0 })),
    ),
    fam(
      "supervisord_process_backoff_seconds",
      "Seconds until the next automatic start of a process in BACKOFF",
      "gauge",
      backoff.map((s) => ({ labels: ids(s), value: s.backoffSeconds! })),
    ),
    fam("supervisord_build_info", "supervisor-ts build: version and runtime", "gauge", [
      { labels: { version: daemon.version, runtime: daemon.runtime }, value: 1 },
    ]),
    fam(
      "process_cpu_seconds_total",
      "Total user and system CPU time spent in seconds.",
      "counter",
      d === null ? [] : [{ labels: {}, value: d.cpuSeconds }],
    ),
    fam(
      "process_resident_memory_bytes",
      "Resident memory size in bytes.",
      "gauge",
      d === null ? [] : [{ labels: {}, value: d.rssBytes }],
    ),
    fam(
      "process_start_time_seconds",
      "Start time of the process since unix epoch in seconds.",
      "gauge",
      daemon.startTime === null ? [] : [{ labels: {}, value: daemon.startTime }],
    ),
  ];
}

/** The families of `selected`, in the order native, node, supervisor_exporter. */
export function metricFamilies(
  selected: readonly MetricsFamily[],
  procs: readonly ProcessSnapshot[],
  daemon: DaemonSnapshot,
): Family[] {
  return [
    ...(selected.includes("native") ? nativeFamilies(procs, daemon) : []),
    ...(selected.includes("node") ? nodeFamilies(procs) : []),
    ...(selected.includes("supervisor_exporter") ? exporterFamilies(procs, daemon.now) : []),
  ];
}
