/**
 * Tests of daemon_rlimits.ts with the FakeRuntime's limits: Python's
 * `set_rlimits_or_exit` rule, messages and order.
 * @module
 */

import assert from "node:assert/strict";
import { NOFILE_SOFT_ENV, raisedLimit, raiseRlimits, startNofileSoft } from "./daemon_rlimits.ts";
import { FakeRuntime } from "./runtime/fake.ts";
import { PermissionDeniedError } from "./runtime/types.ts";

const DEFAULTS = { minfds: 1024, minprocs: 200 };

function fake(nofile: [number, number], nproc: [number, number], uid = 1000): FakeRuntime {
  const rt = new FakeRuntime({ uid });
  rt.rlimits.limits.set("nofile", { soft: nofile[0], hard: nofile[1] });
  rt.rlimits.limits.set("nproc", { soft: nproc[0], hard: nproc[1] });
  return rt;
}

const NOFILE_REFUSED = (min: number, hard: number) =>
  `The minimum number of file descriptors required to run this process is ${min} as per the "minfds" ` +
  `command-line argument or config file setting. The current environment will only allow you to open ${hard} ` +
  `file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) ` +
  `or lower the minfds setting in the config file to allow the process to start.`;

Deno.test("[DAEMON.rlimits,CFG.supervisord.minfds,CFG.supervisord.minprocs] limits that already allow the minimums are left alone", () => {
  const rt = fake([2048, 4096], [200, 300]);
  assert.deepEqual(raiseRlimits(rt, DEFAULTS), { infos: [], error: null });
  assert.deepEqual(rt.rlimits.calls, []);
});

Deno.test("[DAEMON.rlimits,MLOG.rlimit] soft limits below the minimums are raised, open files first", () => {
  const rt = fake([256, 4096], [100, 1000]);
  assert.deepEqual(raiseRlimits(rt, DEFAULTS), {
    infos: ["Increased RLIMIT_NOFILE limit to 1024", "Increased RLIMIT_NPROC limit to 200"],
    error: null,
  });
  assert.deepEqual(rt.rlimits.calls, [
    { resource: "nofile", soft: 1024, hard: 4096 },
    { resource: "nproc", soft: 200, hard: 1000 },
  ]);
  assert.deepEqual(rt.getRlimit("nofile"), { soft: 1024, hard: 4096 });
});

Deno.test("[DAEMON.rlimits,MLOG.rlimit] a privileged process raises a hard limit below the minimum too", () => {
  const rt = fake([256, 512], [50, 100], 0);
  const out = raiseRlimits(rt, { minfds: 2000, minprocs: 150 });
  assert.deepEqual(out.infos, ["Increased RLIMIT_NOFILE limit to 2000", "Increased RLIMIT_NPROC limit to 150"]);
  assert.deepEqual(rt.getRlimit("nofile"), { soft: 2000, hard: 2000 });
  assert.deepEqual(rt.getRlimit("nproc"), { soft: 150, hard: 150 });
});

Deno.test("[DAEMON.rlimits] a refused raise is supervisord's usage text, showing the hard limit as already raised", () => {
  const rt = fake([256, 512], [10, 20]);
  const out = raiseRlimits(rt, DEFAULTS);
  assert.deepEqual(out, { infos: [], error: NOFILE_REFUSED(1024, 1024) });
  assert.deepEqual(rt.rlimits.calls, [], "nothing was set, and RLIMIT_NPROC was not tried");
  assert.deepEqual(rt.getRlimit("nproc"), { soft: 10, hard: 20 });
});

Deno.test("[DAEMON.rlimits] a refused RLIMIT_NPROC raise after a successful RLIMIT_NOFILE one", () => {
  const rt = fake([256, 4096], [10, 20]);
  const out = raiseRlimits(rt, { minfds: 1024, minprocs: 300 });
  assert.deepEqual(out.infos, ["Increased RLIMIT_NOFILE limit to 1024"]);
  assert.equal(
    out.error,
    'The minimum number of available processes required to run this program is 300 as per the "minprocs" ' +
      "command-line argument or config file setting. The current environment will only allow you to open 300 " +
      "processes.  Either raise the number of usable processes in your environment (see README.rst) or lower the " +
      "minprocs setting in the config file to allow the program to start.",
  );
});

Deno.test("[DAEMON.rlimits] an unlimited soft limit is never touched; an unlimited hard limit is kept", () => {
  const rt = fake([-1, -1], [100, -1]);
  assert.deepEqual(raiseRlimits(rt, DEFAULTS), { infos: ["Increased RLIMIT_NPROC limit to 200"], error: null });
  assert.deepEqual(rt.rlimits.calls, [{ resource: "nproc", soft: 200, hard: -1 }]);
  assert.deepEqual(raisedLimit({ soft: -1, hard: 10 }, 1024), null);
  assert.deepEqual(raisedLimit({ soft: 1023, hard: -1 }, 1024), { soft: 1024, hard: -1 });
  assert.deepEqual(raisedLimit({ soft: 1024, hard: 1024 }, 1024), null);
});

