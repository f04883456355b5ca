/**
 * Keystrokes from a terminal in raw mode: splits the text read from standard
 * input into printable characters and the editing keys the shell's line
 * editor knows (arrows, Home/End, Delete, the emacs control keys readline
 * binds by default). An escape sequence cut between two reads is kept until
 * the rest arrives.
 *
 * Python counterpart: none in supervisor; GNU readline, which the stock
 * supervisorctl's shell reads through, decodes the same keys.
 * @module
 */

/** An editing key. */
export type KeyName =
  | "enter"
  | "tab"
  | "backspace"
  | "delete"
  | "left"
  | "right"
  | "wordLeft"
  | "wordRight"
  | "home"
  | "end"
  | "up"
  | "down"
  | "killEnd"
  | "killStart"
  | "killWordBack"
  | "killSpaceWordBack"
  | "transpose"
  | "clearScreen"
  | "interrupt"
  | "eof";

/** A printable character, or an editing key. */
export type Key = { char: string } | { key: KeyName };

/** A key and the input text it was decoded from. */
export interface KeyInput {
  key: Key;
  raw: string;
}

const CONTROL: Readonly<Record<string, KeyName>> = {
  "\x01": "home", // Ctrl-A
  "\x02": "left", // Ctrl-B
  "\x03": "interrupt", // Ctrl-C
  "\x04": "eof", // Ctrl-D (deletes the character under the cursor on a non-empty line)
  "\x05": "end", // Ctrl-E
  "\x06": "right", // Ctrl-F
  "\x08": "backspace", // Ctrl-H
  "\t": "tab",
  "\n": "enter",
  "\x0b": "killEnd", // Ctrl-K
  "\x0c": "clearScreen", // Ctrl-L
  "\r": "enter",
  "\x0e": "down", // Ctrl-N
  "\x10": "up", // Ctrl-P
  "\x14": "transpose", // Ctrl-T
  "\x15": "killStart", // Ctrl-U
  "\x17": "killSpaceWordBack", // Ctrl-W (back to whitespace, as readline's unix-word-rubout)
  "\x7f": "backspace",
};

/** CSI / SS3 sequences (after ESC) by their final text. */
const SEQUENCES: Readonly<Record<string, KeyName>> = {
  "[A": "up",
  "[B": "down",
  "[C": "right",
  "[D": "left",
  "[H": "home",
  "[F": "end",
  "OA": "up",
  "OB": "down",
  "OC": "right",
  "OD": "left",
  "OH": "home",
  "OF": "end",
  "[1~": "home",
  "[7~": "home",
  "[4~": "end",
  "[8~": "end",
  "[3~": "delete",
  "[1;5C": "wordRight",
  "[1;5D": "wordLeft",
  "[1;3C": "wordRight",
  "[1;3D": "wordLeft",
  "b": "wordLeft", // Alt-B
  "f": "wordRight", // Alt-F
  "\x7f": "killWordBack", // Alt-Backspace
};

/**
 * The length of the escape sequence at the start of `rest` (which begins
 * after ESC), or 0 when more input is needed to tell.
 */
function sequenceLength(rest: string): number {
  if (rest === "") return 0;
  const first = rest[0]!;
  if (first === "[" || first === "O") {
    // CSI: parameters and intermediates, then one final byte in @..~.
    for (let i = 1; i < rest.length; i++) {
      const c = rest.charCodeAt(i);
      if (c >= 0x40 && c <= 0x7e && !(first === "[" && i === 1 && rest[i] === "[")) return i + 1;
      if (first === "O") return i + 1;
    }
    return 0;
  }
  return 1;
}

/** Turns raw-mode input into keys; feed it each chunk as it is read. */
export class KeyDecoder {
  #pending = "";

  /**
   * The keys in `text`, after whatever an earlier chunk left unfinished.
   * Escape sequences the editor does not know are skipped.
   */
  decode(text: string): KeyInput[] {
    const input = this.#pending + text;
    this.#pending = "";
    const keys: KeyInput[] = [];
    let i = 0;
    while (i < input.length) {
      const ch = String.fromCodePoint(input.codePointAt(i)!);
      if (ch === "\x1b") {
        const len = sequenceLength(input.slice(i + 1));
        if (len === 0) {
          this.#pending = input.slice(i);
          break;
        }
        const raw = input.slice(i, i + 1 + len);
        const key = SEQUENCES[raw.slice(1)];
        if (key !== undefined) keys.push({ key: { key }, raw });
        i += 1 + len;
        continue;
      }
      const control = CONTROL[ch];
      if (control !== undefined) keys.push({ key: { key: control }, raw: ch });
      else if (ch >= " ") keys.push({ key: { char: ch }, raw: ch });
      i += ch.length;
    }
    return keys;
  }

  /** Takes back the unfinished input held for the next chunk. */
  takePending(): string {
    const pending = this.#pending;
    this.#pending = "";
    return pending;
  }
}
