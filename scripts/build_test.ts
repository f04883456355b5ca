import assert from "node:assert/strict";
import { selectTargets, sha256Hex, sumsLine, TARGETS } from "./build.ts";

Deno.test("selectTargets(): no arguments build the host only; --all builds the six release targets", () => {
  assert.equal(selectTargets([]), null);
  assert.deepEqual(selectTargets(["--all"])?.map((t) => t.file), [
    "supervisord-linux-x64",
    "supervisord-linux-arm64",
    "supervisord-linux-x64-musl",
    "supervisord-linux-arm64-musl",
    "supervisord-darwin-arm64",
    "supervisord-darwin-x64",
  ]);
  assert.deepEqual(TARGETS.map((t) => t.bun), [
    "bun-linux-x64",
    "bun-linux-arm64",
    "bun-linux-x64-musl",
    "bun-linux-arm64-musl",
    "bun-darwin-arm64",
    "bun-darwin-x64",
  ]);
});

Deno.test("selectTargets(): --target picks by short or Bun name; an unknown one is an error", () => {
  assert.deepEqual(selectTargets(["--target", "linux-arm64", "--target=bun-darwin-x64"])?.map((t) => t.name), [
    "linux-arm64",
    "darwin-x64",
  ]);
  assert.throws(() => selectTargets(["--target", "windows-x64"]), /unknown target windows-x64/);
  assert.throws(() => selectTargets(["--fast"]), /unknown argument/);
});

Deno.test("SHA256SUMS lines are what sha256sum -c reads", async () => {
  const hex = await sha256Hex(new TextEncoder().encode("abc"));
  assert.equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sumsLine(hex, "supervisord-linux-x64"), `${hex}  supervisord-linux-x64\n`);
});
