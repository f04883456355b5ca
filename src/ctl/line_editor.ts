/**
 * The interactive shell's line editor: what GNU readline gives the stock
 * supervisorctl on a terminal. Cursor movement, deletion and kill keys,
 * history recall with Up/Down (Ctrl-P/Ctrl-N), and Tab completion through a
 * completer: one match is inserted, several extend the word to their common
 * prefix, and a second Tab lists them. Ctrl-C interrupts, Ctrl-D on an empty
 * line is end of input.
 *
 * The editor only turns keys into a line and redraws; reading keys, raw
 * mode and what completes to what belong to its caller (shell.ts,
 * completion.ts). When the terminal's width is known, a line longer than a
 * row wraps and is redrawn row-aware; otherwise it is drawn as one row.
 *
 * Python counterpart: none in supervisor (supervisorctl.py's shell reads
 * through the stdlib `input()`, which uses GNU readline when present).
 * @module
 */

import type { Key, KeyName } from "./_keys.ts";

/** Candidates for the word being completed. */
export interface Completion {
  /** Where the word being completed starts in the line (a code point index). */
  start: number;
  /** Replacements for the text from `start` to the cursor. */
  matches: readonly string[];
}

/** Finds completions for `line` with the cursor at `cursor` (code points). */
export type Completer = (line: string, cursor: number) => Promise<Completion>;

/** How an edit ended. */
export type EditResult = { line: string } | { eof: true } | { interrupted: true };

