/**
 * Python string behaviour the client's output depends on: `str.split()`
 * on whitespace, `%-Ns` padding by code points, the stdlib cmd module's
 * `parseline`, namespecs that may embed `None`, and the URL scheme test
 * of `open`.
 *
 * Python counterpart: the stdlib cmd.py (`Cmd.parseline`, `IDENTCHARS`),
 * `str.split`, `%`-formatting, `urllib.parse.urlparse` (scheme only) and
 * supervisor/options.py (`make_namespec`).
 * @module
 */

import { isPySpace, pyStrip } from "../config/_pytext.ts";

/** Python's `s.split()`: words separated by runs of whitespace. */
export function pySplit(s: string): string[] {
  const words: string[] = [];
  let word = "";
  for (const ch of s) {
    if (isPySpace(ch)) {
      if (word !== "") words.push(word);
      word = "";
    } else {
      word += ch;
    }
  }
  if (word !== "") words.push(word);
  return words;
}

/** `'%-Ns' % s`: left-justified to `width` code points. */
export function pyLjust(s: string, width: number): string {
  const len = [...s].length;
  return len >= width ? s : s + " ".repeat(width - len);
}

/** `cmd.IDENTCHARS`: ASCII letters, digits and `_`. */
const IDENT = /^[A-Za-z0-9_]$/;

/**
 * `Cmd.parseline`: the stripped line, its command word (leading identifier
 * characters; null when the line cannot be parsed) and the stripped rest.
 * `?x` means `help x`; `!x` is unparseable (no `do_shell`).
 */
export function parseLine(raw: string): { cmd: string | null; arg: string; line: string } {
  let line = pyStrip(raw);
  if (line === "") return { cmd: null, arg: "", line };
  if (line.startsWith("?")) line = "help " + line.slice(1);
  else if (line.startsWith("!")) return { cmd: null, arg: "", line };
  let i = 0;
  while (i < line.length && IDENT.test(line.charAt(i))) i++;
  return { cmd: line.slice(0, i), arg: pyStrip(line.slice(i)), line };
}

/** `make_namespec`, where a missing process name prints as Python's `None`. */
export function namespec(group: string, name: string | null): string {
  const process = name ?? "None";
  return group === process ? process : `${group}:${process}`;
}

/** `urlparse(url).scheme`: the lower-cased text before `:` when it is a valid scheme, else "". */
export function urlScheme(url: string): string {
  const colon = url.indexOf(":");
  if (colon <= 0) return "";
  const head = url.slice(0, colon);
  return /^[A-Za-z][A-Za-z0-9+\-.]*$/.test(head) ? head.toLowerCase() : "";
}
