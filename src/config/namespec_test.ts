import assert from "node:assert/strict";
import { makeNamespec, splitNamespec } from "./namespec.ts";

Deno.test("[GEN.namespec] makeNamespec() uses the bare name when group and process match", () => {
  assert.equal(makeNamespec("web", "web"), "web");
  assert.equal(makeNamespec("multi", "multi_0"), "multi:multi_0");
});

Deno.test("[GEN.namespec] splitNamespec() splits at the first colon", () => {
  assert.deepEqual(splitNamespec("g:p"), { group: "g", process: "p" });
  assert.deepEqual(splitNamespec("g:p:q"), { group: "g", process: "p:q" });
  assert.deepEqual(splitNamespec("g:"), { group: "g", process: null });
  assert.deepEqual(splitNamespec("g:*"), { group: "g", process: null });
  assert.deepEqual(splitNamespec("multi_0"), { group: "multi_0", process: "multi_0" });
  assert.deepEqual(splitNamespec(":p"), { group: "", process: "p" });
});
