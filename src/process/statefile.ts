/**
 * `[supervisord] statefile` (EXTENSIONS.md §7): the processes an operator
 * stopped, remembered across daemon restarts and reloads (Supervisor/
 * supervisor#591, #877, #1411). The file holds
 * `{"version":1,"operator_stopped":["group:name",…]}` and is replaced
 * atomically (temp file, fsync, rename) whenever an operator start or stop
 * changes the set. At start it is read back: each listed process that still
 * exists is held STOPPED (no autostart) with the description
 * `Not started (stopped by operator before restart)` until an operator
 * starts it; entries for processes that no longer exist are dropped. An
 * unreadable or malformed file gives one WARN and is ignored.
 *
 * Python counterpart: none (Python forgets operator stops on restart).
 * @module
 */

import type { Logger } from "../logging/types.ts";
import type { FileSystem } from "../runtime/types.ts";
import { ProcessState } from "../states.ts";
import type { Subprocess } from "./subprocess.ts";
import type { Supervisor } from "./supervisor.ts";

/** The description of a process held by the statefile. */
export const HELD_DESCRIPTION = "Not started (stopped by operator before restart)";

/** The key of a process in the file: `group:name`. */
function keyOf(proc: Subprocess): string {
  return `${proc.groupName}:${proc.name}`;
}

/** Parses the file's text: the listed names, or null when it is not a version-1 statefile. */
export function parseStatefile(text: string): string[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const { version, operator_stopped: names } = data as Record<string, unknown>;
  if (version !== 1 || !Array.isArray(names) || !names.every((n) => typeof n === "string")) return null;
  return names as string[];
}

/** The file's text for `names` (sorted, so equal sets give equal files). */
export function formatStatefile(names: Iterable<string>): string {
  return JSON.stringify({ version: 1, operator_stopped: [...names].sort() }) + "\n";
}

/** Keeps the statefile of one engine run; {@linkcode close} detaches it. */
export class Statefile {
  #written: Set<string>;
  #warnedWrite = false;
  readonly #off: Array<() => void> = [];

  /**
   * Reads `path`, flags the listed processes of `sup` as operator-stopped
   * (holding their autostart), and from then on rewrites the file when the
   * set changes. Call after the groups are added and before the first pass.
   */
  constructor(readonly path: string, readonly sup: Supervisor, readonly fs: FileSystem, readonly logger: Logger) {
    const listed = this.#read();
    const procs = this.#processes();
    for (const name of listed) {
      const proc = procs.get(name);
      if (proc !== undefined) proc.operatorStopped = true;
    }
    this.#written = new Set(listed);
    this.#off.push(sup.addStartGate((proc) => !proc.operatorStopped));
    this.#off.push(sup.addDescriber((proc, base) => held(proc) ? HELD_DESCRIPTION : base));
    this.#off.push(sup.onStateChange(({ proc }) => this.#changed(proc)));
    // Entries for processes that no longer exist are dropped.
    this.#sync(procs);
  }

  /** Stops following the engine (the run ended). */
  close(): void {
    for (const off of this.#off.splice(0)) off();
  }

  #read(): string[] {
    let text: string;
    try {
      text = new TextDecoder().decode(this.fs.readFileSync(this.path));
    } catch (e) {
      if ((e as { code?: unknown }).code === "ENOENT") return [];
      this.logger.warn(`statefile '${this.path}' could not be read (${e instanceof Error ? e.message : e}); ignored`);
      return [];
    }
    const names = parseStatefile(text);
    if (names === null) this.logger.warn(`statefile '${this.path}' is not a version 1 statefile; ignored`);
    return names ?? [];
  }

  #changed(proc: Subprocess): void {
    if (proc.operatorStopped === this.#written.has(keyOf(proc))) return;
    this.#sync(this.#processes());
  }

  #processes(): Map<string, Subprocess> {
    const procs = new Map<string, Subprocess>();
    for (const group of this.sup.groups.values()) for (const p of group.processes.values()) procs.set(keyOf(p), p);
    return procs;
  }

  /** Writes the flagged set when it differs from the file's. */
  #sync(procs: ReadonlyMap<string, Subprocess>): void {
    const now = new Set([...procs].filter(([, p]) => p.operatorStopped).map(([k]) => k));
    if (now.size === this.#written.size && [...now].every((k) => this.#written.has(k))) return;
    try {
      this.#write(formatStatefile(now));
      this.#written = now;
    } catch (e) {
      if (this.#warnedWrite) return;
      this.#warnedWrite = true;
      this.logger.warn(`statefile '${this.path}' could not be written (${e instanceof Error ? e.message : e})`);
    }
  }

  /** Temp file beside the target, fsync, rename: readers see the old file or the new one. */
  #write(text: string): void {
    const tmp = `${this.path}.tmp`;
    const file = this.fs.openWriteSync(tmp, "truncate", 0o644);
    try {
      file.write(new TextEncoder().encode(text));
      file.sync();
    } finally {
      file.close();
    }
    this.fs.renameSync(tmp, this.path);
  }
}

/** A process the statefile holds: flagged, never started in this run. */
function held(proc: Subprocess): boolean {
  return proc.operatorStopped && proc.state === ProcessState.STOPPED && proc.laststart === null;
}