/** The longest prefix all `words` share. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return "";
  let prefix = words[0]!;
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** `words` in columns, as readline lists completions (across, then down). */
export function columns(words: readonly string[], width = 80): string {
  const sorted = [...words].sort();
  const cell = Math.max(...sorted.map((w) => w.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows: string[] = [];
  for (let i = 0; i < sorted.length; i += perRow) {
    rows.push(sorted.slice(i, i + perRow).map((w) => w.padEnd(cell)).join("").trimEnd());
  }
  return rows.join("\r\n");
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** One line being edited: its text, cursor, and place in the history. */
export class LineEditor {
  #chars: string[] = [];
  #cursor = 0;
  /** Index into history while recalling; history.length means the line being typed. */
  #recall: number;
  /** The line being typed, kept while older entries are shown. */
  #draft: string[] = [];
  #lastWasTab = false;
  /** The terminal row the cursor is on, counted from the prompt's first row. */
  #row = 0;
  readonly #promptWidth: number;

  /**
   * @param columns the terminal's width, or null when unknown (then a line
   *   is drawn as if it never wrapped)
   */
  constructor(
    private readonly prompt: string,
    private readonly history: readonly string[],
    private readonly write: (text: string) => void,
    private readonly complete: Completer,
    private readonly columns: () => number | null = () => null,
  ) {
    this.#recall = history.length;
    this.#promptWidth = [...prompt].length;
  }

  /** The text so far. */
  get text(): string {
    return this.#chars.join("");
  }

  /** The cursor, in code points. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Writes the prompt; call once before the first key. */
  start(): void {
    this.write(this.prompt);
    this.#row = Math.floor(this.#promptWidth / this.#width());
  }

  /** Applies one key; resolves with the result once the edit has ended. */
  async press(k: Key): Promise<EditResult | null> {
    const wasTab = this.#lastWasTab;
    this.#lastWasTab = false;
    if ("char" in k) {
      this.#insert([k.char]);
      return null;
    }
    if (k.key === "tab") {
      await this.#tab(wasTab);
      this.#lastWasTab = true;
      return null;
    }
    return this.#edit(k.key);
  }

  #edit(key: KeyName): EditResult | null {
    const chars = this.#chars;
    switch (key) {
      case "enter":
        this.#finishLine();
        return { line: this.text };
      case "interrupt":
        // The shell then ends its output with a newline, as after Ctrl-C in cooked mode.
        this.write("^C");
        return { interrupted: true };
      case "eof":
        if (chars.length === 0) return { eof: true };
        return this.#edit("delete");
      case "backspace":
        if (this.#cursor > 0) this.#replace(this.#cursor - 1, this.#cursor, []);
        break;
      case "delete":
        if (this.#cursor < chars.length) this.#replace(this.#cursor, this.#cursor + 1, []);
        break;
      case "left":
        this.#moveTo(this.#cursor - 1);
        break;
      case "right":
        this.#moveTo(this.#cursor + 1);
        break;
      case "home":
        this.#moveTo(0);
        break;
      case "end":
        this.#moveTo(chars.length);
        break;
      case "wordLeft":
        this.#moveTo(this.#wordStart());
        break;
      case "wordRight":
        this.#moveTo(this.#wordEnd());
        break;
      case "killEnd":
        this.#replace(this.#cursor, chars.length, []);
        break;
      case "killStart":
        this.#replace(0, this.#cursor, []);
        break;
      case "killWordBack":
        this.#replace(this.#wordStart(), this.#cursor, []);
        break;
      case "killSpaceWordBack":
        this.#replace(this.#wordStart((c) => c !== undefined && c.trim() !== ""), this.#cursor, []);
        break;
      case "transpose":
        this.#transpose();
        break;
      case "up":
        this.#recallEntry(this.#recall - 1);
        break;
      case "down":
        this.#recallEntry(this.#recall + 1);
        break;
      case "clearScreen":
        this.write("\x1b[H\x1b[2J");
        this.#row = 0;
        this.#redraw();
        break;
    }
    return null;
  }

  #insert(chars: string[]): void {
    this.#replace(this.#cursor, this.#cursor, chars);
  }

  /** Replaces chars[from, to) with `chars`, leaving the cursor after them. */
  #replace(from: number, to: number, chars: string[]): void {
    const appending = from === to && from === this.#chars.length;
    this.#chars.splice(from, to - from, ...chars);
    this.#cursor = from + chars.length;
    if (!appending) return this.#redraw();
    const end = this.#promptWidth + this.#cursor;
    this.write(chars.join("") + (this.#atRowEnd(end) ? "\r\n" : ""));
    this.#row = Math.floor(end / this.#width());
  }

  #moveTo(position: number): void {
    const target = Math.max(0, Math.min(this.#chars.length, position));
    if (target === this.#cursor) return;
    this.write(this.#travel(this.#cursor, target));
    this.#cursor = target;
  }

  /** The terminal width, Infinity when unknown. */
  #width(): number {
    const w = this.columns();
    return w !== null && w > 0 ? w : Infinity;
  }

  /** True when text ending at column offset `end` fills its last row (the terminal then waits to wrap). */
  #atRowEnd(end: number): boolean {
    const w = this.#width();
    return w !== Infinity && end > 0 && end % w === 0;
  }

  /** Escape sequences that move the cursor from line position `from` to `to`, and the row it is then on. */
  #travel(from: number, to: number): string {
    const w = this.#width();
    if (w === Infinity) {
      const d = to - from;
      return d > 0 ? `\x1b[${d}C` : d < 0 ? `\x1b[${-d}D` : "";
    }
    const [a, b] = [this.#promptWidth + from, this.#promptWidth + to];
    const rows = Math.floor(b / w) - this.#row;
    this.#row = Math.floor(b / w);
    const up = rows < 0 ? `\x1b[${-rows}A` : rows > 0 ? `\x1b[${rows}B` : "";
    if (rows === 0 && !this.#atRowEnd(a)) {
      const d = b - a;
      return d > 0 ? `\x1b[${d}C` : d < 0 ? `\x1b[${-d}D` : "";
    }
    return `${up}\r${b % w > 0 ? `\x1b[${b % w}C` : ""}`;
  }

  /** Enter: the cursor goes below the whole line. */
  #finishLine(): void {
    const end = this.#promptWidth + this.#chars.length;
    const move = this.#travel(this.#cursor, this.#chars.length);
    // A full last row already left the cursor at the start of the next one.
    this.write(move + (this.#atRowEnd(end) ? "" : "\r\n"));
  }

  /** Start of the word before the cursor (Alt-B, Alt-Backspace; Ctrl-W with a whitespace rule). */
  #wordStart(inWord: (c: string | undefined) => boolean = isWordChar): number {
    let i = this.#cursor;
    while (i > 0 && !inWord(this.#chars[i - 1])) i--;
    while (i > 0 && inWord(this.#chars[i - 1])) i--;
    return i;
  }

  /** End of the word after the cursor (Alt-F). */
  #wordEnd(): number {
    let i = this.#cursor;
    while (i < this.#chars.length && !isWordChar(this.#chars[i])) i++;
    while (i < this.#chars.length && isWordChar(this.#chars[i])) i++;
    return i;
  }

  /** Ctrl-T: swaps the characters around the cursor (the last two at the end). */
  #transpose(): void {
    const chars = this.#chars;
    if (chars.length < 2 || this.#cursor === 0) return;
    const at = this.#cursor === chars.length ? this.#cursor - 1 : this.#cursor;
    const swapped = [chars[at]!, chars[at - 1]!];
    this.#replace(at - 1, at + 1, swapped);
  }

  #recallEntry(index: number): void {
    if (index < 0 || index > this.history.length || index === this.#recall) return;
    if (this.#recall === this.history.length) this.#draft = this.#chars;
    this.#recall = index;
    const entry = index === this.history.length ? this.#draft : [...this.history[index]!];
    this.#chars = [...entry];
    this.#cursor = this.#chars.length;
    this.#redraw();
  }

  async #tab(again: boolean): Promise<void> {
    const { start, matches } = await this.complete(this.text, this.#cursor);
    if (matches.length === 0) return this.write("\x07");
    const typed = this.#chars.slice(start, this.#cursor).join("");
    const prefix = matches.length === 1 ? matches[0]! : commonPrefix(matches);
    if (prefix.length > typed.length && prefix.startsWith(typed)) {
      return this.#insert([...prefix.slice(typed.length)]);
    }
    if (matches.length === 1) return;
    if (!again) return this.write("\x07");
    this.#finishLine();
    const width = this.#width();
    this.write(columns(matches.map((m) => m.trimEnd()), width === Infinity ? 80 : width) + "\r\n");
    this.#row = 0;
    this.#redraw();
  }

  /** Draws the prompt and line again, with the cursor in place. */
  #redraw(): void {
    const w = this.#width();
    const back = this.#chars.length - this.#cursor;
    if (w === Infinity) {
      this.write(`\r${this.prompt}${this.text}\x1b[K${back > 0 ? `\x1b[${back}D` : ""}`);
      return;
    }
    const end = this.#promptWidth + this.#chars.length;
    const up = this.#row > 0 ? `\x1b[${this.#row}A` : "";
    const wrap = this.#atRowEnd(end) ? "\r\n" : "";
    this.#row = Math.floor(end / w);
    // The wrap comes before the erase: at a full row's end the cursor still sits on its last character.
    this.write(`${up}\r${this.prompt}${this.text}${wrap}\x1b[J${this.#travel(this.#chars.length, this.#cursor)}`);
  }
}
