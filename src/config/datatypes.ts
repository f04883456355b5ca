/**
 * The shared value converters of supervisord's config and command line
 * (SURFACE §3.1). Each takes the raw text and returns the typed value, or
 * throws `ValueConversionError` with Python's exact message. Anything that
 * needs the host (directories, passwd) is passed in by the caller.
 *
 * Python counterpart: supervisor/datatypes.py (plus `signame` from
 * supervisor/options.py and the level names of supervisor/loggers.py).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";
import { shlexTokenize } from "./shlex.ts";
import { pyParseInt, pyStrip, pyStripChars } from "./_pytext.ts";

export { signalName, signalNumber } from "./_signals.ts";
export {
  existingDirectory,
  existingDirpath,
  expandUser,
  type LogfileName,
  logfileName,
  type PathProbe,
} from "./_paths.ts";
export {
  colonSeparatedUserGroup,
  gidForUid,
  type GroupEntry,
  nameToGid,
  nameToUid,
  parseGroup,
  parsePasswd,
  type PasswdEntry,
} from "./_users.ts";
export { url } from "./_url.ts";

const TRUTHY = ["yes", "true", "on", "1"];
const FALSY = ["no", "false", "off", "0"];

/** DT.boolean: `yes/true/on/1` and `no/false/off/0`, any case. */
export function boolean(s: string): boolean {
  const lower = s.toLowerCase();
  if (TRUTHY.includes(lower)) return true;
  if (FALSY.includes(lower)) return false;
  throw new ValueConversionError(`not a valid boolean value: ${pyRepr(s)}`);
}

/**
 * DT.integer: Python `int(s)`: surrounding whitespace, a sign, `_` between
 * digits. Values beyond 2**53 lose precision (JS numbers).
 */
export function integer(s: string): number {
  return Number(pyParseInt(s));
}

const BYTE_SUFFIXES: readonly [string, number][] = [
  ["kb", 1024],
  ["mb", 1024 * 1024],
  ["gb", 1024 * 1024 * 1024],
];

/**
 * DT.bytesize: an integer with an optional `KB`/`MB`/`GB` suffix (any case).
 * Errors quote the lower-cased number part: `invalid literal for int() with
 * base 10: '1.5'`.
 */
export function byteSize(s: string): number {
  const cps = Array.from(s.toLowerCase());
  const suffix = cps.slice(-2).join("");
  for (const [name, factor] of BYTE_SUFFIXES) {
    if (suffix === name) {
      return Number(pyParseInt(cps.slice(0, -2).join(""))) * factor;
    }
  }
  return integer(cps.join(""));
}

/** DT.octal: Python `int(s, 8)` (`022`, `0o22`, `22`). */
export function octalType(s: string): number {
  try {
    return Number(pyParseInt(s, 8));
  } catch {
    throw new ValueConversionError(`${s} can not be converted to an octal type`);
  }
}

/** The level names supervisord accepts, from most to least severe. */
export type LogLevelName =
  | "critical"
  | "error"
  | "warn"
  | "info"
  | "debug"
  | "trace"
  | "blather";

const LOG_LEVELS: readonly LogLevelName[] = [
  "critical",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "blather",
];

/** DT.loglevel: one of the names above, any case (`warning` is rejected). */
export function logLevel(s: string): LogLevelName {
  const lower = s.toLowerCase();
  const found = LOG_LEVELS.find((l) => l === lower);
  if (found !== undefined) return found;
  throw new ValueConversionError(`bad logging level name ${pyRepr(s)}`);
}

/**
 * DT.exitcodes: comma-separated integers 0..255; the empty string is the
 * empty list.
 */
export function exitCodes(s: string): number[] {
  if (s === "") return [];
  try {
    return s.split(",").map((item) => {
      const code = pyParseInt(item);
      if (code < 0n || code > 255n) throw new RangeError("exit code");
      return Number(code);
    });
  } catch {
    throw new ValueConversionError(
      `not a valid list of exit codes: ${pyRepr(s)}`,
    );
  }
}

/**
 * DT.autorestart: boolean spellings → always (`true`) or never (`false`);
 * `unexpected` → restart when the exit code is not expected.
 */
export function autoRestart(s: string): false | true | "unexpected" {
  const lower = s.toLowerCase();
  if (TRUTHY.includes(lower)) return true;
  if (FALSY.includes(lower)) return false;
  if (lower === "unexpected") return "unexpected";
  throw new ValueConversionError(
    `invalid 'autorestart' value ${pyRepr(lower)}`,
  );
}

/** DT.liststr: comma-separated, each item stripped; empty → []. */
export function listOfStrings(s: string): string[] {
  if (s === "") return [];
  return s.split(",").map(pyStrip);
}

/**
 * DT.kvpairs: `KEY=value,KEY2="quoted, value"` → an object whose keys keep
 * their order of first appearance (except integer-like keys, which JS
 * objects always enumerate first). Tokens are taken four at a time (key,
 * `=`, value, and an unchecked separator); quotes around values are
 * stripped.
 */
export function dictOfKeyValuePairs(s: string): Record<string, string> {
  const tokens = shlexTokenize(s, "/.+-():");
  const pairs: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i += 4) {
    const [key, eq, value] = tokens.slice(i, i + 3);
    if (key === undefined || value === undefined || eq !== "=") {
      throw new ValueConversionError(
        `Unexpected end of key/value pairs in value '${s}'`,
      );
    }
    // defineProperty, so a key named `__proto__` is an ordinary key.
    Object.defineProperty(pairs, key, {
      value: pyStripChars(value, `'"`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return pairs;
}

/**
 * GEN.names: a program, group or process name, stripped; it may not contain
 * a space, `:` or `/`. The message quotes the unstripped value.
 */
export function processOrGroupName(s: string): string {
  const name = pyStrip(s);
  for (const ch of [" ", ":", "/"]) {
    if (name.includes(ch)) {
      throw new ValueConversionError(
        `Invalid name: ${pyRepr(s)} because of character: ${pyRepr(ch)}`,
      );
    }
  }
  return name;
}

/** A port 1..65535 (Python's range-checked `port_number`). */
function portNumber(s: string): number {
  const port = pyParseInt(s);
  if (port < 1n) {
    throw new ValueConversionError(`${port} is below lower bound (1)`);
  }
  if (port > 65535n) {
    throw new ValueConversionError(`${port} is above upper bound (65535)`);
  }
  return Number(port);
}

/**
 * DT.inetaddr: `host:port` (split at the last `:`, host lower-cased) or a
 * bare port. Host `*` or empty means all interfaces and is returned as "".
 */
export function inetAddress(s: string): { host: string; port: number } {
  const colon = s.lastIndexOf(":");
  if (colon < 0) {
    try {
      return { host: "", port: portNumber(s) };
    } catch {
      throw new ValueConversionError(`not a valid port number: ${pyRepr(s)} `);
    }
  }
  const portText = s.slice(colon + 1);
  if (portText === "") {
    // Python formats the (empty) port text here, not the whole value.
    throw new ValueConversionError("no port number specified in ''");
  }
  const port = portNumber(portText);
  const host = s.slice(0, colon).toLowerCase();
  return { host: host === "*" ? "" : host, port };
}
