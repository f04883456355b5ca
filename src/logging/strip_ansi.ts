/**
 * `strip_ansi`: removes ANSI escape sequences from a chunk of child output
 * before it is logged (SURFACE LOG.child.strip_ansi). A sequence starts with
 * `ESC [` and ends at the first following byte among `HfABCDRsuJKhlpm`; an
 * unterminated sequence swallows the rest of the chunk. Each chunk is
 * stripped on its own, as Python does: a sequence split across two reads is
 * not recognised in the second.
 *
 * Python counterpart: supervisor/dispatchers.py (`stripEscapes`).
 * @module
 */

const ESC = 0x1b;
const LEFT_BRACKET = 0x5b;

/** 1 for each byte that ends an escape sequence. */
const TERMINATOR = new Uint8Array(256);
for (const ch of "HfABCDRsuJKhlpm") TERMINATOR[ch.charCodeAt(0)] = 1;

/** Index of the next `ESC [` at or after `from`, or -1. */
function findEscape(data: Uint8Array, from: number): number {
  let i = data.indexOf(ESC, from);
  while (i !== -1 && data[i + 1] !== LEFT_BRACKET) i = data.indexOf(ESC, i + 1);
  return i;
}

/**
 * Returns `data` without its ANSI escape sequences. Returns `data` itself
 * (no copy) when it holds no `ESC [`.
 *
 * @param data One chunk read from a child pipe.
 * @returns The bytes to log.
 *
 * @example
 * ```ts
 * const out = stripAnsi(new TextEncoder().encode("\x1b[31mred\x1b[0m"));
 * new TextDecoder().decode(out); // "red"
 * ```
 */
export function stripAnsi(data: Uint8Array): Uint8Array {
  let start = findEscape(data, 0);
  if (start === -1) return data;
  const out = new Uint8Array(data.length);
  let length = 0;
  let shown = 0;
  while (start !== -1) {
    out.set(data.subarray(shown, start), length);
    length += start - shown;
    let end = start + 2;
    while (end < data.length && TERMINATOR[data[end]!] === 0) end++;
    if (end >= data.length) return out.subarray(0, length);
    shown = end + 1;
    start = findEscape(data, shown);
  }
  out.set(data.subarray(shown), length);
  return out.subarray(0, length + data.length - shown);
}
