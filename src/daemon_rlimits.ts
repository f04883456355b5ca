/**
 * supervisord's resource limits at its first start (SURFACE DAEMON.rlimits,
 * MLOG.rlimit, CFG.supervisord.minfds, CFG.supervisord.minprocs): for open
 * files (`minfds`) and then processes (`minprocs`), a soft limit below the
 * minimum is raised to it, and the hard limit too when that is also below
 * (only a privileged process may do this). Each raise yields an INFO
 * message for the main log; the first refusal yields supervisord's usage
 * error text, whose "will only allow you to open <n>" shows the hard value
 * already raised to the minimum, as Python's does.
 *
 * Open files and the runtimes: Deno and Bun raise their own soft
 * RLIMIT_NOFILE to the hard limit before any of our code runs, and the value
 * from before is lost: nothing in the process keeps it, and the parent's
 * limits are no proof of it (`prlimit`, systemd, `chpst` or a script's
 * `ulimit` change them between the parent and us). Python's rule and its
 * children's soft limit depend on that value, so it is taken from
 * {@linkcode NOFILE_SOFT_ENV} when the launcher recorded it
 * (`SUPERVISOR_TS_NOFILE_SOFT=$(ulimit -Sn) exec supervisord …`); our own
 * re-executed copies (daemon mode, `user=`) inherit the record with the
 * environment, and programs never see it. Then "Increased RLIMIT_NOFILE" is
 * logged as Python logs it, and children are started with Python's soft
 * limit (the exec shim's `ulimit -Sn`), while supervisord itself keeps the
 * raised one. Without a record the raised limit stands in for the original,
 * as before: children get the hard limit, as the runtimes' own children do
 * (a guess could only be too high or too low, and too low breaks programs).
 *
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.set_rlimits_or_exit`).
 * @module
 */

import { RLIM_INFINITY, type Rlimit, type RlimitResource, type Runtime, RuntimeError } from "./runtime/types.ts";

/** Environment variable holding the soft open-files limit supervisord was started with (digits). */
export const NOFILE_SOFT_ENV = "SUPERVISOR_TS_NOFILE_SOFT";

/** What raising the limits came to. */
export interface RlimitsOutcome {
  /** INFO messages for the main log (Python's `parse_infos`), in order. */
  infos: string[];
  /** The usage error to exit with (status 2), or null when all limits are fine. */
  error: string | null;
  /**
   * The soft open-files limit Python's children would get, when it is below
   * ours and the starting one was known (`startNofileSoft`); absent otherwise.
   */
  childNofileSoft?: number;
}

/**
 * The soft open-files limit this process was started with, as recorded in
 * {@linkcode NOFILE_SOFT_ENV}: digits, at most the hard limit `current`
 * shows (the hard limit is never changed by the runtimes). Null when there
 * is no usable record.
 */
export function startNofileSoft(env: Readonly<Record<string, string>>, current: Rlimit | null): number | null {
  const text = env[NOFILE_SOFT_ENV];
  if (text === undefined || !/^\d{1,18}$/.test(text) || current === null) return null;
  const soft = Number(text);
  return current.hard === RLIM_INFINITY || soft <= current.hard ? soft : null;
}

/** The minimums, as in the `[supervisord]` section and the command line. */
export interface RlimitMinimums {
  minfds: number;
  minprocs: number;
}

interface LimitRule {
  resource: RlimitResource;
  name: string;
  minimum: (m: RlimitMinimums) => number;
  refusal: (min: number, hard: number) => string;
}

const RULES: readonly LimitRule[] = [
  {
    resource: "nofile",
    name: "RLIMIT_NOFILE",
    minimum: (m) => m.minfds,
    refusal: (min, hard) =>
      `The minimum number of file descriptors required to run this process is ${min} as per the "minfds" ` +
      `command-line argument or config file setting. The current environment will only allow you to open ` +
      `${hard} file descriptors.  Either raise the number of usable file descriptors in your environment ` +
      `(see README.rst) or lower the minfds setting in the config file to allow the process to start.`,
  },
  {
    resource: "nproc",
    name: "RLIMIT_NPROC",
    minimum: (m) => m.minprocs,
    refusal: (min, hard) =>
      `The minimum number of available processes required to run this program is ${min} as per the ` +
      `"minprocs" command-line argument or config file setting. The current environment will only allow ` +
      `you to open ${hard} processes.  Either raise the number of usable processes in your environment ` +
      `(see README.rst) or lower the minprocs setting in the config file to allow the program to start.`,
  },
];

/** True when `value` is a finite limit below `min`. */
function below(value: number, min: number): boolean {
  return value !== RLIM_INFINITY && value < min;
}

/**
 * The new limit for `current`, or null when it already allows `min`.
 *
 * @param current The soft and hard limits now (-1 = unlimited).
 * @param min The minimum the config asks for.
 */
export function raisedLimit(current: Rlimit, min: number): Rlimit | null {
  if (!below(current.soft, min)) return null;
  return { soft: min, hard: below(current.hard, min) ? min : current.hard };
}

/**
 * Raises this process's open-files and process limits to `minimums`
 * through the runtime, stopping at the first refusal. A limit the host
 * cannot report is skipped (Python skips one its platform lacks).
 *
 * @param rt The runtime whose limits to raise.
 * @param minimums `minfds` and `minprocs`.
 * @param startSoft The soft open-files limit the process was started with
 *   ({@linkcode startNofileSoft}), or null to take the current one.
 * @returns The INFO messages, on a refusal the usage error text, and the
 *   children's soft open-files limit.
 */
export function raiseRlimits(
  rt: Pick<Runtime, "getRlimit" | "setRlimit">,
  minimums: RlimitMinimums,
  startSoft: number | null = null,
): RlimitsOutcome {
  const infos: string[] = [];
  let childNofileSoft: number | undefined;
  for (const rule of RULES) {
    const min = rule.minimum(minimums);
    const current = rt.getRlimit(rule.resource);
    if (current === null) continue;
    const start = rule.resource === "nofile" && startSoft !== null ? { soft: startSoft, hard: current.hard } : current;
    const wanted = raisedLimit(start, min);
    if (start !== current) childNofileSoft = childSoft(current, wanted?.soft ?? start.soft);
    if (wanted === null) continue;
    try {
      // Ours may already be higher than Python's would be (the runtimes' raise): only a change is made.
      if (start === current || wanted.hard !== current.hard || below(current.soft, wanted.soft)) {
        rt.setRlimit(rule.resource, wanted.soft, wanted.hard);
      }
    } catch (e) {
      if (e instanceof RuntimeError) return { infos, error: rule.refusal(min, wanted.hard) };
      throw e;
    }
    infos.push(`Increased ${rule.name} limit to ${min}`);
  }
  return childNofileSoft === undefined ? { infos, error: null } : { infos, error: null, childNofileSoft };
}

/** `soft` when children must be given it (it is below our own soft limit), else undefined. */
function childSoft(ours: Rlimit, soft: number): number | undefined {
  const lower = soft !== RLIM_INFINITY && (ours.soft === RLIM_INFINITY || soft < ours.soft);
  return lower ? soft : undefined;
}
