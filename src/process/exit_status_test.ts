import assert from "node:assert/strict";
import { decodeExitStatus, decodeWaitStatus } from "./exit_status.ts";

Deno.test("[PROC.status_text] exit codes decode to `exit status <n>`", () => {
  assert.deepEqual(decodeExitStatus({ code: 0, signal: null }), { exitstatus: 0, text: "exit status 0" });
  assert.deepEqual(decodeExitStatus({ code: 1, signal: null }), { exitstatus: 1, text: "exit status 1" });
  assert.deepEqual(decodeExitStatus({ code: 127, signal: null }), { exitstatus: 127, text: "exit status 127" });
  assert.deepEqual(decodeExitStatus({ code: 255, signal: null }), { exitstatus: 255, text: "exit status 255" });
  // A wait status only holds 8 bits of exit code.
  assert.deepEqual(decodeExitStatus({ code: 256 + 3, signal: null }), { exitstatus: 3, text: "exit status 3" });
});

Deno.test("[PROC.status_text,DT.signame] signal deaths decode to -1 and `terminated by <SIGNAME>`", () => {
  assert.deepEqual(decodeExitStatus({ code: null, signal: "SIGTERM" }), {
    exitstatus: -1,
    text: "terminated by SIGTERM",
  });
  assert.equal(decodeExitStatus({ code: null, signal: "SIGKILL" }).text, "terminated by SIGKILL");
  assert.equal(decodeExitStatus({ code: null, signal: "SIGSEGV" }).text, "terminated by SIGSEGV");
});

Deno.test("[DT.signame] aliases print under supervisord's name for the number", () => {
  assert.equal(decodeExitStatus({ code: null, signal: "SIGIO" }).text, "terminated by SIGPOLL");
  assert.equal(decodeExitStatus({ code: null, signal: "SIGIOT" }).text, "terminated by SIGABRT");
  assert.equal(decodeExitStatus({ code: null, signal: "SIGCLD" }).text, "terminated by SIGCHLD");
  assert.equal(decodeExitStatus({ code: null, signal: "SIGRTMIN" }).text, "terminated by SIGRTMIN");
});

Deno.test("decodeExitStatus() keeps a signal name it cannot map, and reports a status with neither field", () => {
  assert.deepEqual(decodeExitStatus({ code: null, signal: "SIGFOO" }), {
    exitstatus: -1,
    text: "terminated by SIGFOO",
  });
  assert.deepEqual(decodeExitStatus({ code: null, signal: null }), {
    exitstatus: -1,
    text: "unknown termination cause",
  });
});

Deno.test("[PROC.status_text,DT.signame] decodeWaitStatus() decodes raw wait statuses like Python", () => {
  const cases: Array<[number, number, string]> = [
    [0x0000, 0, "exit status 0"],
    [0x0100, 1, "exit status 1"],
    [0x7f00, 127, "exit status 127"],
    [0x000f, -1, "terminated by SIGTERM"],
    [0x0086, -1, "terminated by SIGABRT (core dumped)"],
    [0x008b, -1, "terminated by SIGSEGV (core dumped)"],
    [0x001d, -1, "terminated by SIGPOLL"],
    [0x0011, -1, "terminated by SIGCHLD"],
    [0x0023, -1, "terminated by signal 35"],
    [0x0040, -1, "terminated by SIGRTMAX"],
    [0x137f, -1, "unknown termination cause 0x137f"],
    [0xffff, -1, "unknown termination cause 0xffff"],
  ];
  for (const [sts, exitstatus, text] of cases) {
    assert.deepEqual(decodeWaitStatus(sts), { exitstatus, text }, `status 0x${sts.toString(16)}`);
  }
});
