/**
 * Enforces the runtime seam: outside the adapters, core code under src/
 * must not name `Deno.`, `Bun.` or `process.`, nor import `node:*` modules.
 * Allowed: src/runtime/deno*.ts, src/runtime/bun*.ts, src/main_*.ts and test
 * files (`*_test.ts`). Comments and string contents are ignored, so prose
 * such as "the child process." is not an offence.
 *
 * Usage: `deno run -A scripts/check_seams.ts [root]` (root defaults to the
 * repository). Exits 1 and lists `file:line: text` for each offending line.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

/** True for files that may touch host APIs. */
export function isAllowed(relPath: string): boolean {
  return /^src\/runtime\/(deno|bun)[^/]*\.ts$/.test(relPath) ||
    /^src\/main_[^/]*\.ts$/.test(relPath) ||
    /_test\.ts$/.test(relPath);
}

const REGEX_PRECEDERS = new Set([
  "",
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
]);

/**
 * Returns two views of `src`, each the same length with newlines kept:
 * `code` (comments and string/template/regex contents blanked) and
 * `withStrings` (only comments blanked).
 */
export function stripSource(src: string): { code: string; withStrings: string } {
  const code: string[] = [];
  const withStrings: string[] = [];
  const blank = (c: string) => (c === "\n" ? "\n" : " ");
  const templateDepth: number[] = [];
  let i = 0;
  let lastSignificant = "";
  const emit = (c: string, inCode: boolean, inString: boolean) => {
    code.push(inCode ? c : blank(c));
    withStrings.push(inCode || inString ? c : blank(c));
  };
  while (i < src.length) {
    const c = src[i] ?? "";
    const next = src[i + 1] ?? "";
    if (c === "/" && next === "/") {
      while (i < src.length && src[i] !== "\n") emit(src[i++] ?? "", false, false);
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? src.length : end + 2;
      while (i < stop) emit(src[i++] ?? "", false, false);
    } else if (c === '"' || c === "'" || c === "`" || (c === "/" && REGEX_PRECEDERS.has(lastSignificant))) {
      i = skipLiteral(src, i, emit, templateDepth);
      lastSignificant = "a";
    } else if (c === "}" && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === 0) {
      templateDepth.pop();
      i = skipLiteral(src, i, emit, templateDepth);
    } else {
      if (templateDepth.length > 0) {
        if (c === "{") templateDepth[templateDepth.length - 1]! += 1;
        if (c === "}") templateDepth[templateDepth.length - 1]! -= 1;
      }
      emit(c, true, false);
      if (!/\s/.test(c)) lastSignificant = /[\w$)\].]/.test(c) ? "a" : c;
      i++;
    }
  }
  return { code: code.join(""), withStrings: withStrings.join("") };
}

/**
 * Skips a string, template chunk or regex literal starting at `start` (its
 * opening delimiter, or the `}` that resumes a template). A template that
 * reaches `${` pushes a depth counter and returns to code.
 */
function skipLiteral(
  src: string,
  start: number,
  emit: (c: string, inCode: boolean, inString: boolean) => void,
  templateDepth: number[],
): number {
  const open = src[start] ?? "";
  const close = open === "}" ? "`" : open;
  emit(open, true, true);
  let i = start + 1;
  let inClass = false;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (c === "\\") {
      emit(c, false, true);
      emit(src[i + 1] ?? "", false, true);
      i += 2;
      continue;
    }
    if (close === "`" && c === "$" && src[i + 1] === "{") {
      emit("$", true, true);
      emit("{", true, true);
      templateDepth.push(0);
      return i + 2;
    }
    if (close === "/" && c === "[") inClass = true;
    if (close === "/" && c === "]") inClass = false;
    if (c === close && !inClass) {
      emit(c, true, true);
      return i + 1;
    }
    if (c === "\n" && close !== "`") return i;
    emit(c, false, true);
    i++;
  }
  return i;
}

const HOST_GLOBAL = /(?<![\w$.])(Deno|Bun|process)\s*\??\.|\bglobalThis\s*\??\.\s*(Deno|Bun|process)\b/;
const NODE_IMPORT = /\b(from|import|require)\s*\(?\s*["']node:/g;

/** True when a `node:` specifier is imported on this line (keyword in code, not in a string). */
function importsNode(withStrings: string, code: string): boolean {
  for (const m of withStrings.matchAll(NODE_IMPORT)) {
    const keyword = m[1] ?? "";
    if (code.slice(m.index, m.index + keyword.length) === keyword) return true;
  }
  return false;
}

/** The offending lines of one file, as `line: text` pairs (1-based). */
export function findViolations(src: string): Array<{ line: number; text: string }> {
  const { code, withStrings } = stripSource(src);
  const codeLines = code.split("\n");
  const importLines = withStrings.split("\n");
  const original = src.split("\n");
  const out: Array<{ line: number; text: string }> = [];
  for (let n = 0; n < original.length; n++) {
    const codeLine = codeLines[n] ?? "";
    if (HOST_GLOBAL.test(codeLine) || importsNode(importLines[n] ?? "", codeLine)) {
      out.push({ line: n + 1, text: (original[n] ?? "").trim() });
    }
  }
  return out;
}

async function* walk(dir: string, rel: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory) yield* walk(`${dir}/${entry.name}`, childRel);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield childRel;
  }
}

async function main(root: string): Promise<number> {
  let files = 0;
  const offences: string[] = [];
  for await (const rel of walk(`${root}/src`, "src")) {
    files++;
    if (isAllowed(rel)) continue;
    for (const v of findViolations(await Deno.readTextFile(`${root}/${rel}`))) {
      offences.push(`${rel}:${v.line}: ${v.text}`);
    }
  }
  const out = new TextEncoder();
  if (offences.length > 0) {
    await Deno.stderr.write(out.encode(`Host APIs used outside the runtime seam:\n${offences.sort().join("\n")}\n`));
    return 1;
  }
  await Deno.stdout.write(out.encode(`check_seams: ${files} files under src/, no host API outside the seam\n`));
  return 0;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  Deno.exit(await main(root));
}
