/**
 * Environment files (EXTENSIONS.md §5A): the parser, which follows systemd's
 * `EnvironmentFile=` rules (systemd.exec(5), `parse_env_file_internal` in
 * src/basic/env-file.c) with three tolerances (a leading `export `, a UTF-8
 * BOM, CRLF line ends), and the reading of a list of files at spawn time.
 *
 * The rules, by state of systemd's scanner:
 * - before a key, whitespace is skipped and a line starting with `#` or `;`
 *   is a comment up to the end of the line;
 * - a key runs up to `=`; its trailing whitespace is dropped; a line that
 *   ends before any `=` is ignored;
 * - before a value, whitespace is skipped; `'…'` is taken literally (newlines
 *   included), `"…"` unescapes only `"`, `\`, `` ` `` and `$` after a
 *   backslash, keeps every other backslash, and drops a backslash-newline;
 *   after a closing quote the scanner is back before a value, so quoted and
 *   unquoted pieces concatenate (whitespace between them is skipped);
 * - an unquoted value runs to the end of the line, quotes inside it are
 *   ordinary characters, `#` is no comment, trailing whitespace is dropped,
 *   `\` takes the next character literally and a backslash-newline joins the
 *   next line;
 * - no `$` expansion; a later assignment of a name replaces an earlier one;
 *   invalid UTF-8 fails the whole file.
 *
 * Where we are stricter than systemd (which takes an unterminated quote to
 * the end of the file): an unterminated quote is an error. A name that is
 * not `[A-Za-z_][A-Za-z0-9_]*` is skipped with a warning, as systemd drops
 * it when it builds the environment.
 *
 * Values never appear in a message: errors and warnings carry the path, the
 * line and at most the variable's name.
 *
 * Python counterpart: none (Supervisor/supervisor#242; systemd's
 * `EnvironmentFile=` is the model).
 * @module
 */

import { strerror } from "../runtime/errors.ts";
import { ValueConversionError } from "./errors.ts";
import { abspath } from "./pypath.ts";
import { pyRepr } from "./pyrepr.ts";

/** A file read into an environment: its variables in order, and warnings (no values in them). */
export interface EnvFileContents {
  vars: Map<string, string>;
  warnings: string[];
}

/** An env file that cannot be used; `message` is the spawnerr text. */
export class EnvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvFileError";
  }
}

/** One entry of an `env_file` list. */
export interface EnvFileRef {
  /** Absolute path. */
  path: string;
  /** Written with a `-` prefix: a missing file is skipped. */
  optional: boolean;
}

/**
 * A program's `env_file` setting: the files, read at every spawn, and the
 * names its own `environment=` sets, which win over the files.
 */
export interface EnvFileSetting {
  /** The files, in order (later ones win). */
  files: EnvFileRef[];
  /** Names set by the program's own `environment=` (not `[supervisord] environment`). */
  explicit: string[];
}

/** The key and its aliases (Go's `envFiles`, read lower-cased; PR #1431's `environment_file`). */
export const ENV_FILE_KEYS: readonly string[] = ["env_file", "envfiles", "environment_file"];

/**
 * Reads `env_file` (or one alias) from a section: a comma and/or whitespace
 * separated list of paths, each optional with a `-` prefix, relative ones
 * taken from `baseDir` (the directory of the file holding the section).
 * Null when no key is given; giving two of the spellings is an error.
 */
