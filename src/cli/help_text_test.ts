import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { supervisordHelpText } from "./help_text.ts";

const FIXTURE = new URL(
  "../../compat-tests/fixtures/cli/supervisord_help.txt",
  import.meta.url,
);

Deno.test("supervisordHelpText() equals the reference -h output for /usr/bin/supervisord", () => {
  const expected = readFileSync(FIXTURE, "utf8");
  assert.equal(supervisordHelpText("/usr/bin/supervisord"), expected);
});

Deno.test("supervisordHelpText() substitutes argv0 literally, including $ patterns", () => {
  const text = supervisordHelpText("./bin/$&sd");
  assert.ok(text.includes("\nUsage: ./bin/$&sd [options]\n"));
  assert.ok(!text.includes("%s"));
  assert.ok(text.endsWith("e.g. 'cumulative,callers')\n\n"));
});
