/**
 * Command-line option scanning with the exact rules of Python's
 * `getopt.getopt` (not GNU-style permutation): scanning stops at the first
 * non-option word, `--` ends the options, a lone `-` is an ordinary word,
 * short options may be clustered and take attached or separate values, and
 * long options may be abbreviated to any unique prefix.
 *
 * Python counterpart: CPython Lib/getopt.py (`getopt`, `do_longs`,
 * `long_has_args`, `do_shorts`, `short_has_arg`), used by
 * supervisor/options.py `Options.realize`.
 * @module
 */

/** A malformed command line; `message` is Python's `GetoptError` text. */
export class GetoptError extends Error {
  /** The option name as Python reports it (no dashes, long names expanded). */
  readonly opt: string;

  constructor(message: string, opt: string) {
    super(message);
    this.name = "GetoptError";
    this.opt = opt;
  }
}

/** Options in command-line order (`["-c", "file"]`, `["--nodaemon", ""]`) and the remaining words. */
export interface GetoptResult {
  opts: [string, string][];
  args: string[];
}

/**
 * Splits `args` (argv without the program name) into options and remaining
 * words. `shortopts` is a getopt letter string (`"hc:"`, a colon marks a
 * value); `longopts` lists long names without dashes, `=` marking a value.
 * Options without a value get the empty string, as in Python.
 *
 * @throws {GetoptError} on an unknown option, a missing value, a value given
 * to a long flag, or an ambiguous abbreviation.
 */
export function getopt(
  args: readonly string[],
  shortopts: string,
  longopts: readonly string[],
): GetoptResult {
  const opts: [string, string][] = [];
  let rest = args.slice();
  while (rest.length > 0) {
    const word = rest[0]!;
    if (!word.startsWith("-") || word === "-") break;
    if (word === "--") {
      rest = rest.slice(1);
      break;
    }
    rest = word.startsWith("--")
      ? doLong(opts, word.slice(2), longopts, rest.slice(1))
      : doShorts(opts, word.slice(1), shortopts, rest.slice(1));
  }
  return { opts, args: rest };
}

function doLong(
  opts: [string, string][],
  text: string,
  longopts: readonly string[],
  rest: string[],
): string[] {
  const eq = text.indexOf("=");
  let name = text;
  let value: string | undefined;
  if (eq >= 0) {
    name = text.slice(0, eq);
    value = text.slice(eq + 1);
  }
  const [hasArg, full] = longHasArgs(name, longopts);
  if (hasArg) {
    if (value === undefined) {
      if (rest.length === 0) {
        throw new GetoptError(`option --${full} requires argument`, full);
      }
      value = rest[0]!;
      rest = rest.slice(1);
    }
  } else if (value !== undefined) {
    throw new GetoptError(`option --${full} must not have an argument`, full);
  }
  opts.push([`--${full}`, value ?? ""]);
  return rest;
}

/** Resolves a possibly abbreviated long name; an exact match beats longer candidates. */
function longHasArgs(
  name: string,
  longopts: readonly string[],
): [boolean, string] {
  const possibilities = longopts.filter((o) => o.startsWith(name));
  if (possibilities.length === 0) {
    throw new GetoptError(`option --${name} not recognized`, name);
  }
  if (possibilities.includes(name)) return [false, name];
  if (possibilities.includes(name + "=")) return [true, name];
  if (possibilities.length > 1) {
    throw new GetoptError(`option --${name} not a unique prefix`, name);
  }
  const match = possibilities[0]!;
  return match.endsWith("=") ? [true, match.slice(0, -1)] : [false, match];
}

function doShorts(
  opts: [string, string][],
  cluster: string,
  shortopts: string,
  rest: string[],
): string[] {
  // Python walks the cluster by code point; a surrogate pair is one option letter.
  let letters = Array.from(cluster);
  while (letters.length > 0) {
    const opt = letters[0]!;
    letters = letters.slice(1);
    let value = "";
    if (shortHasArg(opt, shortopts)) {
      if (letters.length === 0) {
        if (rest.length === 0) {
          throw new GetoptError(`option -${opt} requires argument`, opt);
        }
        letters = Array.from(rest[0]!);
        rest = rest.slice(1);
      }
      value = letters.join("");
      letters = [];
    }
    opts.push([`-${opt}`, value]);
  }
  return rest;
}

function shortHasArg(opt: string, shortopts: string): boolean {
  const i = opt === ":" ? -1 : shortopts.indexOf(opt);
  if (i < 0) throw new GetoptError(`option -${opt} not recognized`, opt);
  return shortopts[i + 1] === ":";
}
