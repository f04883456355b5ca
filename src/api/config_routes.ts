/**
 * `POST /api/v1/config/apply` (EXTENSIONS.md §7): reads the config file
 * again and applies it surgically (process/apply.ts): only the processes
 * whose config changed move, classified `restart`, `in place`, `add` or
 * `remove`; with `{"dry_run": true}` it only answers that plan. The answer
 * is `{"dry_run": bool, "changes": [{process, kind, detail}]}`. Stock
 * `supervisorctl reread`/`update` keep Python's behaviour.
 *
 * Python counterpart: none (supervisor/rpcinterface.py `reloadConfig`
 * compares by group and changes nothing; the stock client's `update` then
 * replaces whole groups).
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import type { SupervisorConfig } from "../config/schema.ts";
import type { Applier } from "../process/apply.ts";
import { ApiError, json, jsonBody, onlyKeys } from "./_json.ts";

/** Answers `POST /config/apply`. */
export async function applyRoute(
  applier: Applier,
  reread: (() => SupervisorConfig) | undefined,
  req: Request,
): Promise<Response> {
  const body = await jsonBody(req);
  onlyKeys(body, ["dry_run"]);
  if (body.dry_run !== undefined && typeof body.dry_run !== "boolean") {
    throw new ApiError("BAD_ARGUMENTS", "dry_run must be a boolean");
  }
  if (reread === undefined) throw new ApiError("FAILED", "this server cannot read the config file");
  let next: SupervisorConfig;
  try {
    next = reread();
  } catch (e) {
    if (e instanceof ConfigError) throw new ApiError("FAILED", e.message);
    throw e;
  }
  const dryRun = body.dry_run === true;
  const changes = dryRun ? applier.plan(next.groups) : await applier.apply(next.groups);
  return json({ dry_run: dryRun, changes });
}
