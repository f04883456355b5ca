/**
 * Filename globbing with Python `glob.glob` semantics, used for `[include]
 * files=` patterns: `*`, `?` and `[...]` per path component, no `**`, hidden
 * names matched only by patterns that start with a dot. Results come in
 * directory-listing order; callers sort them as supervisord does.
 *
 * Python counterpart: CPython Lib/glob.py and Lib/fnmatch.py, as used by
 * `ServerOptions.read_config` in supervisor/options.py.
 * @module
 */

import { join, split } from "./pypath.ts";

/** The file system facts globbing needs, synchronously. */
export interface GlobProbe {
  /** Entry names of a directory, or null when it cannot be listed. */
  readDir(path: string): string[] | null;
  /** `os.path.lexists`. */
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
}

const MAGIC = /[*?[]/;

function hasMagic(s: string): boolean {
  return MAGIC.test(s);
}

/** Translates an fnmatch pattern into an anchored regular expression. */
export function fnmatchToRegExp(pattern: string): RegExp {
  let re = "";
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++]!;
    if (c === "*") {
      while (pattern[i] === "*") i++;
      re += "[\\s\\S]*";
    } else if (c === "?") {
      re += "[\\s\\S]";
    } else if (c === "[") {
      let j = i;
      if (pattern[j] === "!") j++;
      if (pattern[j] === "]") j++;
      while (j < n && pattern[j] !== "]") j++;
      if (j >= n) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i, j);
      i = j + 1;
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, "\\$&");
      re += body === "" ? (negate ? "[\\s\\S]" : "(?!)") : `[${negate ? "^" : ""}${body}]`;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^(?:${re})$`, "u");
}

function isHidden(name: string): boolean {
  return name.startsWith(".");
}

function globInDir(dir: string, pattern: string, dirOnly: boolean, probe: GlobProbe): string[] {
  if (!hasMagic(pattern)) {
    if (pattern === "") return probe.isDirectory(dir) ? [pattern] : [];
    return probe.exists(join(dir, pattern)) ? [pattern] : [];
  }
  let names = probe.readDir(dir || ".") ?? [];
  if (dirOnly) names = names.filter((n) => probe.isDirectory(join(dir, n)));
  if (!isHidden(pattern)) names = names.filter((n) => !isHidden(n));
  const re = fnmatchToRegExp(pattern);
  return names.filter((n) => re.test(n));
}

function globImpl(pattern: string, dirOnly: boolean, probe: GlobProbe): string[] {
  const [dir, base] = split(pattern);
  if (!hasMagic(pattern)) {
    if (base ? probe.exists(pattern) : probe.isDirectory(dir)) return [pattern];
    return [];
  }
  if (!dir) return globInDir("", base, dirOnly, probe);
  const dirs = dir !== pattern && hasMagic(dir) ? globImpl(dir, true, probe) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    for (const name of globInDir(d, base, dirOnly, probe)) out.push(join(d, name));
  }
  return out;
}

/** `glob.glob(pattern)`: the paths matching `pattern`, unsorted. */
export function glob(pattern: string, probe: GlobProbe): string[] {
  return globImpl(pattern, false, probe);
}
