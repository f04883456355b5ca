/**
 * `POST /api/v1/config/apply` (EXTENSIONS.md §7): reads the config file
 * again and answers the plan of a surgical apply: one entry per process
 * that would change, classified `restart`, `in place`, `add` or `remove`
 * (process/apply_plan.ts). The body must be `{"dry_run": true}`: carrying
 * the plan out is not implemented yet, so nothing is changed; stock
 * `supervisorctl reread`/`update` keep Python's behaviour.
 *
 * Python counterpart: none (supervisor/rpcinterface.py `reloadConfig`
 * compares by group and changes nothing either).
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import type { SupervisorConfig } from "../config/schema.ts";
import { planApply } from "../process/apply_plan.ts";
import type { Supervisor } from "../process/supervisor.ts";
import { ApiError, json, jsonBody, onlyKeys } from "./_json.ts";

/** Answers `POST /config/apply`. */
export async function applyRoute(
  supervisor: Supervisor,
  reread: (() => SupervisorConfig) | undefined,
  req: Request,
): Promise<Response> {
  const body = await jsonBody(req);
  onlyKeys(body, ["dry_run"]);
  if (body.dry_run !== true) {
    throw new ApiError("BAD_ARGUMENTS", 'only a dry run is supported: send {"dry_run": true}');
  }
  if (reread === undefined) throw new ApiError("FAILED", "this server cannot read the config file");
  let next: SupervisorConfig;
  try {
    next = reread();
  } catch (e) {
    if (e instanceof ConfigError) throw new ApiError("FAILED", e.message);
    throw e;
  }
  const current = [...supervisor.groups.values()].map((g) => g.config);
  return json({ dry_run: true, changes: planApply(current, next.groups) });
}
