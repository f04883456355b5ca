// deno-lint-ignore-file no-console
/**
 * Builds single executables from the Bun entry with `bun build --compile`.
 *
 * - `deno task build` (no arguments): the host's binary as `dist/supervisord`.
 * - `deno task build:all` (`--all`): one binary per release target,
 *   `dist/supervisord-<os>-<arch>[-musl]`, plus `dist/SHA256SUMS` in the
 *   format `sha256sum -c` reads. Cross-compiling fetches each target's Bun
 *   runtime once (from the npm registry) into Bun's cache.
 * - `--target NAME` (repeatable): only those targets, e.g. `--target linux-arm64`.
 *
 * (`deno task compile` is the Deno alternative; it downloads Deno's runtime.)
 *
 * Usage: deno run -A scripts/build.ts [--all | --target NAME ...]
 *
 * Python counterpart: none (project tooling).
 * @module
 */

/** A release target: Bun's `--target` value and the binary's file name. */
export interface BuildTarget {
  /** Bun's target, e.g. `bun-linux-x64-musl`. */
  bun: string;
  /** Short name, e.g. `linux-x64-musl`. */
  name: string;
  /** Output file name under dist/, e.g. `supervisord-linux-x64-musl`. */
  file: string;
}

const TARGET_NAMES = [
  "linux-x64",
  "linux-arm64",
  "linux-x64-musl",
  "linux-arm64-musl",
  "darwin-arm64",
  "darwin-x64",
] as const;

/** The six release targets, in build order. */
export const TARGETS: readonly BuildTarget[] = TARGET_NAMES.map((name) => ({
  bun: `bun-${name}`,
  name,
  file: `supervisord-${name}`,
}));

/**
 * Picks the targets named on the command line.
 * @returns null for a host-only build (no `--all`, no `--target`).
 * @throws Error naming an unknown target.
 */
export function selectTargets(args: readonly string[]): BuildTarget[] | null {
  if (args.includes("--all")) return [...TARGETS];
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--target") names.push(args[++i] ?? "");
    else if (args[i]?.startsWith("--target=")) names.push(args[i]!.slice("--target=".length));
    else throw new Error(`unknown argument: ${args[i]}`);
  }
  if (names.length === 0) return null;
  return names.map((n) => {
    const t = TARGETS.find((x) => x.name === n || x.bun === n);
    if (t === undefined) throw new Error(`unknown target ${n}; known: ${TARGET_NAMES.join(", ")}`);
    return t;
  });
}

/** Formats one `SHA256SUMS` line (`sha256sum` text mode: hash, two spaces, name). */
export function sumsLine(hex: string, file: string): string {
  return `${hex}  ${file}\n`;
}

/** Hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;

async function compile(outfile: string, target: string | null): Promise<void> {
  const args = ["build", "--compile", "--minify", "--sourcemap=none"];
  if (target !== null) args.push(`--target=${target}`);
  args.push(`${root}src/main_bun.ts`, "--outfile", outfile);
  const { code } = await new Deno.Command(bun, { args, cwd: root, stdout: "inherit", stderr: "inherit" }).output();
  if (code !== 0) throw new Error(`bun build ${target ?? "(host)"} exited ${code}`);
  const { size } = await Deno.stat(outfile);
  console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MiB)`);
}

async function main(args: string[]): Promise<number> {
  let targets: BuildTarget[] | null;
  try {
    targets = selectTargets(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  await Deno.mkdir(`${root}dist`, { recursive: true });
  if (targets === null) {
    await compile(`${root}dist/supervisord`, null);
    return 0;
  }
  let sums = "";
  for (const t of targets) {
    const out = `${root}dist/${t.file}`;
    await compile(out, t.bun);
    sums += sumsLine(await sha256Hex(await Deno.readFile(out)), t.file);
  }
  await Deno.writeTextFile(`${root}dist/SHA256SUMS`, sums);
  console.log(`wrote ${root}dist/SHA256SUMS (${targets.length} binaries)`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
