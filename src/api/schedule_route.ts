/**
 * `POST /api/v1/processes/{ns}/schedule` with `{"enabled": false}` or
 * `{"enabled": true}` (EXTENSIONS.md §9): turns a cron program's schedule
 * off or on (an operator's stop does not); enabling computes the next run
 * afresh. Answers the schedule: `{"cron","cron_stop","timezone","overlap",
 * "enabled","next_run"}` (`next_run` in wall-clock seconds, null when
 * disabled). A process without `cron` is BAD_ARGUMENTS.
 *
 * Python counterpart: none (cron is out of scope in supervisord).
 * @module
 */

import type { ProcessControl } from "../process/control.ts";
import { cronJobs } from "../process/cron_jobs.ts";
import { ApiError, json, jsonBody, onlyKeys } from "./_json.ts";

/** Enables or disables the schedule of the process `ns`. */
export async function scheduleRoute(control: ProcessControl, req: Request, ns: string): Promise<Response> {
  const body = await jsonBody(req);
  onlyKeys(body, ["enabled"]);
  if (typeof body.enabled !== "boolean") throw new ApiError("BAD_ARGUMENTS", "enabled must be true or false");
  const found = control.find(ns);
  if (found === null || found.process === null) throw new ApiError("BAD_NAME", ns);
  const jobs = cronJobs(control.supervisor);
  if (jobs === null || !jobs.setEnabled(found.process, body.enabled)) {
    throw new ApiError("BAD_ARGUMENTS", `${ns} has no cron schedule`);
  }
  const view = jobs.view(found.process)!;
  return json({ ...view, next_run: view.next_run === null ? null : view.next_run / 1000 });
}
