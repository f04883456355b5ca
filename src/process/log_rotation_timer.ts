/**
 * Time rotation of child logs (`*_logfile_rotate_every`, EXTENSIONS.md §6)
 * and of the main log (`logfile_rotate_every`): one due-time source in the
 * engine that rotates each open log at its
 * boundary, from the engine's timer, whether or not the child writes
 * (Circus rotates only on the next write, so an idle log would stay
 * unrotated past midnight). Size rotation stays active as well: whichever
 * comes first. A log that is not open at its boundary (its process is not
 * running) is left alone, and its next boundary is counted from then.
 *
 * Python counterpart: none (supervisor/loggers.py rotates by size only;
 * Python's `TimedRotatingFileHandler` is the peer).
 * @module
 */

import type { RotateEvery } from "../config/schema.ts";
import type { Channel } from "../logging/types.ts";
import { nextBoundary } from "../logging/rotate_boundary.ts";
import type { DueSource } from "./schedule.ts";
import type { Subprocess } from "./subprocess.ts";
import type { Supervisor } from "./supervisor.ts";

const CHANNELS: readonly Channel[] = ["stdout", "stderr"];

function everyOf(proc: Subprocess, channel: Channel): RotateEvery | null {
  return channel === "stdout" ? proc.config.stdout_logfile_rotate_every : proc.config.stderr_logfile_rotate_every;
}

/**
 * Plugs time rotation into `sup`: the engine asks this source when the next
 * boundary is due and calls it in each pass.
 *
 * @param sup The engine.
 * @param utc `log_rotate_utc`: UTC boundaries rather than local ones.
 * @param main The main log's `logfile_rotate_every` and how to rotate it; null when unset.
 * @returns The function that removes the source.
 */
export function installLogRotationTimer(
  sup: Supervisor,
  utc: boolean,
  main: { every: RotateEvery; rotate: () => void } | null = null,
): () => void {
  const clock = sup.host.runtime.clock;
  /** Next boundary per process and channel, as wall-clock ms. */
  const due = new WeakMap<Subprocess, Partial<Record<Channel, number>>>();
  const toWall = (mono: number) => clock.now() + (mono - clock.monotonic());
  const entries = function* (): Generator<[Subprocess, Channel, RotateEvery]> {
    for (const group of sup.groups.values()) {
      for (const proc of group.processes.values()) {
        for (const channel of CHANNELS) {
          const every = everyOf(proc, channel);
          if (every !== null) yield [proc, channel, every];
        }
      }
    }
  };
  const boundaryOf = (proc: Subprocess, channel: Channel, every: RotateEvery, wall: number): number => {
    const known = due.get(proc) ?? {};
    let at = known[channel];
    if (at === undefined) {
      at = nextBoundary(wall, every, utc);
      due.set(proc, { ...known, [channel]: at });
    }
    return at;
  };
  let mainDue: number | null = null;
  const mainBoundary = (wall: number) => main === null ? null : mainDue ??= nextBoundary(wall, main.every, utc);
  const source: DueSource = {
    nextDue(now) {
      const wall = toWall(now);
      let first: number | null = mainBoundary(wall);
      for (const [proc, channel, every] of entries()) {
        const at = boundaryOf(proc, channel, every, wall);
        if (first === null || at < first) first = at;
      }
      return first === null ? null : now + (first - wall);
    },
    run(now) {
      const wall = toWall(now);
      const m = mainBoundary(wall);
      if (main !== null && m !== null && m <= wall) {
        main.rotate();
        mainDue = nextBoundary(wall, main.every, utc);
      }
      for (const [proc, channel, every] of entries()) {
        if (boundaryOf(proc, channel, every, wall) > wall) continue;
        proc.output?.rotate?.(channel);
        due.set(proc, { ...due.get(proc), [channel]: nextBoundary(wall, every, utc) });
      }
    },
  };
  return sup.addSource(source);
}
