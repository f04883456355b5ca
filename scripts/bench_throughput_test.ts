import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { rotatedFiles, verifyRotated } from "./bench_throughput.ts";

const noDeno = typeof (globalThis as { Deno?: { Command?: unknown } }).Deno?.Command !== "function";

Deno.test("rotatedFiles() lists existing backups oldest first, then the current file", () => {
  const present = new Set(["/d/g.log", "/d/g.log.1", "/d/g.log.3", "/d/g.log.11"]);
  assert.deepEqual(rotatedFiles("/d/g.log", 10, (p) => present.has(p)), ["/d/g.log.3", "/d/g.log.1", "/d/g.log"]);
  assert.deepEqual(rotatedFiles("/d/g.log", 10, () => false), []);
});

/** The generator's output for `bytes`, split into files g.log.2, g.log.1, g.log at the given cuts. */
function writeSplit(dir: string, bytes: number, cuts: [number, number]): Uint8Array {
  const out = new Deno.Command("seq", { args: ["100000000000001", String(100000000000000 + bytes / 16)] })
    .outputSync().stdout;
  writeFileSync(`${dir}/g.log.2`, out.subarray(0, cuts[0]));
  writeFileSync(`${dir}/g.log.1`, out.subarray(cuts[0], cuts[1]));
  writeFileSync(`${dir}/g.log`, out.subarray(cuts[1]));
  return out;
}

Deno.test({
  name: "verifyRotated() accepts complete output, counts a lost head, and rejects reordering",
  ignore: noDeno,
  async fn() {
    const dir = mkdtempSync(`${tmpdir()}/svbench-test-`);
    try {
      const bytes = 16 * 1000;
      writeSplit(dir, bytes, [5003, 10007]); // cuts mid-line, as rotation does
      assert.deepEqual(await verifyRotated(`${dir}/g.log`, bytes, 10), {
        lost: 0,
        text: `verified: all ${bytes} bytes kept, in order, in 3 file(s)`,
      });
      rmSync(`${dir}/g.log.2`);
      const v = await verifyRotated(`${dir}/g.log`, bytes, 10);
      assert.equal(v.lost, 5003);
      const text = readFileSync(`${dir}/g.log`, "latin1");
      const swapped = text.slice(16, 32) + text.slice(0, 16) + text.slice(32);
      writeFileSync(`${dir}/g.log`, swapped, "latin1");
      const bad = await verifyRotated(`${dir}/g.log`, bytes, 10);
      assert.equal(bad.lost, null);
      assert.match(bad.text, /differ from the generator's output/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
});