Deno.test("[DAEMON.rlimits] a refusal with an unlimited hard limit prints -1, as Python does", () => {
  const rt = fake([256, -1], [500, 500]);
  rt.rlimits.setError = new PermissionDeniedError("setrlimit RLIMIT_NOFILE: Operation not permitted", "EPERM");
  assert.deepEqual(raiseRlimits(rt, DEFAULTS), { infos: [], error: NOFILE_REFUSED(1024, -1) });
});

Deno.test("raiseRlimits skips a limit the host cannot report and lets programming errors through", () => {
  const rt = fake([256, 4096], [100, 1000]);
  rt.rlimits.limits.delete("nofile");
  assert.deepEqual(raiseRlimits(rt, DEFAULTS), { infos: ["Increased RLIMIT_NPROC limit to 200"], error: null });
  rt.rlimits.setError = new TypeError("boom");
  rt.rlimits.limits.set("nproc", { soft: 1, hard: 1000 });
  assert.throws(() => raiseRlimits(rt, DEFAULTS), TypeError);
});

Deno.test("[DAEMON.rlimits] the starting soft open-files limit is read from its record, within the hard limit", () => {
  const at = (text: string) => ({ [NOFILE_SOFT_ENV]: text });
  const limit = { soft: 4096, hard: 4096 };
  assert.equal(startNofileSoft({}, limit), null);
  assert.equal(startNofileSoft(at("256"), limit), 256);
  assert.equal(startNofileSoft(at("4096"), limit), 4096);
  assert.equal(startNofileSoft(at("4097"), limit), null, "above the hard limit: not a record of this process");
  assert.equal(startNofileSoft(at("1e3"), limit), null);
  assert.equal(startNofileSoft(at(""), limit), null);
  assert.equal(startNofileSoft(at("-1"), limit), null);
  assert.equal(startNofileSoft(at("256"), { soft: -1, hard: -1 }), 256);
  assert.equal(startNofileSoft(at("256"), null), null);
});

Deno.test("[DAEMON.rlimits,MLOG.rlimit] a starting soft limit below minfds: Python's message, children get minfds", () => {
  // The runtimes raised 256:4096 to 4096:4096 before our code ran.
  const rt = fake([4096, 4096], [200, 300]);
  assert.deepEqual(raiseRlimits(rt, DEFAULTS, 256), {
    infos: ["Increased RLIMIT_NOFILE limit to 1024"],
    error: null,
    childNofileSoft: 1024,
  });
  assert.deepEqual(rt.rlimits.calls, [], "supervisord keeps its own higher soft limit");
});

Deno.test("[DAEMON.rlimits] a starting soft limit at or above minfds is what children get; nothing is logged", () => {
  const rt = fake([4096, 4096], [200, 300]);
  assert.deepEqual(raiseRlimits(rt, DEFAULTS, 2048), { infos: [], error: null, childNofileSoft: 2048 });
  assert.deepEqual(raiseRlimits(rt, DEFAULTS, 4096), { infos: [], error: null }, "equal to ours: inherited");
  assert.deepEqual(rt.rlimits.calls, []);
});

Deno.test("[DAEMON.rlimits,MLOG.rlimit] a starting soft limit under a hard limit below minfds: raised by root, refused otherwise", () => {
  const root = fake([512, 512], [200, 300], 0);
  assert.deepEqual(raiseRlimits(root, DEFAULTS, 256), {
    infos: ["Increased RLIMIT_NOFILE limit to 1024"],
    error: null,
  });
  assert.deepEqual(root.rlimits.calls, [{ resource: "nofile", soft: 1024, hard: 1024 }]);
  const user = fake([512, 512], [200, 300]);
  assert.deepEqual(raiseRlimits(user, DEFAULTS, 256), { infos: [], error: NOFILE_REFUSED(1024, 1024) });
});

Deno.test("FakeRlimits applies setrlimit's rules: EINVAL for soft above hard, EPERM for an unprivileged raise", () => {
  const rt = fake([256, 4096], [100, 1000]);
  assert.throws(() => rt.setRlimit("nofile", 5000, 4096), { code: "EINVAL" });
  assert.throws(() => rt.setRlimit("nofile", 256, 8192), { code: "EPERM", name: "PermissionDeniedError" });
  rt.euidValue = 0;
  rt.setRlimit("nofile", 256, 8192);
  assert.throws(() => rt.setRlimit("nofile", 256, -1), { code: "EPERM" }, "open files above fs.nr_open");
  rt.rlimits.canRaiseHard = false;
  assert.throws(() => rt.setRlimit("nproc", 100, 2000), { code: "EPERM" });
  rt.setRlimit("nproc", 100, 500);
  assert.deepEqual(rt.getRlimit("nproc"), { soft: 100, hard: 500 });
});
