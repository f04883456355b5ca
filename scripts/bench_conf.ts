/**
 * The supervisord config files the benchmark scenarios run, identical for
 * Python supervisord and ours, and the numbered-line generator of the
 * throughput scenario.
 *
 * Pure: no host APIs.
 *
 * Python counterpart: none (project tooling); the files follow
 * supervisor/skel/sample.conf's sections.
 * @module
 */

/** Paths of one isolated run, all inside its temporary directory. */
export interface RunPaths {
  dir: string;
  conf: string;
  mainLog: string;
  pidfile: string;
}

/** The file names used inside a run's temporary directory. */
export function runPaths(dir: string): RunPaths {
  return {
    dir,
    conf: `${dir}/supervisord.conf`,
    mainLog: `${dir}/supervisord.log`,
    pidfile: `${dir}/supervisord.pid`,
  };
}

type Values = Record<string, string | number | boolean>;

function section(name: string, values: Values): string {
  const lines = [`[${name}]`];
  for (const [k, v] of Object.entries(values)) lines.push(`${k}=${v}`);
  return lines.join("\n") + "\n";
}

/** The `[supervisord]` section: foreground, every file in the run's directory. */
export function supervisordSection(paths: RunPaths, extra: Values = {}): string {
  return section("supervisord", {
    logfile: paths.mainLog,
    pidfile: paths.pidfile,
    childlogdir: paths.dir,
    nodaemon: true,
    loglevel: "info",
    ...extra,
  });
}

/** The process name pattern for numprocs > 1, as in sample.conf. */
export const NUMBERED_NAME = "%(program_name)s_%(process_num)03d";

/**
 * `n` copies of a program that idles forever (`sleep infinity`), started with
 * `startsecs=0` so each is RUNNING at once. Used by scenarios 1, 2, 4 and 5.
 */
export function sleepersConf(
  paths: RunPaths,
  opts: { name: string; numprocs: number; autorestart?: boolean; minfds?: number },
): string {
  const extra: Values = opts.minfds === undefined ? {} : { minfds: opts.minfds };
  const program: Values = { command: "sleep infinity", startsecs: 0 };
  if (opts.numprocs > 1) Object.assign(program, { numprocs: opts.numprocs, process_name: NUMBERED_NAME });
  if (opts.autorestart !== undefined) program.autorestart = opts.autorestart;
  return supervisordSection(paths, extra) + "\n" + section(`program:${opts.name}`, program);
}

/** Bytes per generated line: 15 digits and a newline. */
export const LINE_BYTES = 16;
/** The first number the generator writes; every number up to the last has 15 digits. */
export const FIRST_NUMBER = 100_000_000_000_001;

/**
 * The generator argv: GNU `seq FIRST LAST` writes `bytes / 16` lines of 16
 * bytes each (`seq`'s integer fast path is the quickest generator on the
 * machine: measured against mawk, python3 and perl).
 */
export function generatorArgv(bytes: number): string[] {
  if (bytes <= 0 || bytes % LINE_BYTES !== 0) {
    throw new RangeError(`Cannot generate ${bytes} bytes: the size must be a positive multiple of ${LINE_BYTES}`);
  }
  const last = FIRST_NUMBER + bytes / LINE_BYTES - 1;
  if (last >= 1_000_000_000_000_000) throw new RangeError(`Cannot generate ${bytes} bytes: too many lines`);
  return ["seq", String(FIRST_NUMBER), String(last)];
}

/** The throughput program: the generator, its stdout logged with rotation to `logfile`. */
export function generatorConf(
  paths: RunPaths,
  opts: { name: string; bytes: number; logfile: string; maxbytes: number; backups: number },
): string {
  return supervisordSection(paths) + "\n" + section(`program:${opts.name}`, {
    command: generatorArgv(opts.bytes).join(" "),
    startsecs: 0,
    autorestart: false,
    stdout_logfile: opts.logfile,
    stdout_logfile_maxbytes: opts.maxbytes,
    stdout_logfile_backups: opts.backups,
    stderr_logfile: "NONE",
  });
}
