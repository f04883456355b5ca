import assert from "node:assert/strict";
import { signalName, signalNumber } from "./_signals.ts";

Deno.test("signalNumber() reads names with or without SIG, any case", () => {
  assert.equal(signalNumber("TERM"), 15);
  assert.equal(signalNumber(" sighup "), 1);
  assert.equal(signalNumber("kill"), 9);
  assert.equal(signalNumber("RTMAX"), 64);
  assert.equal(signalNumber("IOT"), 6);
});

Deno.test("signalNumber() accepts the SIG_* pseudo-names as Python does", () => {
  assert.equal(signalNumber("_DFL"), 0);
  assert.equal(signalNumber("sig_ign"), 1);
  assert.equal(signalNumber("SIG_SETMASK"), 2);
});

Deno.test("signalNumber() checks numbers against the known signals", () => {
  assert.equal(signalNumber("9"), 9);
  assert.equal(signalNumber(" 0 "), 0);
  assert.equal(signalNumber("34"), 34);
  assert.throws(() => signalNumber("35"), { message: "value '35' is not a valid signal number" });
  assert.throws(() => signalNumber("-15"), { message: "value '-15' is not a valid signal number" });
  assert.throws(() => signalNumber("SIGFOO"), { message: "value 'SIGFOO' is not a valid signal name" });
  assert.throws(() => signalNumber(""), { message: "value '' is not a valid signal name" });
});

Deno.test("signalName() names numbers as supervisord's signame does", () => {
  assert.equal(signalName(15), "SIGTERM");
  assert.equal(signalName(6), "SIGABRT");
  assert.equal(signalName(17), "SIGCHLD");
  assert.equal(signalName(29), "SIGPOLL");
  assert.equal(signalName(64), "SIGRTMAX");
  assert.equal(signalName(0), "signal 0");
  assert.equal(signalName(35), "signal 35");
});
