/**
 * Contract suite, standard input: a child running this same runtime reads
 * its stdin through the adapter (`rt.stdin.read()` until null) and reports
 * what arrived, so the adapter is exercised on a real pipe.
 *
 * Python counterpart: none; Python's supervisorctl reads `sys.stdin` through
 * `input()` (supervisor/supervisorctl.py, the shell and `fg`).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import type { Runtime } from "./types.ts";
import { type ContractCase, readText, within, withTempDir } from "./_contract_util.ts";

const enc = new TextEncoder();

/** A script that reads stdin through the adapter and prints a JSON report. */
function readerScript(rt: Runtime): string {
  const adapter = new URL(rt.name === "bun" ? "./bun.ts" : "./deno.ts", import.meta.url).href;
  const factory = rt.name === "bun" ? "createBunRuntime" : "createDenoRuntime";
  return `import { ${factory} } from ${JSON.stringify(adapter)};
const rt = ${factory}();
const bytes = [];
let reads = 0;
for (;;) {
  const chunk = await rt.stdin.read();
  if (chunk === null) break;
  reads++;
  bytes.push(...chunk);
}
const text = new TextDecoder().decode(new Uint8Array(bytes));
rt.stdout.write(JSON.stringify({ text, reads, terminal: rt.stdin.isTerminal(), again: await rt.stdin.read() }));
rt.exit(0);
`;
}

/** argv that runs `script` on the runtime under test. */
function runScript(rt: Runtime, script: string): string[] {
  return rt.name === "bun" ? [rt.execPath, script] : [rt.execPath, "run", "-A", "--quiet", script];
}

async function readsPipedStdin(rt: Runtime): Promise<void> {
  if (rt.name === "fake") return;
  await withTempDir(rt, async (dir) => {
    const script = `${dir}/read_stdin.ts`;
    await rt.fs.writeTextFile(script, readerScript(rt));
    const argv = runScript(rt, script);
    const child = rt.spawn({ path: argv[0]!, argv, env: rt.env(), cwd: dir, stderr: "pipe" });
    await child.stdin!.write(enc.encode("first line\nsecond "));
    await child.stdin!.write(enc.encode("line\nno newline at end"));
    await child.stdin!.close();
    const [out, err, status] = await within(
      rt,
      Promise.all([readText(child.stdout), readText(child.stderr), child.exited]),
      30_000,
      "stdin reader child",
    );
    assert.equal(status.code, 0, `reader exited ${JSON.stringify(status)}; stderr: ${err}`);
    const report = JSON.parse(out) as { text: string; reads: number; terminal: boolean; again: unknown };
    assert.equal(report.text, "first line\nsecond line\nno newline at end");
    assert.equal(report.terminal, false);
    assert.equal(report.again, null, "a read after end of input resolves null again");
    assert.ok(report.reads >= 1);
  });
}

/** A script that writes 4 MiB through `stdout.writeAsync` and reports on stderr while the write is pending. */
function writerScript(rt: Runtime): string {
  const adapter = new URL(rt.name === "bun" ? "./bun.ts" : "./deno.ts", import.meta.url).href;
  const factory = rt.name === "bun" ? "createBunRuntime" : "createDenoRuntime";
  return `import { ${factory} } from ${JSON.stringify(adapter)};
const rt = ${factory}();
let settled = false;
const written = rt.stdout.writeAsync(new Uint8Array(4 << 20).fill(97)).then(() => (settled = true));
setTimeout(() => rt.stderr.write(\`alive settled=\${settled}\\n\`), 10);
await written;
rt.stderr.write("done\\n");
rt.exit(0);
`;
}

/** Reads `stream` until `text` has arrived; returns what was read. */
async function readUntil(stream: ReadableStream<Uint8Array>, text: string): Promise<string> {
  const reader = stream.getReader();
  let got = "";
  const dec = new TextDecoder();
  try {
    while (!got.includes(text)) {
      const r = await reader.read();
      if (r.done) break;
      got += dec.decode(r.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return got;
}

async function writesWithoutBlocking(rt: Runtime): Promise<void> {
  if (rt.name === "fake") return;
  await withTempDir(rt, async (dir) => {
    const script = `${dir}/write_stdout.ts`;
    await rt.fs.writeTextFile(script, writerScript(rt));
    const argv = runScript(rt, script);
    const child = rt.spawn({ path: argv[0]!, argv, env: rt.env(), cwd: dir, stdin: "null", stderr: "pipe" });
    // Nothing reads stdout yet, so the 4 MiB cannot all be in the pipe: the write is pending, and the
    // child's timer still runs (its event loop is not blocked).
    const first = await within(rt, readUntil(child.stderr!, "\n"), 30_000, "the child's timer while its write is held");
    assert.equal(first, "alive settled=false\n");
    const [out, rest, status] = await within(
      rt,
      Promise.all([readText(child.stdout), readText(child.stderr), child.exited]),
      30_000,
      "the rest of the writer child",
    );
    assert.equal(status.code, 0, `writer exited ${JSON.stringify(status)}; stderr: ${rest}`);
    assert.equal(out.length, 4 << 20);
    assert.ok(/^a+$/.test(out));
    assert.equal(rest, "done\n");
  });
}

/** The standard-stream cases. */
export const stdinCases: readonly ContractCase[] = [
  ["stdin.read() delivers piped bytes in order, then null at end of input", readsPipedStdin],
  ["stdout.writeAsync() writes everything in order without blocking the event loop", writesWithoutBlocking],
];
