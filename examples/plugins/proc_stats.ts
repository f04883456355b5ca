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
  const ticks = numberOption(options, "clock_ticks", DEFAULT_CLOCK_TICKS) || DEFAULT_CLOCK_TICKS;
  const fs = ctx.runtime.fs;
  const previous = new Map<number, Sample>();

  async function sample(pid: number): Promise<Sample | null> {
    try {
      const [stat, status, uptime] = await Promise.all([
        fs.readTextFile(`/proc/${pid}/stat`),
        fs.readTextFile(`/proc/${pid}/status`),
        fs.readTextFile("/proc/uptime"),
      ]);
      const { cpuTicks, startTicks } = parseStat(stat);
      const age = Number(uptime.split(" ")[0]) - startTicks / ticks;
      return { cpuTicks, at: ctx.clock.monotonic(), age, ...parseStatus(status) };
    } catch {
      return null; // the process ended meanwhile
    }
  }

  /** CPU use since the previous sample of the pid, or over the process's life. */
  function cpuPercent(now: Sample, before: Sample | undefined): number {
    const seconds = before === undefined ? now.age : (now.at - before.at) / 1000;
    const used = (now.cpuTicks - (before?.cpuTicks ?? 0)) / ticks;
    return seconds > 0 ? Math.round((used / seconds) * 1000) / 10 : 0;
  }

  async function usage(view: ProcessView) {
    const now = await sample(view.pid);
    if (now === null) return null;
    const percent = cpuPercent(now, previous.get(view.pid));
    previous.set(view.pid, now);
    return {
      name: view.name,
      group: view.group,
      pid: view.pid,
      statename: view.statename,
      cpu_percent: new ctx.Double(percent),
      rss_bytes: now.rssBytes,
      vms_bytes: now.vmsBytes,
      threads: now.threads,
    };
  }

  // Forget the samples of pids that no longer belong to a process.
  ctx.onStateChange(() => {
    const live = new Set(ctx.processes().map((p) => p.pid));
    for (const pid of previous.keys()) if (!live.has(pid)) previous.delete(pid);
  });
  if (interval > 0) {
    const tick = async () => {
      for (const view of ctx.processes()) {
        const now = view.pid === 0 ? null : await sample(view.pid);
        if (now !== null) previous.set(view.pid, now);
      }
      if (!ctx.signal.aborted) ctx.clock.setTimeout(tick, interval * 1000);
    };
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
        const result = view.pid === 0 ? null : await usage(view);
        if (result === null) throw new ctx.RpcError(ctx.Faults.NOT_RUNNING, view.namespec);
        return result;
      },
    },
    getAllProcessUsage: {
      signature: ["array"],
      help: "CPU and memory use of every process that has a pid.\n\n" +
        "@return array result  one struct per process, as getProcessUsage returns",
      handler: async () => {
        const all = await Promise.all(ctx.processes().filter((p) => p.pid !== 0).map(usage));
        return all.filter((u) => u !== null);
      },
    },
  };
}
