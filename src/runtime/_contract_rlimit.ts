/**
 * Contract suite, resource limits (`getRlimit`/`setRlimit`). Reading is
 * checked in the test process against /proc/<pid>/limits. Setting changes
 * the process for good (a lowered hard limit cannot be raised again without
 * privilege), so it runs in a child of the same runtime: the child carries
 * out a plan of get/set/spawn steps and reports each outcome as JSON, once
 * with libc through FFI and once with the /proc + `prlimit` fallback.
 *
 * Python counterpart: the `resource` calls of supervisor/options.py
 * (`set_rlimits_or_exit`).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import type { Rlimit, RlimitResource, Runtime } from "./types.ts";
import { parseProcLimits } from "./_rlimit.ts";
import { BASE_ENV, type ContractCase, readText, within, withTempDir } from "./_contract_util.ts";

/** One step of the child's plan. */
type Step =
  | { op: "get"; resource: RlimitResource }
  | { op: "set"; resource: RlimitResource; soft: number; hard: number }
  | { op: "child" };

/** What a step produced: a limit, the limits a spawned child saw, nothing, or an error code. */
type Outcome =
  | { limit: Rlimit | null }
  | { child: string }
  | { ok: true }
  | { error: string; name: string };

async function ownLimits(rt: Runtime, pid: number): Promise<Record<RlimitResource, Rlimit | null>> {
  const text = await rt.fs.readTextFile(`/proc/${pid}/limits`);
  return { nofile: parseProcLimits(text, "nofile"), nproc: parseProcLimits(text, "nproc") };
}

async function readsOwnLimits(rt: Runtime): Promise<void> {
  if (rt.name === "fake") return;
  const proc = await ownLimits(rt, rt.pid);
  for (const resource of ["nofile", "nproc"] as const) {
    assert.ok(proc[resource] !== null, `/proc/${rt.pid}/limits has ${resource}`);
    assert.deepEqual(rt.getRlimit(resource), proc[resource], `getRlimit("${resource}")`);
  }
}

/** The child script: runs the plan from argv[1] with the adapter's rlimit methods. */
function planScript(rt: Runtime, mechanism: "ffi" | "prlimit"): string {
  const bun = rt.name === "bun";
  const adapter = new URL(bun ? "./bun.ts" : "./deno.ts", import.meta.url).href;
  const limits = new URL(bun ? "./bun_rlimit.ts" : "./deno_rlimit.ts", import.meta.url).href;
  const factory = bun ? "createBunRuntime" : "createDenoRuntime";
  return `import { ${factory} } from ${JSON.stringify(adapter)};
import { ${bun ? "bunRlimits" : "denoRlimits"} as rlimits } from ${JSON.stringify(limits)};
const rt = ${factory}();
const methods = ${JSON.stringify(mechanism)} === "ffi" ? rt : rlimits("prlimit");
const plan = JSON.parse(rt.args[0]);
const out = [];
for (const step of plan) {
  try {
    if (step.op === "get") out.push({ limit: methods.getRlimit(step.resource) });
    if (step.op === "set") out.push((methods.setRlimit(step.resource, step.soft, step.hard), { ok: true }));
    if (step.op === "child") {
      const c = rt.spawn({ path: "/bin/cat", argv: ["cat", "/proc/self/limits"], env: rt.env(), stdin: "null" });
      let text = "";
      for await (const chunk of c.stdout) text += new TextDecoder().decode(chunk);
      await c.exited;
      out.push({ child: text });
    }
  } catch (e) {
    out.push({ error: String(e.code), name: e.name });
  }
}
rt.stdout.write(JSON.stringify(out));
rt.exit(0);
`;
}

/** argv that runs `script` on the runtime under test with nofile limits `soft`:`hard` at exec. */
function limitedArgv(rt: Runtime, script: string, soft: number, hard: number, plan: Step[]): string[] {
  const runtimeArgv = rt.name === "bun" ? [rt.execPath, script] : [rt.execPath, "run", "-A", "--quiet", script];
  const shell = 'ulimit -n "$1" && ulimit -Sn "$2" && shift 2 && exec "$@"';
  return ["/bin/sh", "-c", shell, "sh", String(hard), String(soft), ...runtimeArgv, JSON.stringify(plan)];
}