export function envFileRefs(get: (key: string) => string | null, baseDir: string): EnvFileRef[] | null {
  const given = ENV_FILE_KEYS.map((k) => [k, get(k)] as const).filter(([, v]) => v !== null);
  if (given.length === 0) return null;
  if (given.length > 1) throw new ValueConversionError(`${given[0]![0]} and ${given[1]![0]} are exclusive`);
  const refs: EnvFileRef[] = [];
  for (const word of given[0]![1]!.split(/[\s,]+/).filter(Boolean)) {
    const optional = word.startsWith("-");
    const path = optional ? word.slice(1) : word;
    if (path === "") throw new ValueConversionError(`${given[0]![0]}: '-' must be followed by a path`);
    refs.push({ path: abspath(path, baseDir), optional });
  }
  return refs;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WS = " \t\n\r";
/** Characters a backslash unescapes inside double quotes (systemd's SHELL_NEED_ESCAPE). */
const DQ_ESCAPABLE = '"\\`$';

type State = "preKey" | "key" | "preValue" | "value" | "valueEscape" | "single" | "double" | "doubleEscape" | "comment";

/** The scanner's pending assignment. */
interface Pending {
  key: string;
  value: string;
  /** Index in `value` where trailing unquoted whitespace starts; -1 when none. */
  trail: number;
  line: number;
  /** Some unquoted piece of the value held whitespace followed by `#`. */
  hash: boolean;
}

/**
 * Parses the text of an env file.
 *
 * @param text The file's text (already decoded).
 * @param path The file's path, for messages.
 * @throws {EnvFileError} On an unterminated quote.
 *
 * @example
 * ```ts
 * parseEnvFile('A=1\nexport B="x y"\n', "/app.env").vars; // Map { "A" => "1", "B" => "x y" }
 * ```
 */
export function parseEnvFile(text: string, path: string): EnvFileContents {
  const scanner = new Scanner(path);
  for (const c of (text.startsWith("\uFEFF") ? text.slice(1) : text).replaceAll("\r\n", "\n")) scanner.feed(c);
  return scanner.finish();
}

/** systemd's scanner, one character at a time. */
class Scanner {
  readonly vars = new Map<string, string>();
  readonly warnings: string[] = [];
  #state: State = "preKey";
  #line = 1;
  #quoteLine = 0;
  #p: Pending = { key: "", value: "", trail: -1, line: 1, hash: false };

  constructor(readonly path: string) {}

  feed(c: string): void {
    const nl = c === "\n" || c === "\r";
    switch (this.#state) {
      case "preKey":
      case "key":
      case "comment":
        this.#keyPart(c, nl);
        break;
      case "preValue":
      case "value":
      case "valueEscape":
        this.#unquoted(c, nl);
        break;
      default:
        this.#quoted(c);
    }
    if (c === "\n") this.#line++;
  }

  finish(): EnvFileContents {
    const state = this.#state;
    if (state === "single" || state === "double" || state === "doubleEscape") {
      const kind = state === "single" ? "single" : "double";
      throw new EnvFileError(`env_file ${this.path}:${this.#quoteLine}: unterminated ${kind} quote`);
    }
    if (state === "value") this.#chomp();
    if (state === "preValue" || state === "value" || state === "valueEscape") this.#push();
    return { vars: this.vars, warnings: this.warnings };
  }

  #keyPart(c: string, nl: boolean): void {
    if (this.#state === "comment") {
      if (nl) this.#state = "preKey";
    } else if (this.#state === "preKey") {
      if (c === "#" || c === ";") this.#state = "comment";
      else if (!WS.includes(c)) {
        this.#p = { key: c, value: "", trail: -1, line: this.#line, hash: false };
        this.#state = "key";
      }
    } else if (nl) this.#state = "preKey";
    else if (c === "=") this.#state = "preValue";
    else this.#p.key += c;
  }

  #unquoted(c: string, nl: boolean): void {
    const p = this.#p;
    if (this.#state === "valueEscape") {
      this.#state = "value";
      if (!nl) p.value += c;
    } else if (nl) {
      if (this.#state === "value") this.#chomp();
      this.#push();
      this.#state = "preKey";
    } else if (c === "\\") {
      p.trail = -1;
      this.#state = "valueEscape";
    } else if (this.#state === "preValue") {
      if (c === "'" || c === '"') [this.#state, this.#quoteLine] = [c === "'" ? "single" : "double", this.#line];
      else if (!WS.includes(c)) {
        p.value += c;
        p.trail = -1;
        this.#state = "value";
      }
    } else {
      if (c === "#" && p.value.length > 0 && " \t".includes(p.value.at(-1)!)) p.hash = true;
      if (!WS.includes(c)) p.trail = -1;
      else if (p.trail < 0) p.trail = p.value.length;
      p.value += c;
    }
  }

  #quoted(c: string): void {
    const p = this.#p;
    if (this.#state === "single") {
      if (c === "'") this.#state = "preValue";
      else p.value += c;
    } else if (this.#state === "double") {
      if (c === '"') this.#state = "preValue";
      else if (c === "\\") this.#state = "doubleEscape";
      else p.value += c;
    } else {
      this.#state = "double";
      if (DQ_ESCAPABLE.includes(c)) p.value += c;
      else if (c !== "\n") p.value += "\\" + c;
    }
  }

  /** Drops the trailing whitespace of an unquoted value. */
  #chomp(): void {
    if (this.#p.trail >= 0) this.#p.value = this.#p.value.slice(0, this.#p.trail);
  }

  #push(): void {
    const p = this.#p;
    let key = p.key.replace(/[ \t\n\r]+$/, "");
    const exported = /^export[ \t]+(.*)$/s.exec(key);
    if (exported) key = exported[1]!;
    const at = `env_file ${this.path}:${p.line}`;
    if (!NAME.test(key)) {
      this.warnings.push(`${at}: invalid variable name ${pyRepr(key)}, skipped`);
      return;
    }
    if (p.hash) {
      this.warnings.push(
        `${at}: unquoted value contains ' #'; kept verbatim (systemd rule), quote it if it is a comment`,
      );
    }
    this.vars.delete(key);
    this.vars.set(key, p.value);
  }
}

/**
 * Decodes a file's bytes as UTF-8; invalid UTF-8 is an {@linkcode EnvFileError}
 * naming the first bad line.
 */
export function decodeEnvFile(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const strict = new TextDecoder("utf-8", { fatal: true });
    let start = 0;
    let line = 1;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        strict.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      start = i + 1;
      line++;
    }
    throw new EnvFileError(`env_file ${path}:${line}: invalid UTF-8`);
  }
}

/** Reads one file through `readFile`; the errors are spawnerr texts. */
export function readEnvFile(ref: EnvFileRef, readFile: (path: string) => Uint8Array): EnvFileContents | null {
  let bytes: Uint8Array;
  try {
    bytes = readFile(ref.path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (ref.optional && code === "ENOENT") return null;
    const text = typeof code === "string" ? strerror(code) ?? code : e instanceof Error ? e.message : String(e);
    throw new EnvFileError(`env_file ${pyRepr(ref.path)}: ${text}`);
  }
  return parseEnvFile(decodeEnvFile(bytes, ref.path), ref.path);
}

/**
 * Reads `refs` in order into one environment, later files winning. A
 * missing optional file is skipped; any other failure throws
 * {@linkcode EnvFileError} with the spawnerr text.
 */
export function readEnvFiles(refs: readonly EnvFileRef[], readFile: (path: string) => Uint8Array): EnvFileContents {
  const vars = new Map<string, string>();
  const warnings: string[] = [];
  for (const ref of refs) {
    const one = readEnvFile(ref, readFile);
    if (one === null) continue;
    for (const [k, v] of one.vars) {
      vars.delete(k);
      vars.set(k, v);
    }
    warnings.push(...one.warnings);
  }
  return { vars, warnings };
}
