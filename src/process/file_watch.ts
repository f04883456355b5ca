/**
 * Restart on file change (EXTENSIONS.md §9): kernel file events through
 * the runtime seam (`Runtime.watch`) for each watched program's roots
 * (recursive) and, with `restart_when_binary_changed`, its command's
 * directory (so a rename-into-place of the binary is seen). A relevant
 * change (matching `restart_file_pattern`, not `restart_file_ignore`, not
 * one of the program's own log files) arms the debounce: once no change has
 * come for `restart_debounce`, the program is restarted (or signalled, or a
 * command is run) on the engine's one timer, so the debounce is exact under
 * the manual clock.
 *
 * - Never acted on: a process stopped by an operator, a FATAL one, or one
 *   never started; a STOPPING one is left to finish.
 * - An EXITED one-shot process is started again, and described `watching`.
 * - The feedback guard: a sixth action caused by the same path within 10 s
 *   suspends the program's watch with an ERROR instead (a build writing into
 *   its own watched tree); it is resumed only by a reload.
 * - `restart_cascade`: once the restarted program is RUNNING again, the
 *   running programs whose `depends_on` names it are restarted, and theirs
 *   in turn (downstream only, in dependency order).
 * - A watch that cannot start logs an ERROR naming the path; at the inotify
 *   limit it names the sysctl to raise.
 *
 * Python counterpart: none (supervisord leaves file watching to plugins;
 * the peers: the Go port's change monitor, process-compose's watch).
 * @module
 */

import { fnmatchToRegExp } from "../config/glob.ts";
import { resolveTarget } from "../config/load_dependencies.ts";
import { basename, dirname } from "../config/pypath.ts";
import type { WatchAction, WatchConfig } from "../config/schema.ts";
import type { FileWatcher } from "../runtime/types.ts";
import { ProcessState, RUNNING_STATES, SupervisorState } from "../states.ts";
import { ProcessControl } from "./control.ts";
import type { Subprocess } from "./subprocess.ts";
import type { StateChange, Supervisor } from "./supervisor.ts";

/** Actions caused by one path within {@linkcode GUARD_WINDOW_MS} that are still allowed. */
export const GUARD_LIMIT = 5;
/** The feedback guard's window. */
export const GUARD_WINDOW_MS = 10_000;

interface Change {
  /** The path as shown in messages: relative to its root. */
  readonly shown: string;
  readonly kind: "file" | "binary";
}

interface Job {
  readonly config: WatchConfig;
  readonly watchers: FileWatcher[];
  readonly patterns: RegExp[];
  readonly ignore: RegExp[];
  pending: Change | null;
  /** Monotonic time the debounce ends; null when nothing is pending. */
  dueAt: number | null;
  /** Action times per path, for the feedback guard. */
  readonly hits: Map<string, number[]>;
  suspended: boolean;
}

/** The text of a watch that could not start. */
export function watchErrorText(path: string, e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === "ENOSPC" || code === "EMFILE") {
    return `cannot watch '${path}': inotify watch limit reached (raise fs.inotify.max_user_watches)`;
  }
  if (code === "ENOENT") return `cannot watch '${path}': No such file or directory`;
  return `cannot watch '${path}': ${(e as Error).message ?? String(e)}`;
}

/** The file watches of one engine; `install()` plugs them in. */
export class FileWatches {
  readonly #jobs = new Map<Subprocess, Job>();
  readonly #control: ProcessControl;
  /** Stopped by a watch restart: started again once stopped. */
  readonly #restartAfterStop = new Set<Subprocess>();
  /** Restarted with `restart_cascade`: its dependents are restarted once it is RUNNING. */
  readonly #cascadeOnRunning = new Set<Subprocess>();

  /** @param sup The engine. */
  constructor(readonly sup: Supervisor) {
    this.#control = new ProcessControl(sup);
  }

