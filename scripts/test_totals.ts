// deno-lint-ignore-file no-console
/**
 * Prints one closing line with the totals of every JUnit file in a folder
 * (`tests: N passed, N failed, N skipped`), and exits 1 if any test failed or
 * no test ran at all.
 *
 * Usage: deno run -A scripts/test_totals.ts .test-output
 * @module
 */

const dir = Deno.args[0] ?? ".test-output";
let passed = 0;
let failed = 0;
let skipped = 0;
for await (const entry of Deno.readDir(dir)) {
  if (!entry.name.endsWith(".xml")) continue;
  const xml = await Deno.readTextFile(`${dir}/${entry.name}`);
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) Deno.exit(1);
