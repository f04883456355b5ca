/**
 * Python `repr()` of strings and lists of strings, as supervisord embeds them in
 * its messages (`%r`).
 *
 * Python counterpart: CPython `unicode_repr` (Objects/unicodeobject.c).
 * @module
 */

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return "\\x" + cp.toString(16).padStart(2, "0");
  if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
  return "\\U" + cp.toString(16).padStart(8, "0");
}

/** Returns Python's `repr(s)` for a `str`. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x7f && cp >= 0x20) out += ch;
    else if (ch !== " " && NON_PRINTABLE.test(ch)) out += escapeCodePoint(cp);
    else if (cp === 0x7f) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

/** Returns Python's `repr(list)` for a list of strings: `['a', 'b']`. */
export function pyReprList(items: readonly string[]): string {
  return "[" + items.map(pyRepr).join(", ") + "]";
}
