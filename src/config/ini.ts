/**
 * The INI reader: Python 3.11 `configparser.RawConfigParser` exactly as
 * supervisord constructs it (`inline_comment_prefixes=(';', '#')`,
 * `strict=False`, no interpolation), plus supervisor's record of which file
 * created each section.
 *
 * Rules reproduced (SURFACE INI.*): greedy case-sensitive section headers,
 * the first `=` or `:` as delimiter, lower-cased stripped keys, inline
 * comments only after whitespace, continuation lines by deeper indentation,
 * blank lines kept inside values and trailing ones dropped, repeated sections
 * and keys merged (last value wins), `[DEFAULT]` as fallback for every
 * section, and Python's error texts.
 *
 * Python counterpart: /usr/lib/python3.11/configparser.py (`RawConfigParser`,
 * `_read`, `_join_multiline_values`, `ParsingError`,
 * `MissingSectionHeaderError`) and supervisor/options.py
 * (`UnhosedConfigParser`, `section_to_file`).
 * @module
 */

import { ConfigError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";
import { firstNonSpace, isPySpace, pyLower, pyRstrip, pyStrip } from "./_pytext.ts";
import { completeLines, decodeTextFile, splitLines, universalNewlines } from "./_py_text_file.ts";

/** The Python exception class an {@linkcode IniError} stands for. */
export type IniErrorKind =
  | "MissingSectionHeaderError"
  | "ParsingError"
  | "UnicodeDecodeError";

/** One line rejected by the parser: 1-based number and raw text. */
export interface IniBadLine {
  readonly line: number;
  /** The line as read, including its trailing `\n` when it had one. */
  readonly text: string;
}

/**
 * A config file the INI reader rejects. `message` is Python's
 * `str(exception)`, which supervisord prints after `Error: `.
 */
export class IniError extends ConfigError {
  /** Which Python exception this is. */
  readonly kind: IniErrorKind;
  /** For `ParsingError`: every rejected line, in file order. */
  readonly badLines: readonly IniBadLine[];

  constructor(
    message: string,
    kind: IniErrorKind,
    file?: string,
    line?: number,
    badLines: readonly IniBadLine[] = [],
  ) {
    super(message, file, line);
    this.name = "IniError";
    this.kind = kind;
    this.badLines = badLines;
  }
}

/** The name Python's configparser reserves for the fallback section. */
const DEFAULT_SECTION = "DEFAULT";

type Options = Map<string, string>;

/** What one parser holds across all the files read into it. */
interface Store {
  readonly defaults: Options;
  readonly sections: Map<string, Options>;
  readonly sectionFiles: Map<string, string>;
}

/** An option whose value lines are still being collected in this file. */
interface OpenValue {
  readonly options: Options;
  readonly key: string;
  readonly lines: string[];
}

/** The per-file state of Python's `_read` loop. */
interface ReadState {
  readonly filename: string;
  section: Options | undefined;
  /** The value continuation lines extend; unset after a header or `=x`. */
  current: OpenValue | undefined;
  indent: number;
  readonly opened: OpenValue[];
  readonly bad: IniBadLine[];
}

/** Section header: `[` then everything up to the last `]` (Python SECTCRE). */
const SECTION_HEADER = /^\[(.+)\]/s;

/**
 * Where an inline comment starts, with Python's exact search: round k looks
 * at the k-th occurrence of each prefix, and the search stops after the
 * first round in which some occurrence sits at column 0 or after whitespace.
 */
function inlineCommentStart(line: string): number | undefined {
  let found = Infinity;
  let active: Array<[string, number]> = [[";", -1], ["#", -1]];
  while (found === Infinity && active.length > 0) {
    const next: Array<[string, number]> = [];
    for (const [prefix, from] of active) {
      const index = line.indexOf(prefix, from + 1);
      if (index === -1) continue;
      next.push([prefix, index]);
      if (index === 0 || isPySpace(line[index - 1])) {
        found = Math.min(found, index);
      }
    }
    active = next;
  }
  return found === Infinity ? undefined : found;
}

/** Column where the comment of a raw line starts, if it has one. */
function commentStart(line: string): number | undefined {
  const stripped = pyStrip(line);
  if (stripped.startsWith("#") || stripped.startsWith(";")) return 0;
  return inlineCommentStart(line);
}

function enterSection(store: Store, st: ReadState, name: string): void {
  let section = store.sections.get(name);
  if (section === undefined) {
    if (name === DEFAULT_SECTION) {
      section = store.defaults;
    } else {
      section = new Map();
      store.sections.set(name, section);
      store.sectionFiles.set(name, st.filename);
    }
  }
  st.section = section;
  st.current = undefined;
}

/** An option line `key<delim>value` in the current section. */
function addOption(st: ReadState, section: Options, value: string): boolean {
  const delim = value.search(/[=:]/);
  if (delim < 0) return false;
  const key = pyLower(pyRstrip(value.slice(0, delim)));
  const text = pyStrip(value.slice(delim + 1));
  const open: OpenValue = { options: section, key, lines: [text] };
  section.set(key, text);
  st.opened.push(open);
  // An empty key is reported, yet Python still stores it; it cannot be
  // continued because its name is falsy.
  st.current = key === "" ? undefined : open;
  return delim > 0;
}

function readLine(
  store: Store,
  st: ReadState,
  line: string,
  lineno: number,
): void {
  const start = commentStart(line);
  const value = pyStrip(start === undefined ? line : line.slice(0, start));
  if (value === "") {
    // A blank line is part of the value being collected, unless it held a
    // comment.
    if (start === undefined) st.current?.lines.push("");
    return;
  }
  const indent = firstNonSpace(line);
  if (st.current !== undefined && indent > st.indent) {
    st.current.lines.push(value);
    return;
  }
  st.indent = indent;
  const header = SECTION_HEADER.exec(value);
  if (header !== null) {
    enterSection(store, st, header[1]!);
  } else if (st.section === undefined) {
    throw new IniError(
      `File contains no section headers.\nfile: ${pyRepr(st.filename)}, line: ${lineno}\n${pyRepr(line)}`,
      "MissingSectionHeaderError",
      st.filename,
      lineno,
    );
  } else if (!addOption(st, st.section, value)) {
    st.bad.push({ line: lineno, text: line });
  }
}

/** Python `_join_multiline_values`: lines joined, trailing blanks dropped. */
function joinValues(st: ReadState): void {
  for (const open of st.opened) {
    open.options.set(open.key, pyRstrip(open.lines.join("\n")));
  }
}

function parsingError(filename: string, bad: readonly IniBadLine[]): IniError {
  let message = `Source contains parsing errors: ${pyRepr(filename)}`;
  for (const { line, text } of bad) {
    message += `\n\t[line ${String(line).padStart(2)}]: ${pyRepr(text)}`;
  }
  return new IniError(message, "ParsingError", filename, bad[0]?.line, bad);
}

function parseInto(store: Store, text: string, filename: string): void {
  const st: ReadState = {
    filename,
    section: undefined,
    current: undefined,
    indent: 0,
    opened: [],
    bad: [],
  };
  const lines = splitLines(universalNewlines(text));
  try {
    lines.forEach((line, i) => readLine(store, st, line, i + 1));
  } finally {
    joinValues(st);
  }
  if (st.bad.length > 0) throw parsingError(filename, st.bad);
}

/**
 * Decodes config file bytes as Python's text-mode `open()` does (UTF-8,
 * strict, a BOM kept as U+FEFF). Invalid UTF-8 throws an
 * {@linkcode IniError} of kind `UnicodeDecodeError` whose message is
 * Python's, e.g. `'utf-8' codec can't decode byte 0xff in position 28:
 * invalid start byte`; supervisord prints that after `Error: `. Newlines are
 * left as they are; {@linkcode IniParser.read} translates them.
 */
export function decodeConfigText(bytes: Uint8Array, filename?: string): string {
  const decoded = decodeTextFile(bytes);
  if (decoded.ok) return decoded.text;
  throw new IniError(decoded.message, "UnicodeDecodeError", filename);
}

/** A set of INI files read into one namespace, as supervisord reads them. */
export class IniParser {
  readonly #reads = new Map<string, Set<string>>();
  #recording = true;
  readonly #store: Store = {
    defaults: new Map(),
    sections: new Map(),
    sectionFiles: new Map(),
  };

  /**
   * Parses one file's text into this parser, merging with what earlier
   * reads produced. `filename` is used in messages as given. Throws
   * {@linkcode IniError}; a `ParsingError` is thrown after the whole file was
   * read, with every rejected line.
   */
  read(text: string, filename: string): void {
    parseInto(this.#store, text, filename);
  }

  /**
   * Decodes and parses a file's bytes. Equivalent to
   * `read(decodeConfigText(bytes), filename)`, except for which error wins
   * when both occur: Python parses the lines of each 8 KiB chunk before
   * decoding the next, so a missing section header in an earlier chunk is
   * reported instead of the decode error.
   */
  readBytes(bytes: Uint8Array, filename: string): void {
    const decoded = decodeTextFile(bytes);
    if (decoded.ok) {
      this.read(decoded.text, filename);
      return;
    }
    try {
      new IniParser().read(completeLines(decoded.seenText), filename);
    } catch (e) {
      if (e instanceof IniError && e.kind === "MissingSectionHeaderError") {
        throw e;
      }
    }
    throw new IniError(decoded.message, "UnicodeDecodeError", filename);
  }

  /** Section names in first-seen order; `DEFAULT` is never listed. */
  sections(): string[] {
    return [...this.#store.sections.keys()];
  }

  /** Whether a section exists (`DEFAULT` never does). */
  hasSection(name: string): boolean {
    return this.#store.sections.has(name);
  }

  /**
   * Option names of a section: its own in first-seen order, then `DEFAULT`
   * keys it lacks (Python `options()`). Unknown sections give `[]`.
   */
  options(section: string): string[] {
    const own = this.#store.sections.get(section);
    if (own === undefined) return [];
    const names = [...own.keys()];
    for (const key of this.#store.defaults.keys()) {
      if (!own.has(key)) names.push(key);
    }
    return names;
  }

  /**
   * `[key, value]` pairs with `DEFAULT` fallbacks in Python `items()` order:
   * `DEFAULT` keys first, then the section's other keys. For `DEFAULT`
   * itself, its own pairs; unknown sections give `[]`.
   */
  items(section: string): Array<[string, string]> {
    const own = this.#store.sections.get(section);
    if (own === undefined && section !== DEFAULT_SECTION) return [];
    const merged = new Map(this.#store.defaults);
    for (const [key, value] of own ?? []) merged.set(key, value);
    return [...merged];
  }

  /** The section's own `[key, value]` pairs, without `DEFAULT` fallbacks. */
  ownItems(section: string): Array<[string, string]> {
    return [...(this.#store.sections.get(section) ?? [])];
  }

  /**
   * A raw value (no `%` expansion), falling back to `DEFAULT`; `key` is
   * lower-cased as Python's `optionxform` does. `get("DEFAULT", key)` reads
   * the defaults. Unknown sections and keys give `undefined`.
   */
  get(section: string, key: string): string | undefined {
    const name = pyLower(key);
    this.#noteRead(section, name);
    const own = this.#store.sections.get(section);
    if (own === undefined && section !== DEFAULT_SECTION) return undefined;
    return own?.get(name) ?? this.#store.defaults.get(name);
  }

  /** Whether `get()` would find a value (Python `has_option()`). */
  has(section: string, key: string): boolean {
    const name = pyLower(key);
    this.#noteRead(section, name);
    if (section === "" || section === DEFAULT_SECTION) {
      return this.#store.defaults.has(name);
    }
    const own = this.#store.sections.get(section);
    if (own === undefined) return false;
    return own.has(name) || this.#store.defaults.has(name);
  }

  /**
   * Sets a value (key lower-cased). `DEFAULT` (or `""`) sets a default;
   * like Python, an unknown section is an error.
   */
  set(section: string, key: string, value: string): void {
    const target = section === "" || section === DEFAULT_SECTION
      ? this.#store.defaults
      : this.#store.sections.get(section);
    if (target === undefined) {
      throw new Error(`No section: ${pyRepr(section)}`);
    }
    target.set(pyLower(key), value);
  }

  /** The `[DEFAULT]` keys and values. */
  defaults(): ReadonlyMap<string, string> {
    return this.#store.defaults;
  }

  /**
   * The keys of `section` asked for through {@linkcode get} or
   * {@linkcode has} so far, lower-cased: what the loader knows, for the
   * unknown-key check (`strict_keys`, `--check-config`).
   */
  keysRead(section: string): ReadonlySet<string> {
    return this.#reads.get(section) ?? new Set();
  }

  /** Runs `fn` without recording its reads (passes over every value, as `%(here)s` replacement). */
  unrecorded<T>(fn: () => T): T {
    const was = this.#recording;
    this.#recording = false;
    try {
      return fn();
    } finally {
      this.#recording = was;
    }
  }

  #noteRead(section: string, name: string): void {
    if (!this.#recording) return;
    let keys = this.#reads.get(section);
    if (keys === undefined) this.#reads.set(section, keys = new Set());
    keys.add(name);
  }

  /**
   * The file (as passed to `read`) whose read first created the section:
   * supervisor's `section_to_file`, where a section reopened by a later
   * file keeps its first file.
   */
  sectionFile(section: string): string | undefined {
    return this.#store.sectionFiles.get(section);
  }
}
