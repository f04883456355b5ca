// deno-lint-ignore-file no-console
/**
 * Builds the single executable `dist/supervisord` from the Bun entry with
 * `bun build --compile`, which works offline. (`deno task compile` is the
 * Deno alternative; it downloads Deno's runtime and needs network access.)
 *
 * Usage: deno run -A scripts/build.ts
 * @module
 */

const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist/supervisord`;
const { code } = await new Deno.Command(bun, {
  args: ["build", "--compile", "--minify", "--sourcemap=none", `${root}src/main_bun.ts`, "--outfile", out],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (code !== 0) Deno.exit(code);
const { size } = await Deno.stat(out);
console.log(`built ${out} (${(size / 1024 / 1024).toFixed(1)} MiB)`);
