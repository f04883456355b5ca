/**
 * Keys the loader never asked for (EXTENSIONS.md §0.4): Python reads
 * options one by one by name, so a misspelt key (`depnds_on`) is silently
 * ignored. `[supervisord] strict_keys = off | warn | error` (default `off`,
 * so the main log stays Python's) reports them at load, and
 * `supervisord --check-config` always lists them, each with the nearest key
 * the section does read.
 *
 * A section is checked when the loader read at least one key of it (the
 * sections supervisord knows by name or prefix); `[rpcinterface:x]` hands
 * every key to its factory, so all of its keys are read.
 *
 * Python counterpart: none (process-compose's `is_strict` is the peer).
 * @module
 */

import { choice } from "./ext_values.ts";
import type { IniParser } from "./ini.ts";
import { pyRepr } from "./pyrepr.ts";

/** `strict_keys`. */
export type StrictKeys = "off" | "warn" | "error";

/** `[supervisord] strict_keys` (read through the parser, so it counts as known). */
export function strictKeysMode(parser: IniParser): StrictKeys {
  const raw = parser.get("supervisord", "strict_keys");
  return raw === undefined ? "off" : choice("strict_keys", raw, ["off", "warn", "error"]);
}

/**
 * One message per key that no read asked for, in file order:
 * `unknown key 'depnds_on' in section 'program:web' (did you mean 'depends_on'?)`.
 */
export function unknownKeyMessages(parser: IniParser): string[] {
  const out: string[] = [];
  for (const section of parser.sections()) {
    const known = parser.keysRead(section);
    if (known.size === 0 || section === "supervisorctl") continue;
    for (const [key] of parser.ownItems(section)) {
      if (known.has(key)) continue;
      const near = nearestKey(key, known);
      out.push(
        `unknown key ${pyRepr(key)} in section ${pyRepr(section)}` +
          (near === null ? "" : ` (did you mean ${pyRepr(near)}?)`),
      );
    }
  }
  return out;
}

/** The closest of `candidates` by edit distance, when close enough to be a typo; else null. */
export function nearestKey(key: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDistance || (d === bestDistance && best !== null && c < best)) [best, bestDistance] = [c, d];
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return bestDistance <= limit ? best : null;
}

/** Damerau-Levenshtein distance (adjacent transpositions count 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
