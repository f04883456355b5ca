import assert from "node:assert/strict";
import type { XmlRpcValue } from "../rpc/xmlrpc_value.ts";
import { ShellCompleter } from "./completion.ts";

const VOCAB = ["help", "EOF", "add", "avail", "start", "status", "stop", "update"];

function completer(): { c: ShellCompleter; calls: () => number } {
  let calls = 0;
  const info: XmlRpcValue = [
    { group: "web", name: "web" },
    { group: "workers", name: "w_00" },
    { group: "workers", name: "w_01" },
  ];
  const c = new ShellCompleter(VOCAB, () => {
    calls++;
    return Promise.resolve(info);
  });
  return { c, calls: () => calls };
}

async function matches(c: ShellCompleter, line: string, cursor = [...line].length): Promise<string[]> {
  return [...(await c.complete(line, cursor)).matches];
}

Deno.test("[CTL.mode] completion: commands for the first word, after help, and on a blank line", async () => {
  const { c } = completer();
  assert.deepEqual(await matches(c, "st"), ["start ", "status ", "stop "]);
  assert.deepEqual(await matches(c, ""), VOCAB.map((v) => v + " "));
  assert.deepEqual(await matches(c, "help a"), ["add ", "avail "]);
  assert.deepEqual(await matches(c, "  E"), ["EOF "]);
});

Deno.test("[CTL.mode] completion: processes after process commands, groups after add/remove/update", async () => {
  const { c, calls } = completer();
  assert.deepEqual(await matches(c, "start "), ["web ", "workers:w_00 ", "workers:* ", "workers:w_01 "]);
  assert.deepEqual(await matches(c, "stop web:"), ["web:web ", "web:* "]);
  assert.deepEqual(await matches(c, "stop w"), ["web ", "workers:w_00 ", "workers:* ", "workers:w_01 "]);
  assert.deepEqual(await matches(c, "status web workers:w_0"), ["workers:w_00 ", "workers:w_01 "]);
  assert.deepEqual(await matches(c, "update w"), ["web ", "workers "]);
  assert.deepEqual(await matches(c, "version x"), []);
  assert.equal(calls(), 1, "the process list is fetched once until reset");
  c.reset();
  await matches(c, "start w");
  assert.equal(calls(), 2);
});

Deno.test("[CTL.mode] completion: the word starts after readline's delimiters, not at ':' '*' '-'", async () => {
  const { c } = completer();
  const line = "start a,workers:w_0";
  const { start, matches: found } = await c.complete(line, [...line].length);
  assert.equal(start, "start a,".length);
  assert.deepEqual(found, ["workers:w_00 ", "workers:w_01 "]);
  assert.equal((await c.complete("stop web", 6)).start, 5, "completes the text before the cursor");
});

Deno.test("[CTL.mode] completion: a server error completes nothing", async () => {
  const c = new ShellCompleter(VOCAB, () => Promise.reject(new Error("refused")));
  assert.deepEqual(await matches(c, "start w"), []);
  assert.deepEqual(await matches(c, "sta"), ["start ", "status "]);
});