  /** Plugs the source, the state listener and the describer in; returns the undo (which closes every watch). */
  install(): () => void {
    const offs = [
      this.sup.addSource({ nextDue: () => this.#nextDue(), run: (now) => this.#run(now) }),
      this.sup.onStateChange((change) => this.#changed(change)),
      this.sup.addDescriber((proc, base) => this.#describe(proc, base)),
    ];
    return () => {
      offs.forEach((off) => off());
      this.close();
    };
  }

  /** Closes every watch (the engine stopped: a reload builds a new engine with its own). */
  close(): void {
    for (const job of this.#jobs.values()) job.watchers.forEach((w) => w.close());
    this.#jobs.clear();
    this.#closed = true;
  }

  #closed = false;

  /** True when the watch of `proc` was suspended by the feedback guard. */
  suspended(proc: Subprocess): boolean {
    return this.#jobs.get(proc)?.suspended ?? false;
  }

  /** Starts the watches of processes added since the last pass and closes those of removed ones. */
  #sync(): void {
    if (this.#closed) return;
    const live = new Set<Subprocess>();
    for (const g of this.sup.groups.values()) {
      for (const p of g.processes.values()) {
        if (!p.config.watch) continue;
        live.add(p);
        const job = this.#jobs.get(p);
        if (job !== undefined && job.config === p.config.watch) continue;
        // New, or a new config (an in-place apply): the watches start afresh.
        job?.watchers.forEach((w) => w.close());
        this.#jobs.set(p, this.#start(p, p.config.watch));
      }
    }
    for (const [p, job] of this.#jobs) {
      if (live.has(p)) continue;
      job.watchers.forEach((w) => w.close());
      this.#jobs.delete(p);
    }
  }

  #start(proc: Subprocess, config: WatchConfig): Job {
    const job: Job = {
      config,
      watchers: [],
      patterns: config.patterns.map(fnmatchToRegExp),
      ignore: config.ignore.map(fnmatchToRegExp),
      pending: null,
      dueAt: null,
      hits: new Map(),
      suspended: false,
    };
    for (const root of config.dirs) {
      this.#open(proc, job, root, true, (path) => this.#fileChange(proc, job, root, path));
    }
    if (config.binary) {
      let binary: string | null = null;
      try {
        binary = this.sup.host.prepare(proc).path;
      } catch (e) {
        this.sup.host.logger.error(`watch: cannot resolve the command of '${proc.name}': ${(e as Error).message}`);
      }
      if (binary !== null) {
        const file = binary;
        this.#open(proc, job, dirname(file), false, (path) => {
          if (path === file) this.#arm(job, { shown: basename(file), kind: "binary" });
        });
      }
    }
    return job;
  }

  #open(proc: Subprocess, job: Job, path: string, recursive: boolean, onPath: (path: string) => void): void {
    const logger = this.sup.host.logger;
    try {
      const w = this.sup.host.runtime.watch(path, recursive, (paths) => paths.forEach(onPath), (e) => {
        logger.error(`watch for '${proc.name}': ${watchErrorText(path, e)}`);
      });
      job.watchers.push(w);
    } catch (e) {
      logger.error(`watch for '${proc.name}': ${watchErrorText(path, e)}`);
    }
  }

  #fileChange(proc: Subprocess, job: Job, root: string, path: string): void {
    const rel = path === root ? basename(path) : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : null;
    if (rel === null || this.#ownLog(proc, path)) return;
    const parts = rel.split("/");
    if (job.ignore.some((re) => re.test(rel) || parts.some((part) => re.test(part)))) return;
    const name = parts.at(-1)!;
    if (!job.config.patterns.some((p, i) => job.patterns[i]!.test(p.includes("/") ? rel : name))) return;
    this.#arm(job, { shown: rel, kind: "file" });
  }

  /** The program's own log files (and their rotated backups) never trigger it. */
  #ownLog(proc: Subprocess, path: string): boolean {
    const c = proc.config;
    for (const log of [c.stdout_logfile, c.stderr_logfile]) {
      if (
        typeof log === "string" &&
        (path === log || (path.startsWith(`${log}.`) && /^\d+$/.test(path.slice(log.length + 1))))
      ) {
        return true;
      }
    }
    const name = basename(path);
    return name.startsWith(`${c.name}-stdout---supervisor-`) || name.startsWith(`${c.name}-stderr---supervisor-`);
  }

