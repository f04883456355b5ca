import { deepEqual, equal } from "node:assert/strict";
import { LogRing } from "./log_ring.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("LogRing: reads by offset like a file that only grows", () => {
  let now = 1000;
  const ring = new LogRing(() => now, 16);
  ring.write(enc.encode("hello "));
  now = 2000;
  ring.write(enc.encode("world\n"));
  deepEqual([ring.size, ring.mtime], [12, 2000]);
  equal(dec.decode(ring.read(0, 100)), "hello world\n");
  equal(dec.decode(ring.read(6, 5)), "world");
  equal(ring.read(12, 10).length, 0, "nothing past the end");
});

Deno.test("LogRing: keeps the newest bytes across the wrap; older offsets are gone", () => {
  const ring = new LogRing(() => 0, 8);
  ring.write(enc.encode("abcdef"));
  ring.write(enc.encode("ghij"));
  equal(ring.size, 10);
  equal(dec.decode(ring.read(0, 100)), "cdefghij", "offsets 0 and 1 were overwritten");
  equal(dec.decode(ring.read(7, 2)), "hi");
  ring.write(enc.encode("0123456789ABC"));
  equal(ring.size, 23);
  equal(dec.decode(ring.read(0, 100)), "56789ABC", "a write larger than the ring keeps its end");
  equal(dec.decode(ring.read(20, 100)), "ABC");
});

Deno.test("LogRing: clear starts a new log with a new generation", () => {
  const ring = new LogRing(() => 0, 8);
  ring.write(enc.encode("old"));
  const gen = ring.generation;
  ring.clear();
  deepEqual([ring.size, ring.read(0, 10).length], [0, 0]);
  equal(ring.generation, gen + 1);
  ring.write(enc.encode("new"));
  equal(dec.decode(ring.read(0, 10)), "new");
});
