/**
 * Python `repr()` of a `bytes` value (`b'a\nb\xff'`), as supervisord embeds
 * undecodable child output in its debug main-log lines (MLOG.output) and
 * listener output (MLOG.listener.output).
 *
 * Python counterpart: CPython `bytes_repr` (Objects/bytesobject.c).
 * @module
 */

const HEX = "0123456789abcdef";

/**
 * Returns Python's `repr(b)` for `bytes`: single quotes unless the value
 * holds `'` and no `"`; `\\`, the quote, `\t`, `\n`, `\r` escaped; other
 * bytes outside 0x20..0x7e as `\xNN`.
 *
 * @param data The bytes.
 * @returns The repr text, e.g. `b'ok\n'`.
 */
export function pyBytesRepr(data: Uint8Array): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? 0x22 : 0x27;
  const parts: string[] = ["b", String.fromCharCode(quote)];
  for (const b of data) {
    if (b === quote || b === 0x5c) parts.push("\\" + String.fromCharCode(b));
    else if (b === 0x09) parts.push("\\t");
    else if (b === 0x0a) parts.push("\\n");
    else if (b === 0x0d) parts.push("\\r");
    else if (b < 0x20 || b >= 0x7f) parts.push("\\x" + HEX[b >> 4] + HEX[b & 15]);
    else parts.push(String.fromCharCode(b));
  }
  parts.push(String.fromCharCode(quote));
  return parts.join("");
}
