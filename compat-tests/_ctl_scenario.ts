/**
 * Scenarios for the supervisorctl differential suite: a fixture and a list
 * of steps (supervisorctl command lines, raw RPC calls, waits for main-log
 * lines, config edits), run against our daemon and the reference at once,
 * each step's masked output appended to a transcript per side. A scenario
 * passes when the two transcripts are equal.
 *
 * Scenarios of one test module run concurrently (a small limit): each test
 * starts its own scenario and the next few, then awaits its own.
 * A scenario that needs a method our daemon does not list in
 * `system.listMethods` (or a tail route it does not serve) is registered as
 * ignored, with the reason in its name, so it switches on by itself once
 * the feature lands.
 *
 * Python counterpart: none (test support).
 * @module
 */

import assert from "node:assert/strict";
import {
  type ClientOptions,
  type CtlDaemon,
  type CtlOutput,
  CtlPair,
  maskValue,
  ourFeatures,
  type RpcCall,
  runClient,
  type SideOptions,
} from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";

/** One step of a scenario (see the module documentation). */
export type Step =
  /** A supervisorctl command line (words split on spaces), run with `-c <conf>`. */
  | string
  /** supervisorctl with exact arguments (they may start with options); `<TMP>`/`<PORT>` are filled in. */
  | { ctl: string[]; interruptAfterMs?: number; interruptWhen?: RegExp; stdin?: string; sortLines?: boolean }
  /**
   * Raw XML-RPC calls through Python's xmlrpc.client; results are masked.
   * `unordered`: array results are compared as sets (supervisord reports
   * processes that finish waiting in the order its polls notice them).
   */
  | { rpc: RpcCall[]; unordered?: boolean }
  /** Waits until the main log has `count` lines matching `wait` (on both sides). */
  | { wait: RegExp; count?: number }
  /** Lets time pass (on both sides). */
  | { sleepMs: number }
  /** Rewrites the config file. */
  | { edit: (conf: string) => string }
  /** Runs a shell command in the side's temp dir (`<TMP>` filled in); its output is not recorded. */
  | { sh: string }
  /** Runs the steps concurrently, step i started i × staggerMs after the first. */
  | { together: Step[]; staggerMs: number }
  /** Kills the daemon with SIGKILL (its socket file stays behind). */
  | { kill: true }
  /** Waits for the daemon to exit and records its exit status. */
  | { exited: true };

/** A fixture and what to do with it. */
export interface Scenario {
  /** SURFACE IDs the scenario proves. */
  ids: string[];
  name: string;
  /** The whole config file (`%(here)s` is the side's temp dir, `{PORT}` a free port). */
  fixture: string;
  side?: SideOptions;
  /** Methods (or `logtail` / `mainlogtail`) our daemon must serve for the comparison to mean anything. */
  needs?: string[];
  /**
   * A mismatch known to come from outside the RPC layer (engine, runtime
   * adapter), per entry (`deno`, `bun`, `binary`): the scenario is
   * registered as ignored with this reason in its name until it is fixed.
   */
  knownIssue?: Partial<Record<string, string>>;
  steps: Step[];
}

/** The masked transcripts of both sides, and their main logs (for failure reports). */
export interface Transcripts {
  ours: string[];
  reference: string[];
  logs: { ours: string; reference: string };
}

/**
 * One supervisorctl run as a transcript entry. `sortLines` sorts stdout's
 * lines: for group/all operations supervisord lists the processes it waited
 * for in the order its polls saw them finish, which varies from run to run.
 */
function ctlEntry(label: string, r: CtlOutput, d: CtlDaemon, sortLines = false): string {
  const err = r.stderr === "" ? "" : `[stderr]\n${d.mask(r.stderr)}`;
  let out = d.mask(r.stdout);
  if (sortLines) out = out.split("\n").filter((l) => l !== "").sort().map((l) => `${l}\n`).join("");
  return `$ ${label}${sortLines ? " (lines sorted)" : ""}\n${out}${err}=> exit ${r.code}`;
}

function sortArray(v: unknown): unknown {
  return Array.isArray(v) ? [...v].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1) : v;
}

async function runStep(step: Step, d: CtlDaemon): Promise<string[]> {
  if (typeof step === "string") return [ctlEntry(step, await d.ctl(step.split(" ")), d)];
  if ("ctl" in step) {
    const opts: ClientOptions = {};
    if (step.interruptAfterMs !== undefined) opts.interruptAfterMs = step.interruptAfterMs;
    if (step.interruptWhen !== undefined) opts.interruptWhen = step.interruptWhen;
    if (step.stdin !== undefined) opts.stdin = step.stdin;
    return [ctlEntry(step.ctl.join(" "), await d.ctl(step.ctl, opts), d, step.sortLines)];
  }
  if ("rpc" in step) {
    const results = await d.rpc(step.rpc);
    return step.rpc.map(([m, p], i) => {
      const r = results[i];
      const shown = step.unordered && r && "ok" in r ? { ok: sortArray(r.ok) } : r;
      return `rpc ${m}${JSON.stringify(p ?? [])} -> ${JSON.stringify(maskValue(shown, d))}`;
    });
  }
  if ("wait" in step) {
    await d.daemon.waitFor(step.wait, 20_000, step.count ?? 1);
    return [];
  }
  if ("sleepMs" in step) {
    await new Promise((r) => setTimeout(r, step.sleepMs));
    return [];
  }
  if ("edit" in step) {
    d.editConfig(step.edit);
    return [];
  }
  if ("sh" in step) {
    const r = await runClient(["/bin/sh", "-c", d.fill(step.sh)], { cwd: d.dir });
    if (r.code !== 0) throw new Error(`${d.side}: ${step.sh} failed: ${r.stderr}`);
    return [];
  }
  if ("together" in step) {
    const parts = await Promise.all(step.together.map(async (s, i) => {
      await new Promise((r) => setTimeout(r, i * step.staggerMs));
      return await runStep(s, d);
    }));
    return parts.flat();
  }
  if ("kill" in step) {
    await d.kill();
    return [];
  }
  const { code } = await Promise.race([
    d.daemon.exited,
    new Promise<{ code: string }>((r) => setTimeout(() => r({ code: "still running after 15 s" }), 15_000)),
  ]);
  return [`daemon exited: ${code}`];
}

