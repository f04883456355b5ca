import { deepEqual, equal, ok } from "node:assert/strict";
import { chunkReader, MAX_READ, MIN_READ, nextReadSize } from "./_chunk_reader.ts";
import { bytePipe } from "./_testing.ts";

/** Lets queued microtasks and promise jobs run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("nextReadSize() grows ×4 after a full read, keeps a buffer a read fills a quarter of, else shrinks", () => {
  equal(nextReadSize(MIN_READ, MIN_READ), 4 * MIN_READ);
  equal(nextReadSize(16384, 16384), 65536);
  equal(nextReadSize(MAX_READ, MAX_READ), MAX_READ);
  equal(nextReadSize(MAX_READ, MAX_READ / 4), MAX_READ, "steady output keeps (reuses) its buffer");
  equal(nextReadSize(MAX_READ, MAX_READ / 4 - 1), 16384, "the power of two that holds the last chunk");
  equal(nextReadSize(MAX_READ, 5000), 8192);
  equal(nextReadSize(MAX_READ, 10), MIN_READ);
  equal(nextReadSize(MAX_READ, 0), MIN_READ);
});

Deno.test("chunkReader() waits on an idle byte stream with a small buffer, not a 64 KiB one", async () => {
  const pipe = bytePipe();
  const reader = chunkReader(pipe.stream);
  const first = reader.read();
  await settle();
  deepEqual(pipe.asked, [MIN_READ], "the first pending read asks for MIN_READ bytes");
  pipe.write(new TextEncoder().encode("hello\n"));
  equal(new TextDecoder().decode((await first)!), "hello\n");
  const second = reader.read();
  await settle();
  deepEqual(pipe.asked, [MIN_READ, MIN_READ], "after a short read the pending read is small again");
  pipe.end();
  equal(await second, null);
  reader.releaseLock();
});

Deno.test("chunkReader() reads a burst in growing buffers, reuses them, and keeps every byte in order", async () => {
  const pipe = bytePipe();
  const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
  pipe.write(data);
  pipe.end();
  const reader = chunkReader(pipe.stream);
  const got: number[] = [];
  const buffers: ArrayBufferLike[] = [];
  for (let chunk = await reader.read(); chunk !== null; chunk = await reader.read()) {
    got.push(...chunk);
    buffers.push(chunk.buffer);
  }
  deepEqual(pipe.asked.slice(0, 4), [MIN_READ, 4 * MIN_READ, MAX_READ, MAX_READ]);
  ok(pipe.asked.every((n) => n <= MAX_READ));
  equal(got.length, data.length);
  ok(got.every((b, i) => b === data[i]), "same bytes, same order");
  equal(buffers[2]!.byteLength, 0, "a full MAX_READ buffer was handed (detached) to the next read");
  equal(buffers[1]!.byteLength, 4 * MIN_READ, "a buffer of another size is left to its chunk");
  reader.releaseLock();
});

Deno.test("chunkReader() reads a default stream's own chunks", async () => {
  const chunks = [new Uint8Array([1, 2]), new Uint8Array([3])];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const reader = chunkReader(stream);
  equal(await reader.read(), chunks[0]);
  equal(await reader.read(), chunks[1]);
  equal(await reader.read(), null);
  reader.releaseLock();
  reader.releaseLock();
});

Deno.test("chunkReader().cancel() ends a pending read on a byte stream", async () => {
  const pipe = bytePipe();
  const reader = chunkReader(pipe.stream);
  const pending = reader.read();
  await settle();
  const cancelled = reader.cancel();
  pipe.end();
  await cancelled;
  equal(await pending, null);
  reader.releaseLock();
});