  #arm(job: Job, change: Change): void {
    if (job.suspended) return;
    job.pending = change;
    job.dueAt = this.sup.host.runtime.clock.monotonic() + job.config.debounce * 1000;
    this.sup.wake();
  }

  #nextDue(): number | null {
    this.#sync();
    let due: number | null = null;
    for (const job of this.#jobs.values()) {
      if (job.dueAt !== null && (due === null || job.dueAt < due)) due = job.dueAt;
    }
    return due;
  }

  #run(now: number): void {
    this.#sync();
    for (const [proc, job] of this.#jobs) {
      if (job.dueAt === null || job.dueAt > now || job.pending === null) continue;
      const change = job.pending;
      job.pending = null;
      job.dueAt = null;
      this.#act(proc, job, change, now);
    }
  }

  #act(proc: Subprocess, job: Job, change: Change, now: number): void {
    if (this.sup.mood !== SupervisorState.RUNNING || job.suspended) return;
    const exited = proc.state === ProcessState.EXITED;
    if (proc.operatorStopped || (!exited && !RUNNING_STATES.has(proc.state))) return;
    const logger = this.sup.host.logger;
    const hits = (job.hits.get(change.shown) ?? []).filter((t) => t > now - GUARD_WINDOW_MS);
    hits.push(now);
    job.hits.set(change.shown, hits);
    if (hits.length > GUARD_LIMIT) {
      job.suspended = true;
      logger.error(
        `watch for '${proc.name}' suspended: '${change.shown}' changed ${hits.length} times in ${
          GUARD_WINDOW_MS / 1000
        }s (feedback loop?)`,
      );
      return;
    }
    const action: WatchAction = change.kind === "binary" ? job.config.on_binary : job.config.on_file;
    const why = `'${change.shown}' changed`;
    if (action.kind === "command") {
      logger.info(`watch: running the command of '${proc.name}' (${why})`);
      this.#runCommand(proc, action.command);
    } else if (exited) {
      if (action.kind === "signal") return;
      logger.info(`watch: starting '${proc.name}' (${why})`);
      this.#startNow(proc);
    } else if (action.kind === "signal") {
      logger.info(`watch: signalling '${proc.name}' (${why})`);
      const outcome = this.#control.signalProcess(proc, action.signal);
      if (!outcome.ok) logger.warn(`watch: cannot signal '${proc.name}': ${outcome.message}`);
    } else {
      logger.info(`watch: restarting '${proc.name}' (${why})`);
      if (job.config.cascade) this.#cascadeOnRunning.add(proc);
      this.#restartAfterStop.add(proc);
      proc.stop();
    }
  }

  /** The processes whose `depends_on` names `proc`. */
  #dependents(proc: Subprocess): Subprocess[] {
    const groups = [...this.sup.groups.values()].map((g) => ({ name: g.name, members: [...g.processes.values()] }));
    const out: Subprocess[] = [];
    for (const g of groups) {
      for (const p of g.members) {
        if (p.config.depends_on.some((d) => (resolveTarget(d.target, groups) ?? []).includes(proc))) out.push(p);
      }
    }
    return out;
  }

  /** `restart_cascade`: restarts the running dependents of `proc`, each cascading in turn once RUNNING. */
  #cascade(proc: Subprocess): void {
    for (const d of this.#dependents(proc)) {
      if (!RUNNING_STATES.has(d.state) || d.operatorStopped) continue;
      this.sup.host.logger.info(`watch: restarting '${d.name}' (it depends on '${proc.name}')`);
      this.#cascadeOnRunning.add(d);
      this.#restartAfterStop.add(d);
      d.stop();
    }
  }

  #startNow(proc: Subprocess): void {
    void Promise.resolve(this.#control.startProcess(proc, { wait: false })).then((outcome) => {
      if (!outcome.ok) this.sup.host.logger.warn(`watch: cannot start '${proc.name}': ${outcome.message}`);
    });
  }

  /** Runs `command` with /bin/sh in the program's environment and directory; its output is discarded. */
  #runCommand(proc: Subprocess, command: string): void {
    const logger = this.sup.host.logger;
    try {
      const base = this.sup.host.prepare(proc);
      const child = this.sup.host.runtime.spawn({
        path: "/bin/sh",
        argv: ["/bin/sh", "-c", command],
        env: base.env,
        ...(base.cwd === undefined ? {} : { cwd: base.cwd }),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      });
      void child.exited.then((status) => {
        if (status.code !== 0) {
          logger.warn(`watch: the command of '${proc.name}' exited with ${status.code ?? status.signal}`);
        }
      });
    } catch (e) {
      logger.error(`watch: cannot run the command of '${proc.name}': ${(e as Error).message}`);
    }
  }

  #changed({ proc, to }: StateChange): void {
    if (to === ProcessState.RUNNING && this.#cascadeOnRunning.delete(proc)) this.#cascade(proc);
    if (!this.#restartAfterStop.has(proc)) return;
    if (to === ProcessState.STARTING) this.#restartAfterStop.delete(proc);
    if (to !== ProcessState.STOPPED && to !== ProcessState.EXITED && to !== ProcessState.FATAL) return;
    this.#restartAfterStop.delete(proc);
    queueMicrotask(() => {
      if (this.sup.mood === SupervisorState.RUNNING && !RUNNING_STATES.has(proc.state)) this.#startNow(proc);
    });
  }

  #describe(proc: Subprocess, base: string): string {
    const job = proc.config.watch ? this.#jobs.get(proc) : undefined;
    if (job === undefined) return base;
    if (job.suspended) return `${base}, watch suspended`;
    return proc.state === ProcessState.EXITED ? `${base}, watching` : base;
  }
}

const installed = new WeakMap<Supervisor, FileWatches>();

/** Plugs file watches into `sup`; {@linkcode fileWatches} finds them again. */
export function installFileWatches(sup: Supervisor): FileWatches {
  const watches = new FileWatches(sup);
  watches.install();
  installed.set(sup, watches);
  return watches;
}

/** The file watches installed in `sup`, or null. */
export function fileWatches(sup: Supervisor): FileWatches | null {
  return installed.get(sup) ?? null;
}
