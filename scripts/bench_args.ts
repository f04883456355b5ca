/**
 * Command-line flags of scripts/bench.ts and the scenario sizes they select.
 *
 * Pure: no host APIs.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { shlexSplit } from "../src/config/shlex.ts";

/** Scenario ids, in the order they run. */
export const SCENARIOS = [
  "restart",
  "numprocs",
  "throughput",
  "idle",
  "shutdown",
  "rpc",
  "load",
  "churn",
  "console",
] as const;
export type ScenarioId = typeof SCENARIOS[number];

/** Sizes of every scenario; `--quick` shrinks them. */
export interface Sizes {
  /** Scenario 1: SIGKILLs per daemon run (each is one sample). */
  killsPerRun: number;
  /** Scenario 2: numprocs. */
  numprocs: number;
  /** Scenario 3: bytes the generator writes (a multiple of 16: lines are 16 bytes). */
  throughputBytes: number;
  /** Scenario 3: stdout_logfile_maxbytes, in bytes. */
  logMaxBytes: number;
  /** Scenario 3: stdout_logfile_backups. */
  logBackups: number;
  /** Scenario 4: number of idle programs. */
  idlePrograms: number;
  /** Scenario 4: length of the CPU window, in seconds. */
  idleSeconds: number;
  /** Scenario 4: wait after all are RUNNING before the window opens, in seconds. */
  settleSeconds: number;
  /** Scenario 5: number of programs running at shutdown. */
  shutdownPrograms: number;
  /** Scenario 6 (rpc): number of programs (startsecs=1) behind the RPC server. */
  rpcPrograms: number;
  /** Scenario 6: timed `getAllProcessInfo` calls per run. */
  rpcAllCalls: number;
  /** Scenario 6: timed `getProcessInfo` calls per run. */
  rpcOneCalls: number;
  /** Scenarios 7 and 8 (load, churn): number of programs behind the inet RPC server. */
  loadPrograms: number;
  /** Scenarios 7 and 8: length of each wrk run, in seconds. */
  loadSeconds: number;
  /** Scenarios 7 and 8: wait after the load before the last memory reading, in seconds. */
  loadAfterSeconds: number;
  /** Scenario 9 (console): bytes each of the two programs writes (a multiple of `consoleLineBytes`). */
  consoleBytes: number;
  /** Scenario 9: bytes per line, newline included. */
  consoleLineBytes: number;
  /** Scenario 9: how long the reader of the daemon's stdout stalls in the memory run, in seconds. */
  consoleStallSeconds: number;
}

const MIB = 1024 * 1024;

/** The sizes the engine issue asks for. */
export const FULL_SIZES: Sizes = {
  killsPerRun: 5,
  numprocs: 200,
  throughputBytes: 512 * MIB,
  logMaxBytes: 50 * MIB,
  logBackups: 10,
  idlePrograms: 500,
  idleSeconds: 20,
  settleSeconds: 2,
  shutdownPrograms: 10,
  rpcPrograms: 500,
  rpcAllCalls: 20,
  rpcOneCalls: 200,
  loadPrograms: 50,
  loadSeconds: 10,
  loadAfterSeconds: 10,
  consoleBytes: 256 * MIB,
  consoleLineBytes: 128,
  consoleStallSeconds: 5,
};

/** Smoke-run sizes (`--quick`). Rotation is still exercised: 64 MiB over 5 MB files. */
export const QUICK_SIZES: Sizes = {
  killsPerRun: 2,
  numprocs: 20,
  throughputBytes: 64 * MIB,
  logMaxBytes: 5 * MIB,
  logBackups: 20,
  idlePrograms: 50,
  idleSeconds: 3,
  settleSeconds: 1,
  shutdownPrograms: 10,
  rpcPrograms: 50,
  rpcAllCalls: 5,
  rpcOneCalls: 50,
  loadPrograms: 50,
  loadSeconds: 3,
  loadAfterSeconds: 3,
  consoleBytes: 32 * MIB,
  consoleLineBytes: 128,
  consoleStallSeconds: 2,
};

/** Everything the flags decide. */
export interface BenchOptions {
  quick: boolean;
  runs: number;
  only: ScenarioId[];
  ours: string[];
  python: string[];
  keep: boolean;
  out: string;
  sizes: Sizes;
  help: boolean;
}

/** The usage text printed by `--help`. */
export const USAGE = `Usage: deno run -A scripts/bench.ts [flags]

Runs each scenario against Python supervisord and ours, interleaved
(Python, ours, Python, ours...), and prints a Markdown table of medians.

  --quick             small sizes and 1 repetition (smoke run)
  --runs N            repetitions per scenario and side (default 3; --quick: 1)
  --only LIST         comma-separated scenarios: ${SCENARIOS.join(", ")}
  --ours CMD          our daemon (default "deno run -A src/main_deno.ts";
                      e.g. "bun src/main_bun.ts" or "dist/supervisord")
  --python CMD        the reference daemon (default "/usr/bin/supervisord")
  --out FILE          where to write the table (default .test-output/bench.md)
  --keep              keep the temporary directories
  -h, --help          this text`;

/** Parses the flags; throws `TypeError` with a usage message on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let quick = false, keep = false, help = false;
  let runs: number | undefined;
  let only: ScenarioId[] = [...SCENARIOS];
  let ours = "deno run -A src/main_deno.ts";
  let python = "/usr/bin/supervisord";
  let out = ".test-output/bench.md";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (name !== arg) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new TypeError(`Cannot parse flag ${name}: a value is required`);
      return v;
    };
    if (name === "--quick") quick = true;
    else if (name === "--keep") keep = true;
    else if (name === "-h" || name === "--help") help = true;
    else if (name === "--runs") runs = parseRuns(value());
    else if (name === "--only") only = parseOnly(value());
    else if (name === "--ours") ours = value();
    else if (name === "--python") python = value();
    else if (name === "--out") out = value();
    else throw new TypeError(`Cannot parse flag "${arg}": unknown flag`);
  }
  return {
    quick,
    runs: runs ?? (quick ? 1 : 3),
    only,
    ours: commandWords("--ours", ours),
    python: commandWords("--python", python),
    keep,
    out,
    sizes: quick ? QUICK_SIZES : FULL_SIZES,
    help,
  };
}

function parseRuns(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`Cannot parse --runs: "${v}" is not a positive integer`);
  return n;
}

function parseOnly(v: string): ScenarioId[] {
  const ids = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const id of ids) {
    if (!(SCENARIOS as readonly string[]).includes(id)) {
      throw new TypeError(`Cannot parse --only: "${id}" is not one of ${SCENARIOS.join(", ")}`);
    }
  }
  if (ids.length === 0) throw new TypeError("Cannot parse --only: no scenario given");
  return SCENARIOS.filter((s) => ids.includes(s));
}

function commandWords(flag: string, cmd: string): string[] {
  const words = shlexSplit(cmd);
  if (words.length === 0) throw new TypeError(`Cannot parse ${flag}: the command is empty`);
  return words;
}
