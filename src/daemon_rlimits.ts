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
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.set_rlimits_or_exit`).
 * @module
 */

import { RLIM_INFINITY, type Rlimit, type RlimitResource, type Runtime, RuntimeError } from "./runtime/types.ts";

/** What raising the limits came to. */
export interface RlimitsOutcome {
  /** INFO messages for the main log (Python's `parse_infos`), in order. */
  infos: string[];
  /** The usage error to exit with (status 2), or null when all limits are fine. */
  error: string | null;
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
 * @returns The INFO messages and, on a refusal, the usage error text.
 */
export function raiseRlimits(rt: Pick<Runtime, "getRlimit" | "setRlimit">, minimums: RlimitMinimums): RlimitsOutcome {
  const infos: string[] = [];
  for (const rule of RULES) {
    const min = rule.minimum(minimums);
    const current = rt.getRlimit(rule.resource);
    const wanted = current === null ? null : raisedLimit(current, min);
    if (wanted === null) continue;
    try {
      rt.setRlimit(rule.resource, wanted.soft, wanted.hard);
    } catch (e) {
      if (e instanceof RuntimeError) return { infos, error: rule.refusal(min, wanted.hard) };
      throw e;
    }
    infos.push(`Increased ${rule.name} limit to ${min}`);
  }
  return { infos, error: null };
}