async function runPlan(rt: Runtime, mechanism: "ffi" | "prlimit"): Promise<void> {
  if (rt.name === "fake") return;
  if (mechanism === "prlimit" && !["/usr/bin/prlimit", "/bin/prlimit"].some((p) => rt.fs.statSync(p) !== null)) return;
  const own = await ownLimits(rt, rt.pid);
  const h = Math.floor((own.nofile!.hard === -1 ? 4096 : Math.min(own.nofile!.hard, 4096)) / 8) * 8;
  const nproc = own.nproc!;
  const nprocSoft = nproc.hard === -1 ? 4194304 : nproc.hard - 1;
  const plan: Step[] = [
    { op: "get", resource: "nofile" },
    { op: "set", resource: "nofile", soft: h / 2, hard: h },
    { op: "get", resource: "nofile" },
    { op: "child" },
    { op: "set", resource: "nofile", soft: h / 4, hard: h / 2 },
    { op: "set", resource: "nofile", soft: h / 4, hard: -1 },
    { op: "set", resource: "nofile", soft: h / 2, hard: h / 4 },
    { op: "get", resource: "nofile" },
    { op: "set", resource: "nproc", soft: nprocSoft, hard: nproc.hard },
    { op: "get", resource: "nproc" },
    { op: "child" },
  ];
  await withTempDir(rt, async (dir) => {
    const script = `${dir}/rlimit_plan.ts`;
    await rt.fs.writeTextFile(script, planScript(rt, mechanism));
    const argv = limitedArgv(rt, script, h / 8, h, plan);
    const child = rt.spawn({ path: argv[0]!, argv, env: { ...BASE_ENV, ...rt.env() }, cwd: dir, stdin: "null" });
    const [out, err, status] = await within(
      rt,
      Promise.all([readText(child.stdout), readText(child.stderr), child.exited]),
      30_000,
      "rlimit plan child",
    );
    assert.equal(status.code, 0, `plan child exited ${JSON.stringify(status)}; stderr: ${err}`);
    checkOutcomes(JSON.parse(out) as Outcome[], h, { soft: nprocSoft, hard: nproc.hard });
  });
}

function childLimits(outcome: Outcome | undefined): Record<RlimitResource, Rlimit | null> {
  assert.ok(outcome !== undefined && "child" in outcome, `a child step: ${JSON.stringify(outcome)}`);
  return { nofile: parseProcLimits(outcome.child, "nofile"), nproc: parseProcLimits(outcome.child, "nproc") };
}

function checkOutcomes(o: Outcome[], h: number, nproc: Rlimit): void {
  const ok: Outcome = { ok: true };
  // Deno and Bun raise their soft RLIMIT_NOFILE to the hard limit at startup (runtime/types.ts).
  assert.deepEqual(o[0], { limit: { soft: h, hard: h } }, "the runtime started with soft raised to hard");
  assert.deepEqual(o[1], ok, "raising the soft limit up to the hard one");
  assert.deepEqual(o[2], { limit: { soft: h / 2, hard: h } });
  assert.deepEqual(childLimits(o[3]).nofile, { soft: h / 2, hard: h }, "a child inherits the limits");
  assert.deepEqual(o[4], ok, "lowering the hard limit");
  assert.deepEqual(o[5], { error: "EPERM", name: "PermissionDeniedError" }, "an unlimited open-files hard limit");
  assert.deepEqual(o[6], { error: "EINVAL", name: "RuntimeError" }, "soft above hard");
  assert.deepEqual(o[7], { limit: { soft: h / 4, hard: h / 2 } }, "refused calls change nothing");
  assert.deepEqual(o[8], ok, "setting RLIMIT_NPROC");
  assert.deepEqual(o[9], { limit: nproc });
  assert.deepEqual(childLimits(o[10]), { nofile: { soft: h / 4, hard: h / 2 }, nproc });
}

async function childSoftLimit(rt: Runtime): Promise<void> {
  if (rt.name === "fake") return;
  const own = rt.getRlimit("nofile")!;
  const soft = own.hard === -1 ? 1024 : Math.min(own.hard, 1024) - 1;
  const opts = { path: "/bin/cat", argv: ["cat", "/proc/self/limits"], env: BASE_ENV, stdin: "null" as const };
  const lowered = rt.spawn({ ...opts, nofileSoft: soft });
  const inherited = rt.spawn(opts);
  const [low, same] = await within(
    rt,
    Promise.all([readText(lowered.stdout), readText(inherited.stdout), lowered.exited, inherited.exited]),
    20_000,
    "children reporting their limits",
  );
  assert.deepEqual(parseProcLimits(low, "nofile"), { soft, hard: own.hard });
  assert.deepEqual(parseProcLimits(same, "nofile"), own);
  assert.deepEqual(rt.getRlimit("nofile"), own, "our own limit is unchanged");
}

/** The resource-limit cases. */
export const rlimitCases: readonly ContractCase[] = [
  ["getRlimit() reports this process's limits as /proc shows them (-1 for unlimited)", readsOwnLimits],
  [
    "setRlimit() raises, lowers and refuses (EPERM, EINVAL) like setrlimit(2); children inherit (libc FFI)",
    (rt) => runPlan(rt, "ffi"),
  ],
  ["setRlimit() through the /proc + prlimit fallback behaves the same", (rt) => runPlan(rt, "prlimit")],
  [
    "[DAEMON.rlimits] spawn() with nofileSoft gives the child that soft open-files limit under our hard one",
    childSoftLimit,
  ],
];
