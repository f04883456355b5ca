/**
 * Keeps platform choices in one place: the runtime adapters
 * (src/runtime/deno*.ts, bun*.ts and src/main_*.ts) must not name a
 * Linux-only C library (`libc.so.6`, musl's `libc.musl-*`, any `*.so`),
 * a /proc or /sys path, or a util-linux tool (`prlimit`, `setpriv`) in
 * code or strings. They take those from src/runtime/_platform.ts, whose
 * profile leaves them out on platforms that lack them; that is the
 * platform check. Comments are ignored.
 *
 * Usage: `deno run -A scripts/check_platform.ts [root]`. Exits 1 and lists
 * `file:line: text` for each offending line.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { stripSource } from "./check_seams.ts";

/** True for the files the check reads: the adapters and entry points, tests excluded. */
export function isAdapter(relPath: string): boolean {
  if (/_test\.ts$/.test(relPath)) return false;
  return /^src\/runtime\/(deno|bun)[^/]*\.ts$/.test(relPath) || /^src\/main_[^/]*\.ts$/.test(relPath);
}

/** Linux-only names an adapter must get from the platform profile instead. */
const LINUX_ONLY = [/\blib[\w.+-]*\.so(\.\d+)*\b/, /\blibc\.musl\b/, /(^|[^\w])\/(proc|sys)(\/|\b)/];
/** util-linux tools, checked in string contents only (a command name is a string). */
const LINUX_TOOLS = /\b(prlimit|setpriv)\b/;

/** The offending lines of one adapter file (1-based), comments ignored. */
export function findLinuxOnly(src: string): Array<{ line: number; text: string }> {
  const { code, withStrings } = stripSource(src);
  const stringsOnly = Array.from(withStrings, (c, i) => (c === code[i] && c !== "\n" ? " " : c)).join("");
  const lines = withStrings.split("\n");
  const strings = stringsOnly.split("\n");
  const original = src.split("\n");
  const out: Array<{ line: number; text: string }> = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? "";
    if (LINUX_ONLY.some((re) => re.test(line)) || LINUX_TOOLS.test(strings[n] ?? "")) {
      out.push({ line: n + 1, text: (original[n] ?? "").trim() });
    }
  }
  return out;
}

async function main(root: string): Promise<number> {
  const offences: string[] = [];
  let files = 0;
  for (const dir of ["src", "src/runtime"]) {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const rel = `${dir}/${entry.name}`;
      if (!entry.isFile || !isAdapter(rel)) continue;
      files++;
      for (const v of findLinuxOnly(await Deno.readTextFile(`${root}/${rel}`))) {
        offences.push(`${rel}:${v.line}: ${v.text}`);
      }
    }
  }
  const enc = new TextEncoder();
  if (offences.length > 0) {
    const head = "Linux-only libraries, paths or tools named in an adapter (take them from runtime/_platform.ts):";
    await Deno.stderr.write(enc.encode(`${head}\n${offences.sort().join("\n")}\n`));
    return 1;
  }
  await Deno.stdout.write(
    enc.encode(`check_platform: ${files} adapter files, platform choices only in _platform.ts\n`),
  );
  return 0;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  Deno.exit(await main(root));
}
