/**
 * Python's two `shlex` tokenizers as supervisord uses them: `shlex.split()`
 * (POSIX rules, comments off) to turn a `command=` into argv, and the
 * non-POSIX `shlex.shlex` token stream behind `environment=` parsing.
 *
 * Python counterpart: CPython 3.11 Lib/shlex.py, as called by
 * supervisor/process.py (`get_execv_args`) and supervisor/datatypes.py
 * (`dict_of_key_value_pairs`).
 * @module
 */

import { ValueConversionError } from "./errors.ts";

const WHITESPACE = " \t\r\n";
const QUOTES = `'"`;
const ESCAPE = "\\";
/** `shlex.wordchars` outside POSIX mode: ASCII letters, digits and `_`. */
const NONPOSIX_WORDCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

function isOneOf(ch: string, set: string): boolean {
  return ch !== "" && set.includes(ch);
}

/**
 * Python's `shlex.split(s)`: whitespace separates words; `'...'` is literal;
 * inside `"..."` a backslash escapes only `"` and `\`; outside quotes a
 * backslash escapes any character; adjacent quoted and unquoted parts join;
 * `''` is an empty word; `#` is an ordinary character. Throws
 * `ValueConversionError` `No closing quotation` / `No escaped character`.
 */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let state = " ";
  let escapedState = "a";
  let token = "";
  let quoted = false;
  for (const ch of s) {
    if (state === " " || state === "a") {
      if (isOneOf(ch, WHITESPACE)) {
        if (state === "a" && (token !== "" || quoted)) words.push(token);
        [state, token, quoted] = [" ", "", false];
      } else if (ch === ESCAPE) [escapedState, state] = ["a", ESCAPE];
      else if (isOneOf(ch, QUOTES)) state = ch;
      else [token, state] = [token + ch, "a"];
    } else if (state === ESCAPE) {
      // Within "...", only the quote itself and the backslash are escapable.
      if (escapedState === '"' && ch !== ESCAPE && ch !== '"') token += ESCAPE;
      [token, state] = [token + ch, escapedState];
    } else {
      quoted = true;
      if (ch === state) state = "a";
      else if (state === '"' && ch === ESCAPE) [escapedState, state] = ['"', ESCAPE];
      else token += ch;
    }
  }
  if (state === ESCAPE) throw new ValueConversionError("No escaped character");
  if (state !== " " && state !== "a") {
    throw new ValueConversionError("No closing quotation");
  }
  if (state === "a" && (token !== "" || quoted)) words.push(token);
  return words;
}

/** Index just past the next newline (`StringIO.readline()`), or the end. */
function skipLine(chars: readonly string[], i: number): number {
  while (i < chars.length && chars[i] !== "\n") i++;
  return Math.min(i + 1, chars.length);
}

/**
 * `list(shlex.shlex(s))` with `extraWordChars` appended to `wordchars`
 * (non-POSIX mode): a run of word characters is one token, and may take in
 * quote characters; a quoted string is one token with its quotes kept;
 * any other non-blank character is a token of its own; `#` comments out
 * the rest of the line (inside a word, the word continues on the next
 * line). Throws `ValueConversionError` `No closing quotation`.
 */
export function shlexTokenize(s: string, extraWordChars = ""): string[] {
  const wordChars = NONPOSIX_WORDCHARS + extraWordChars;
  const chars = Array.from(s);
  const tokens: string[] = [];
  let state = " ";
  let token = "";
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i++]!;
    if (state === " ") {
      if (isOneOf(ch, WHITESPACE)) continue;
      if (ch === "#") i = skipLine(chars, i);
      else if (isOneOf(ch, wordChars)) [token, state] = [ch, "a"];
      else if (isOneOf(ch, QUOTES)) [token, state] = [ch, ch];
      else tokens.push(ch);
    } else if (state === "a") {
      if (isOneOf(ch, WHITESPACE)) {
        tokens.push(token);
        [token, state] = ["", " "];
      } else if (ch === "#") i = skipLine(chars, i);
      else if (isOneOf(ch, wordChars) || isOneOf(ch, QUOTES)) token += ch;
      else {
        // Python pushes the character back as a token of its own.
        tokens.push(token, ch);
        [token, state] = ["", " "];
      }
    } else {
      token += ch;
      if (ch === state) {
        tokens.push(token);
        [token, state] = ["", " "];
      }
    }
  }
  if (state === "a") tokens.push(token);
  else if (state !== " ") throw new ValueConversionError("No closing quotation");
  return tokens;
}
