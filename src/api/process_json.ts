/**
 * A process as `/api/v1` shows it: every field of supervisord's
 * `getProcessInfo` struct, unchanged, plus the extension fields of
 * EXTENSIONS.md §8. A field whose feature the daemon does not track for
 * this process is `null` (`health` without a health check, `depends_on`
 * without dependencies, `restarts` while restarts are not counted), so
 * clients can rely on every key being present.
 *
 * CPU and RSS are read from `/proc` for the processes asked about, at the
 * time of the request ({@linkcode readProcStats}).
 *
 * Python counterpart: supervisor/rpcinterface.py (`getProcessInfo`), whose
 * struct this extends.
 * @module
 */

import { healthView } from "../health/health_checks.ts";
import { dependencyView } from "../process/dependencies.ts";
import { BackoffPolicy } from "../process/backoff_policy.ts";
import type { ProcessGroup } from "../process/group.ts";
import { ProcessState } from "../process/states.ts";
import type { Subprocess } from "../process/subprocess.ts";
import type { Supervisor } from "../process/supervisor.ts";
import { type ProcessInfo, processInfo } from "../rpc/process_info.ts";
import { processView } from "../rpc/plugin_context.ts";
import type { Runtime } from "../runtime/types.ts";
import type { ExitCounter } from "./exit_counter.ts";
import { readProcStats } from "./proc_stats.ts";

/** The JSON of one process. */
export interface ProcessJson extends ProcessInfo {
  /** `group:name`, or `name` when both are the same. */
  namespec: string;
  /** Consecutive failed start attempts (supervisord's backoff count). */
  backoff: number;
  /** The health check's state and last results; null when the process has no check. */
  health: HealthJson | null;
  /** Dependencies as configured (`target:condition`); null when there are none. */
  depends_on: string[] | null;
  /** Dependencies an automatic start still waits for (`db (healthy)`); null without dependencies. */
  waiting_on: string[] | null;
  /** The dependency that failed (target and its state, or `timeout`); null when none did. */
  dependency_failed: { target: string; state: string } | null;
  /** Automatic restarts since supervisord started (STARTING after EXITED or BACKOFF). */
  restarts: number | null;
  /** Failures in a row the restart delay is counted from (`backoff*` keys); supervisord's backoff count otherwise. */
  consecutive_failures: number;
  /** Wall-clock seconds of a pending automatic start; null when none is pending. */
  next_start_at: number | null;
  /** `essential`: the program's end for good shuts supervisord down. */
  essential: boolean;
  /** `shutdown_on_exit`: any exit for good shuts supervisord down. */
  shutdown_on_exit: boolean;
  /** CPU time of the child (user + system), seconds; null when it has no pid or /proc has no figure. */
  cpu_seconds: number | null;
  /** Resident memory of the child, bytes; null when it has no pid or /proc has no figure. */
  rss_bytes: number | null;
  /** A cron schedule (`cron` as written); null when there is none. */
  schedule: string | null;
  /** Watched roots (`binary` stands for the command's file); null when there are none. */
  watch: string[] | null;
}

/** A health check as the API shows it. */
export interface HealthJson {
  /** `starting` until the first success, then `healthy` or `unhealthy`. */
  status: string;
  /** Consecutive failures counted now. */
  failures: number;
  /** The last results, oldest first: wall-clock seconds, outcome, latency and what the probe answered. */
  history: Array<{ time: number; ok: boolean; latency_ms: number; detail: string }>;
}

/** The health JSON of `proc`; null without a check. */
export function healthJson(rt: Runtime, sup: Supervisor, proc: Subprocess): HealthJson | null {
  const view = healthView(sup, proc);
  if (view === null) return null;
  const wallOffset = rt.clock.now() - rt.clock.monotonic();
  return {
    status: view.status,
    failures: view.failures,
    history: view.history.map((r) => ({
      time: (r.at + wallOffset) / 1000,
      ok: r.ok,
      latency_ms: r.latency,
      detail: r.detail,
    })),
  };
}

/**
 * Wall-clock seconds of the automatic start a process waits for (in
 * BACKOFF, or EXITED with a restart pending); null when none is pending.
 */
export function nextStartAt(rt: Runtime, proc: Subprocess): number | null {
  if (proc.state !== ProcessState.BACKOFF && !proc.restartPending) return null;
  const mono = rt.clock.monotonic();
  const due = proc.nextDue(mono);
  return due === null ? null : (rt.clock.now() + (due - mono)) / 1000;
}

/** The failure count a `backoff=fixed|exponential` delay follows; supervisord's backoff count otherwise. */
function consecutiveFailures(proc: Subprocess): number {
  const policy = proc.policy;
  return policy instanceof BackoffPolicy && proc.config.backoff !== "python" ? policy.failures : proc.backoff;
}

/** The watched roots of a process (`restart_directory_monitor`, and `binary` with `restart_when_binary_changed`). */
function watchedPaths(proc: Subprocess): string[] | null {
  const w = proc.config.watch;
  if (!w) return null;
  return w.binary ? [...w.dirs, "binary"] : [...w.dirs];
}

/** The JSON of one process, with CPU and RSS read now. */
export async function processJson(
  rt: Runtime,
  engine: { readonly supervisor: Supervisor; readonly counter?: ExitCounter | undefined },
  group: ProcessGroup,
  proc: Subprocess,
): Promise<ProcessJson> {
  const sup = engine.supervisor;
  const info = processInfo(group, proc, rt.clock.now());
  const deps = proc.config.depends_on.length > 0 ? dependencyView(sup, proc) : null;
  const stats = proc.pid > 0 ? await readProcStats(rt, proc.pid) : null;
  return {
    ...info,
    namespec: processView(proc).namespec,
    backoff: proc.backoff,
    health: healthJson(rt, sup, proc),
    depends_on: deps === null ? null : deps.depends_on.map((d) => `${d.target}:${d.condition}`),
    waiting_on: deps === null ? null : [...deps.waiting_on],
    dependency_failed: deps === null ? null : deps.dependency_failed,
    restarts: engine.counter?.counts(proc).restarts ?? null,
    consecutive_failures: consecutiveFailures(proc),
    next_start_at: nextStartAt(rt, proc),
    essential: proc.config.essential,
    shutdown_on_exit: proc.config.shutdown_on_exit,
    cpu_seconds: stats?.cpuSeconds ?? null,
    rss_bytes: stats?.rssBytes ?? null,
    schedule: proc.config.cron?.start.source ?? null,
    watch: watchedPaths(proc),
  };
}
