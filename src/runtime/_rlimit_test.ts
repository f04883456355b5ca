/**
 * Tests of the adapters' shared resource-limit helpers (_rlimit.ts).
 * @module
 */

import assert from "node:assert/strict";
import { checkRlimitArgs, fromRlim, parseProcLimits, prlimitArgs, prlimitErrnoCode, toRlim } from "./_rlimit.ts";

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max processes             96365                unlimited            processes 
Max open files            1024                 4096                 files     
Max locked memory         8388608              8388608              bytes     
`;

Deno.test("rlim_t values convert to and from the seam's numbers (-1 for RLIM_INFINITY)", () => {
  assert.equal(fromRlim(0xffffffffffffffffn), -1);
  assert.equal(fromRlim(4096n), 4096);
  assert.equal(toRlim(-1), 0xffffffffffffffffn);
  assert.equal(toRlim(1024), 1024n);
});

Deno.test("parseProcLimits reads the soft and hard columns of /proc/<pid>/limits", () => {
  assert.deepEqual(parseProcLimits(PROC_LIMITS, "nofile"), { soft: 1024, hard: 4096 });
  assert.deepEqual(parseProcLimits(PROC_LIMITS, "nproc"), { soft: 96365, hard: -1 });
  assert.equal(parseProcLimits("Limit Soft Hard\n", "nofile"), null);
});

Deno.test("checkRlimitArgs refuses what setrlimit(2) refuses with EINVAL", () => {
  checkRlimitArgs("nofile", 1024, 4096);
  checkRlimitArgs("nofile", 1024, -1);
  checkRlimitArgs("nofile", -1, -1);
  for (const [soft, hard] of [[5000, 4096], [-1, 4096], [1.5, 4], [-2, 4]] as const) {
    assert.throws(() => checkRlimitArgs("nofile", soft, hard), { code: "EINVAL", errno: 22 });
  }
});

Deno.test("the prlimit fallback: its arguments and its error texts", () => {
  assert.deepEqual(prlimitArgs(42, "nofile", 1024, -1), ["--pid", "42", "--nofile=1024:unlimited"]);
  assert.deepEqual(prlimitArgs(42, "nproc", 10, 20), ["--pid", "42", "--nproc=10:20"]);
  const text = "prlimit: failed to set the NOFILE resource limit: Operation not permitted\n";
  assert.equal(prlimitErrnoCode(text), "EPERM");
  assert.equal(prlimitErrnoCode("prlimit: …: Invalid argument"), "EINVAL");
  assert.equal(prlimitErrnoCode("something else"), "UNKNOWN");
});
