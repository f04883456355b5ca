import { equal, notEqual } from "node:assert/strict";
import { BufferPool, POOL_BYTES, POOLED_MAX } from "./_buffer_pool.ts";

Deno.test("BufferPool hands a buffer given back to the next take() of its size class", () => {
  const pool = new BufferPool();
  const a = pool.take(100);
  equal(a.length, 4096, "the smallest class is 4 KiB");
  equal(pool.take(5000).length, 8192);
  pool.give(a);
  equal(pool.kept, 4096);
  equal(pool.take(4000), a, "reused, not allocated");
  equal(pool.kept, 0);
  notEqual(pool.take(4000), a, "a buffer out is never handed out twice");
});

Deno.test("BufferPool keeps at most POOL_BYTES, and no buffer above POOLED_MAX", () => {
  const pool = new BufferPool();
  pool.give(new Uint8Array(POOLED_MAX * 2));
  equal(pool.kept, 0);
  for (let i = 0; i < (POOL_BYTES / POOLED_MAX) + 2; i++) pool.give(new Uint8Array(POOLED_MAX));
  equal(pool.kept, POOL_BYTES);
});
