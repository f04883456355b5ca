/**
 * `top [-s KEY] [--once]`, our ctl's live table (EXTENSIONS.md §12): one
 * row per process with state, health, pid, uptime, restarts, CPU % and RSS,
 * redrawn in place every second on the alternate screen (each line is
 * overwritten and cleared to its end, so nothing flickers). Keys: `q` or
 * Ctrl-C quits; `n` `s` `c` `m` `u` `r` sort by name, state, CPU, memory,
 * uptime, restarts. State, pid and uptime come from XML-RPC
 * (`getAllProcessInfo`), so any supervisord works; health, restarts, CPU and
 * RSS need our daemon's JSON API and show `-` elsewhere. Without a terminal
 * (or with `--once`) it prints the table once.
 *
 * Python counterpart: none (the peers: process-compose's TUI, `pm2 monit`).
 * @module
 */

import { pyStr, type XmlRpcStruct } from "../rpc/xmlrpc_value.ts";
import { processExtras } from "./commands_ops.ts";
import { type Command, type Controller, Exit } from "./controller.ts";
import { namespec, pySplit } from "./_text.ts";

/** Sort keys: the key that selects each, and the column it sorts. */
export const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  n: "name",
  s: "state",
  c: "cpu",
  m: "mem",
  u: "uptime",
  r: "restarts",
};

/** What the table is sorted by. */
export type SortKey = "name" | "state" | "cpu" | "mem" | "uptime" | "restarts";

/** One row of the table. */
export interface TopRow {
  name: string;
  state: string;
  health: string | null;
  pid: number;
  /** Seconds since start; null when not running. */
  uptime: number | null;
  restarts: number | null;
  /** Percent of one core since the previous sample; null when unknown. */
  cpu: number | null;
  rssBytes: number | null;
}

const str = (v: unknown) => pyStr(v as never);

/** `1:02:03`, `2d 3:04:05`. */
export function formatUptime(seconds: number | null): string {
  if (seconds === null) return "-";
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hms = `${Math.floor((s % 86400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${
    String(s % 60).padStart(2, "0")
  }`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** `12.3M`, `1.2G`, `512K`. */
export function formatBytes(n: number | null): string {
  if (n === null) return "-";
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)}G`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)}M`;
  return `${Math.round(n / 1024)}K`;
}

function compare(a: TopRow, b: TopRow, key: SortKey): number {
  const num = (x: number | null) => x ?? -1;
  switch (key) {
    case "state":
      return a.state.localeCompare(b.state) || a.name.localeCompare(b.name);
    case "cpu":
      return num(b.cpu) - num(a.cpu) || a.name.localeCompare(b.name);
    case "mem":
      return num(b.rssBytes) - num(a.rssBytes) || a.name.localeCompare(b.name);
    case "uptime":
      return num(b.uptime) - num(a.uptime) || a.name.localeCompare(b.name);
    case "restarts":
      return num(b.restarts) - num(a.restarts) || a.name.localeCompare(b.name);
    default:
      return a.name.localeCompare(b.name);
  }
}

/** The table's lines (a header, then one line per process, sorted by `key`). */
export function renderTop(rows: readonly TopRow[], key: SortKey): string[] {
  const width = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  const line = (cells: string[]) =>
    cells[0]!.padEnd(width) + cells[1]!.padEnd(10) + cells[2]!.padEnd(11) + cells[3]!.padStart(8) +
    cells[4]!.padStart(13) + cells[5]!.padStart(10) + cells[6]!.padStart(8) + cells[7]!.padStart(9);
  const out = [line(["NAME", "STATE", "HEALTH", "PID", "UPTIME", "RESTARTS", "CPU%", "RSS"])];
  for (const r of [...rows].sort((a, b) => compare(a, b, key))) {
    out.push(line([
      r.name,
      r.state,
      r.health ?? "-",
      r.pid > 0 ? String(r.pid) : "-",
      formatUptime(r.uptime),
      r.restarts === null ? "-" : String(r.restarts),
      r.cpu === null ? "-" : r.cpu.toFixed(1),
      formatBytes(r.rssBytes),
    ]));
  }
  return out;
}

