/**
 * Runs the reference Python (Debian's /usr/bin/python3, which has
 * supervisor 4.2.5 on its path) once over a whole table of inputs, so the
 * differential tests compare against real Python behaviour.
 *
 * Python counterpart: none (test support).
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The interpreter supervisord 4.2.5 runs on. */
export const PYTHON = "/usr/bin/python3";

/** Whether the reference interpreter is installed (tests skip otherwise). */
export const hasPython: boolean = existsSync(PYTHON);

/**
 * Runs `script` in one isolated Python process with `input` as JSON on
 * stdin; the script prints one JSON document, which is returned parsed.
 * The script sees the input as `INPUT` and must print via `emit(obj)`.
 */
export function runPython(script: string, input: unknown): unknown {
  const prelude = [
    "import json, sys",
    "INPUT = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
    "def emit(obj): sys.stdout.write(json.dumps(obj))",
    "",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-I", "-c", prelude + script], {
    input: JSON.stringify(input),
    encoding: "utf8",
    cwd: "/",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`python exited with ${r.status}: ${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

/** A Python outcome: the result, or the exception's class and `str()`. */
export type Outcome = { ok: unknown } | { err: string; msg: string };

/** Python helper, defined in scripts: `outcome(fn, *args)` → Outcome. */
export const PY_OUTCOME = [
  "def outcome(fn, *args):",
  "    try:",
  "        return {'ok': fn(*args)}",
  "    except Exception as e:",
  "        return {'err': type(e).__name__, 'msg': str(e)}",
  "",
].join("\n");

/** Runs `fn` and captures its result or its error message as an Outcome. */
export function outcomeOf(fn: () => unknown, errName?: (e: Error) => string): Outcome {
  try {
    return { ok: fn() };
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { err: errName ? errName(e) : "ValueError", msg: e.message };
  }
}

/** Deterministic pseudo-random strings over the characters that matter. */
export function fuzzInputs(
  count: number,
  alphabet: readonly string[],
  seed: number,
  maxLength = 12,
): string[] {
  let x = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    const len = next() % (maxLength + 1);
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    out.push(s);
  }
  return out;
}
