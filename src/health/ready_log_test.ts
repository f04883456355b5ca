import { equal } from "node:assert/strict";
import { ReadyLog } from "./ready_log.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("[EXT.health.readylog] the first complete matching line, on either channel, across chunks; reset at spawn", () => {
  const r = new ReadyLog("ready to accept");
  equal(r.feed("stdout", bytes("starting\nready to")), false, "the line is not complete yet");
  equal(r.feed("stderr", bytes("ready to accept on stderr? not this one")), false, "stderr's line is still open");
  equal(r.feed("stdout", bytes(" accept connections\r\n")), true);
  equal(r.matched, true);
  equal(r.feed("stdout", bytes("ready to accept\n")), false, "only the first match counts");
  r.reset();
  equal(r.matched, false);
  equal(r.feed("stderr", bytes("x\nready to accept\n")), true);
});
