/**
 * The restart policy of the `backoff*` keys (EXTENSIONS.md §4), on the
 * {@linkcode RestartPolicy} seam of the engine:
 *
 * - `python` (the default): supervisord's schedule exactly (1 s, 2 s, 3 s…
 *   after failed starts, FATAL after `startretries`, an exit from RUNNING
 *   restarted at once); `backoff_max` caps the delays when set;
 * - `fixed`: every delay is `backoff_delay`;
 * - `exponential`: `backoff_delay`, then times `backoff_factor`, capped at
 *   `backoff_max` (1, 2, 4, 8, 8… for 1 s, factor 2, max 8 s).
 *
 * With `fixed` and `exponential` an exit from RUNNING that autorestart
 * restarts waits too (the crash loop), and the delay follows one count of
 * consecutive failures (failed starts and exits alike), which goes back to
 * zero once a run has lasted `backoff_reset_after`. `startretries` still
 * bounds the failed starts in a row before FATAL, unless `retry_forever`.
 * `backoff_jitter` moves each delay by up to ± that fraction.
 *
 * A program using any of these keys also gets the extension's main-log line
 * `waiting 8.0s before restarting 'worker' (attempt 4)` and descriptions
 * (backoff_describe.ts); a program without them keeps supervisord's log
 * and texts.
 *
 * Python counterpart: supervisor/process.py (the linear backoff of
 * `Subprocess.change_state`); the peers are PM2's `exp_backoff_restart_delay`
 * and Kubernetes' CrashLoopBackOff.
 * @module
 */

import type { ProcessConfig } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import type { Clock } from "../runtime/types.ts";
import { defaultRestartPolicy, type RestartPolicy } from "./restart_policy.ts";

/** The config keys the policy reads. */
export type BackoffConfig = Pick<
  ProcessConfig,
  | "name"
  | "startretries"
  | "autorestart"
  | "exitcodes"
  | "backoff"
  | "backoff_delay"
  | "backoff_factor"
  | "backoff_max"
  | "backoff_jitter"
  | "backoff_reset_after"
  | "retry_forever"
>;

/** True when a program uses any restart extension key (so it gets the extension's log lines and texts). */
export function usesBackoffKeys(config: BackoffConfig): boolean {
  return config.backoff !== "python" || config.retry_forever || config.backoff_max > 0;
}

/** What the policy needs besides the config. */
export interface BackoffDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Numbers in [0, 1) for the jitter; default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The restart policy of one process; see the module documentation. For a
 * program without restart extension keys it answers exactly as
 * supervisord's own policy and logs nothing; it still keeps the figures the
 * JSON API reports (the failures counted).
 */
export class BackoffPolicy implements RestartPolicy {
  /** The program uses a restart extension key: it gets the extension's log line and descriptions. */
  readonly extended: boolean;
  readonly #config: BackoffConfig;
  readonly #deps: BackoffDeps;
  readonly #autorestart: RestartPolicy;
  /** Consecutive failures (failed starts and exits from RUNNING) since the last stable run. */
  #failures = 0;
  #nextAt: number | null = null;

  constructor(config: BackoffConfig, deps: BackoffDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#autorestart = defaultRestartPolicy(config);
    this.extended = usesBackoffKeys(config);
  }

  /** Consecutive failures counted for the delay (the `attempt` of the log line). */
  get failures(): number {
    return this.#failures;
  }

  /** Monotonic ms at which the last delay decided ends; null when none was, or the last decision was not to start. */
  get nextAt(): number | null {
    return this.#nextAt;
  }

  retryDelay(attempt: number): number | null {
    const config = this.#config;
    if (attempt > config.startretries && !config.retry_forever) return (this.#nextAt = null);
    this.#failures = config.backoff === "python" ? attempt : this.#failures + 1;
    return this.#decided(config.backoff === "python" ? attempt * 1000 : this.#schedule());
  }

  restartDelay(exitstatus: number | null, uptime: number): number | null {
    const config = this.#config;
    const restart = this.#autorestart.restartDelay(exitstatus, uptime);
    if (restart === null) this.#nextAt = null;
    if (config.backoff === "python") return restart === null ? null : this.#decided(restart);
    if (config.backoff_reset_after !== null && uptime >= config.backoff_reset_after * 1000) this.#failures = 0;
    if (restart === null) return null;
    this.#failures++;
    return this.#decided(this.#schedule());
  }

  /** The delay for the current failure count, in ms, before the cap and the jitter. */
  #schedule(): number {
    const { backoff, backoff_delay: delay, backoff_factor: factor } = this.#config;
    const seconds = backoff === "fixed" ? delay : delay * factor ** Math.max(0, this.#failures - 1);
    return seconds * 1000;
  }

  /** Applies the cap and the jitter, remembers when the wait ends and logs it (extension keys only). */
  #decided(ms: number): number {
    const { backoff_max: max, backoff_jitter: jitter, name } = this.#config;
    let wait = max > 0 ? Math.min(ms, max * 1000) : ms;
    if (jitter > 0) wait = Math.max(0, wait * (1 + jitter * (2 * (this.#deps.random ?? Math.random)() - 1)));
    wait = Math.round(wait);
    this.#nextAt = this.#deps.clock.monotonic() + wait;
    if (!this.extended || wait === 0) return wait;
    const line = `waiting ${(wait / 1000).toFixed(1)}s before restarting '${name}' (attempt ${this.#failures})`;
    // After the process's own `exited:` line, which is logged once this decision is taken.
    queueMicrotask(() => this.#deps.logger.info(line));
    return wait;
  }
}

/** The restart policy of a process (see {@linkcode BackoffPolicy}). */
export function restartPolicyFor(config: ProcessConfig, deps: BackoffDeps): BackoffPolicy {
  return new BackoffPolicy(config, deps);
}