/** Samples the daemon; CPU % is the CPU time since `last` over the wall time since it. */
async function sample(
  ctl: Controller,
  last: Map<string, { cpu: number; at: number }>,
): Promise<TopRow[]> {
  const infos = (await ctl.getSupervisor().call("getAllProcessInfo")) as XmlRpcStruct[];
  const extras = await processExtras(ctl);
  const at = ctl.rt.clock.monotonic();
  return infos.map((i) => {
    const name = namespec(str(i.group), str(i.name));
    const x = extras?.get(name) ?? {};
    const cpuSeconds = typeof x.cpu_seconds === "number" ? x.cpu_seconds : null;
    const prev = last.get(name);
    let cpu: number | null = null;
    if (cpuSeconds !== null) {
      if (prev !== undefined && at > prev.at) {
        cpu = Math.max(0, (cpuSeconds - prev.cpu) / ((at - prev.at) / 1000)) * 100;
      }
      last.set(name, { cpu: cpuSeconds, at });
    }
    const running = ["RUNNING", "STARTING", "STOPPING", "BACKOFF"].includes(str(i.statename));
    const health = x.health as { status?: string } | null | undefined;
    return {
      name,
      state: str(i.statename),
      health: health?.status ?? null,
      pid: Number(i.pid),
      uptime: running && Number(i.start) > 0 ? Number(i.now) - Number(i.start) : null,
      restarts: typeof x.restarts === "number" ? x.restarts : null,
      cpu,
      rssBytes: typeof x.rss_bytes === "number" ? x.rss_bytes : null,
    };
  });
}

const doTop: Command = async (ctl, arg) => {
  const words = pySplit(arg);
  let key: SortKey = "name";
  let once = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--once") once = true;
    else if (w === "-s" && words[i + 1] !== undefined) {
      const k = words[++i]!;
      const found = (Object.values(SORT_KEYS) as string[]).includes(k) ? k as SortKey : SORT_KEYS[k];
      if (found === undefined) {
        ctl.output(`Error: unknown sort key '${k}' (use name, state, cpu, mem, uptime, restarts)`);
        ctl.exitstatus = Exit.GENERIC;
        return;
      }
      key = found;
    } else {
      ctl.output("Error: top takes [-s name|state|cpu|mem|uptime|restarts] [--once]");
      ctl.exitstatus = Exit.GENERIC;
      return;
    }
  }
  if (!(await ctl.upcheck())) return;
  const last = new Map<string, { cpu: number; at: number }>();
  const rt = ctl.rt;
  if (once || !rt.stdout.isTerminal() || !rt.stdin.isTerminal()) {
    for (const line of renderTop(await sample(ctl, last), key)) ctl.output(line.trimEnd());
    return;
  }
  await live(ctl, key, last);
};

/** The live view: alternate screen, raw keys, a redraw every second or on a key. */
async function live(ctl: Controller, key: SortKey, last: Map<string, { cpu: number; at: number }>): Promise<void> {
  const rt = ctl.rt;
  const write = (s: string) => rt.stdout.write(s);
  let quit = false;
  let wake: () => void = () => {};
  const keys = (async () => {
    while (!quit) {
      const bytes = await rt.stdin.read();
      if (bytes === null) {
        quit = true;
        break;
      }
      for (const b of bytes) {
        const c = String.fromCharCode(b);
        if (c === "q" || c === "Q" || b === 3) quit = true;
        else if (SORT_KEYS[c] !== undefined) key = SORT_KEYS[c]!;
      }
      wake();
    }
  })();
  rt.stdin.setRaw(true);
  write("\x1b[?1049h\x1b[?25l");
  try {
    while (!quit) {
      const rows = await sample(ctl, last);
      const time = new Date(rt.clock.now()).toISOString().slice(11, 19);
      const head = `supervisord top  ${time}  sort: ${key}  (q quit; n s c m u r sort)`;
      write("\x1b[H" + [head, "", ...renderTop(rows, key)].map((l) => l + "\x1b[K").join("\r\n") + "\x1b[J");
      await new Promise<void>((resolve) => {
        const id = rt.clock.setTimeout(resolve, 1000);
        wake = () => {
          rt.clock.clearTimeout(id);
          resolve();
        };
      });
    }
  } finally {
    quit = true;
    write("\x1b[?25h\x1b[?1049l");
    rt.stdin.setRaw(false);
  }
  void keys;
}

/** `top`, by name. */
export const TOP_COMMANDS: ReadonlyMap<string, Command> = new Map([["top", doTop]]);
