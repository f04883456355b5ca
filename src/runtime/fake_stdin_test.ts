import assert from "node:assert/strict";
import { FakeRuntime } from "./fake.ts";

const dec = new TextDecoder();

Deno.test("FakeRuntime.stdin hands out fed chunks in order, waits for more, then null after endStdin()", async () => {
  const rt = new FakeRuntime();
  rt.feedStdin("a\n");
  assert.equal(dec.decode((await rt.stdin.read())!), "a\n");
  const pending = rt.stdin.read();
  rt.feedStdin("b");
  assert.equal(dec.decode((await pending)!), "b");
  const last = rt.stdin.read();
  rt.endStdin();
  assert.equal(await last, null);
  assert.equal(await rt.stdin.read(), null);
  assert.equal(rt.stdin.isTerminal(), false);
  rt.stdin.terminal = true;
  assert.equal(rt.stdin.isTerminal(), true);
});
