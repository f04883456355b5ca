/**
 * Tests of daemonize.ts: what a re-executed copy's markers leave in the
 * environment programs get.
 * @module
 */

import assert from "node:assert/strict";
import { DAEMON_CHILD_ENV, isCopy, isDaemonChild, stripDaemonMarker } from "./daemonize.ts";
import { NOFILE_SOFT_ENV } from "./daemon_rlimits.ts";

Deno.test("[ENV.child] the copy marker and the open-files record never reach programs", () => {
  const env = { PATH: "/bin", [DAEMON_CHILD_ENV]: "daemon", [NOFILE_SOFT_ENV]: "1024", HOME: "/root" };
  assert.ok(isCopy(env) && isDaemonChild(env));
  assert.deepEqual(stripDaemonMarker(env), { PATH: "/bin", HOME: "/root" });
  assert.equal(isCopy({ [NOFILE_SOFT_ENV]: "1024" }), false, "a launcher's record alone is not a copy");
});
