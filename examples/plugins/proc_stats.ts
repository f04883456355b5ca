/**
 * An rpcinterface plugin: the `procstats` namespace reports CPU and memory
 * use of supervised processes, read from `/proc` through the runtime seam
 * (so its test runs on the fake runtime).
 *
 * ```ini
 * [rpcinterface:procstats]
 * supervisor.rpcinterface_factory = /etc/supervisor/plugins/proc_stats.ts:createProcStats
 * ; optional: take a sample of every process each 5 s, so cpu_percent covers
 * ; the last 5 s rather than the time since the previous call
 * sample_interval = 5
 * ```
 *
 * - `procstats.getProcessUsage(name)`: one process (`name`, `group:name`);
 *   fault BAD_NAME for an unknown name, NOT_RUNNING when it has no pid.
 * - `procstats.getAllProcessUsage()`: every process that has a pid.
 *
 * Each answer is a struct: `name`, `group`, `pid`, `statename`,
 * `cpu_percent` (of one CPU, since the previous sample of that pid, or since
 * the process started), `rss_bytes`, `vms_bytes` and `threads`.
 *
 * The only import is a type import, which is erased when the module is
 * loaded: the plugin runs from the compiled binary, where this library has
 * no files to import. What it needs at run time comes with the context
 * (`ctx.RpcError`, `ctx.Faults`, `ctx.Double`).
 *
 * Python counterpart: none in supervisor itself; superlance's memmon reads
 * the same figures with `ps`.
 * @module
 */

import type { PluginContext, PluginMethods, ProcessView } from "../../mod.ts";

/** Linux's USER_HZ: the unit of the CPU times in `/proc/<pid>/stat`. */
const DEFAULT_CLOCK_TICKS = 100;

/** What one look at `/proc/<pid>` gives. */
interface Sample {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** When the sample was taken (monotonic ms). */
  at: number;
  /** Seconds since the process started (from its start time and `/proc/uptime`). */
  age: number;
  rssBytes: number;
  vmsBytes: number;
  threads: number;
}

/** Reads a positive number option; `fallback` when absent. */
function numberOption(options: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const text = options[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
    throw new Error(`${key} must be a number of seconds, not '${text}'`);
  }
  return value;
}

/** `/proc/<pid>/stat` fields after the command name: utime, stime and starttime (in ticks). */
function parseStat(text: string): { cpuTicks: number; startTicks: number } {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
  return { cpuTicks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) };
}

/** `VmRSS`, `VmSize` (kB) and `Threads` from `/proc/<pid>/status`. */
function parseStatus(text: string): { rssBytes: number; vmsBytes: number; threads: number } {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  return { rssBytes: field("VmRSS") * 1024, vmsBytes: field("VmSize") * 1024, threads: field("Threads") };
}

/** The samples taken so far, by pid, and how to take one and turn it into an answer. */
class Sampler {
  readonly #ctx: PluginContext;
  readonly #ticks: number;
  readonly #previous = new Map<number, Sample>();

  constructor(ctx: PluginContext, ticks: number) {
    this.#ctx = ctx;
    this.#ticks = ticks;
  }

  /** Reads `/proc/<pid>` now; null when the process ended meanwhile. */
  async take(pid: number): Promise<Sample | null> {
    const fs = this.#ctx.runtime.fs;
    try {
      const [stat, status, uptime] = await Promise.all([
        fs.readTextFile(`/proc/${pid}/stat`),
        fs.readTextFile(`/proc/${pid}/status`),
        fs.readTextFile("/proc/uptime"),
      ]);
      const { cpuTicks, startTicks } = parseStat(stat);
      const age = Number(uptime.split(" ")[0]) - startTicks / this.#ticks;
      return { cpuTicks, at: this.#ctx.clock.monotonic(), age, ...parseStatus(status) };
    } catch {
      return null;
    }
  }

  /** Takes a sample of every process that has a pid, to compare the next answer with. */
  async sampleAll(): Promise<void> {
    for (const view of this.#ctx.processes()) {
      const now = view.pid === 0 ? null : await this.take(view.pid);
      if (now !== null) this.#previous.set(view.pid, now);
    }
  }

  /** Forgets the samples of pids that no longer belong to a process. */
  forgetGone(): void {
    const live = new Set(this.#ctx.processes().map((p) => p.pid));
    for (const pid of this.#previous.keys()) if (!live.has(pid)) this.#previous.delete(pid);
  }

  /** The answer for one process; null when it has no pid or ended meanwhile. */
  async usage(view: ProcessView) {
    const now = view.pid === 0 ? null : await this.take(view.pid);
    if (now === null) return null;
    const before = this.#previous.get(view.pid);
    this.#previous.set(view.pid, now);
    // CPU use since the previous sample of the pid, or over the process's life.
    const seconds = before === undefined ? now.age : (now.at - before.at) / 1000;
    const used = (now.cpuTicks - (before?.cpuTicks ?? 0)) / this.#ticks;
    return {
      name: view.name,
      group: view.group,
      pid: view.pid,
      statename: view.statename,
      cpu_percent: new this.#ctx.Double(seconds > 0 ? Math.round((used / seconds) * 1000) / 10 : 0),
      rss_bytes: now.rssBytes,
      vms_bytes: now.vmsBytes,
      threads: now.threads,
    };
  }
}

/**
 * The factory named in the config. Options: `sample_interval` (seconds; 0,
 * the default, samples only when asked) and `clock_ticks` (default 100).
 *
 * @param ctx The plugin context.
 * @param options The section's other keys.
 * @returns The `procstats` methods.
 * @throws {Error} For an option that is not a non-negative number.
 */
export function createProcStats(ctx: PluginContext, options: Readonly<Record<string, string>>): PluginMethods {
  const interval = numberOption(options, "sample_interval", 0);
  const sampler = new Sampler(ctx, numberOption(options, "clock_ticks", DEFAULT_CLOCK_TICKS) || DEFAULT_CLOCK_TICKS);
  ctx.onStateChange(() => sampler.forgetGone());
  if (interval > 0) {
    // Timers of the context are cancelled when supervisord stops or reloads.
    const tick = () => void sampler.sampleAll().then(() => ctx.clock.setTimeout(tick, interval * 1000));
    ctx.clock.setTimeout(tick, interval * 1000);
  }
  return {
    getProcessUsage: {
      signature: ["struct", "string"],
      help: "CPU and memory use of one process.\n\n" +
        "@param string name  process name, or group:name\n" +
        "@return struct result  name, group, pid, statename, cpu_percent, rss_bytes, vms_bytes, threads",
      handler: async ([name]) => {
        const view = ctx.process(String(name));
        if (view === null) throw new ctx.RpcError(ctx.Faults.BAD_NAME, String(name));
        const result = await sampler.usage(view);
        if (result === null) throw new ctx.RpcError(ctx.Faults.NOT_RUNNING, view.namespec);
        return result;
      },
    },
    getAllProcessUsage: {
      signature: ["array"],
      help: "CPU and memory use of every process that has a pid.\n\n" +
        "@return array result  one struct per process, as getProcessUsage returns",
      handler: async () => {
        const all = await Promise.all(ctx.processes().map((view) => sampler.usage(view)));
        return all.filter((u) => u !== null);
      },
    },
  };
}