interface Batched {
  argv: string[];
  sortLines: boolean;
}

/** The arguments of a step that the batch driver can run, or null. */
function batchable(step: Step): Batched | null {
  if (typeof step === "string") return { argv: step.split(" "), sortLines: false };
  if (typeof step === "object" && "ctl" in step && step.ctl.length > 0) {
    if (step.interruptAfterMs === undefined && step.interruptWhen === undefined && step.stdin === undefined) {
      return { argv: step.ctl, sortLines: step.sortLines ?? false };
    }
  }
  return null;
}

/** Consecutive plain supervisorctl steps gathered into one batch; other steps alone. */
function batches(steps: readonly Step[]): Array<Batched[] | Step> {
  const out: Array<Batched[] | Step> = [];
  for (const step of steps) {
    const argv = batchable(step);
    const last = out[out.length - 1];
    if (argv === null) out.push(step);
    else if (Array.isArray(last)) last.push(argv);
    else out.push([argv]);
  }
  return out;
}

/** Runs one scenario on a fresh pair and returns both transcripts. */
export async function runScenario(s: Scenario): Promise<Transcripts> {
  await using pair = await CtlPair.start(s.fixture, s.side ?? {});
  const out: Transcripts = { ours: [], reference: [], logs: { ours: "", reference: "" } };
  const record = (r: { ours: string[]; reference: string[] }) => {
    out.ours.push(...r.ours);
    out.reference.push(...r.reference);
  };
  try {
    for (const group of batches(s.steps)) {
      if (Array.isArray(group)) {
        record(
          await pair.both(async (d) => {
            const results = await d.ctlBatch(group.map((b) => b.argv));
            return results.map((r, i) => ctlEntry(group[i]!.argv.join(" "), r, d, group[i]!.sortLines));
          }),
        );
      } else {
        record(await pair.both((d) => runStep(group, d)));
      }
    }
  } finally {
    out.logs = { ours: pair.ours.daemon.stdout, reference: pair.reference.daemon.stdout };
  }
  return out;
}

/** How many scenarios run at once (each is two daemons plus their clients). */
export const SCENARIO_LIMIT = 3;

/**
 * Registers one test per scenario. Call with top-level await: our daemon is
 * probed first to decide which scenarios are ignored.
 */
export async function registerScenarios(scenarios: readonly Scenario[]): Promise<void> {
  const reference = haveReference();
  const features = reference ? await ourFeatures() : null;
  const missing = (s: Scenario) =>
    (s.needs ?? []).filter((n) =>
      n === "logtail" ? !features?.logtail : n === "mainlogtail" ? !features?.mainlogtail : !features?.methods.has(n)
    );
  const active = scenarios.filter((s) =>
    reference && missing(s).length === 0 && s.knownIssue?.[ourEntryName()] === undefined
  );
  const results = new Map(active.map((s) => [s, { started: false, ...Promise.withResolvers<Transcripts>() }]));
  for (const r of results.values()) r.promise.catch(() => {}); // awaited by the test; never unhandled
  // A test starts its own scenario and the next ones (tests run in registration order), so at
  // most SCENARIO_LIMIT run at once, and a filtered run starts few it does not need.
  const startFrom = (s: Scenario) => {
    const at = active.indexOf(s);
    for (const next of active.slice(at, at + SCENARIO_LIMIT)) {
      const slot = results.get(next)!;
      if (slot.started) continue;
      slot.started = true;
      runScenario(next).then(slot.resolve, slot.reject);
    }
  };
  for (const s of scenarios) {
    const lacks = missing(s);
    const known = s.knownIssue?.[ourEntryName()];
    const why = !reference
      ? " (skipped: no reference supervisord)"
      : lacks.length > 0
      ? ` (skipped until our daemon serves ${lacks.join(", ")})`
      : known !== undefined
      ? ` (skipped, known difference: ${known})`
      : "";
    Deno.test({
      name: `[${s.ids.join(",")}] ${s.name}: same as supervisord (${ourEntryName()})${why}`,
      ignore: why !== "",
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        startFrom(s);
        const t = await results.get(s)!.promise;
        try {
          assert.deepEqual(t.ours, t.reference);
        } catch (e) {
          if (e instanceof Error) {
            e.message += `\n--- our main log:\n${t.logs.ours}--- reference main log:\n${t.logs.reference}`;
          }
          throw e;
        }
      },
    });
  }
}
