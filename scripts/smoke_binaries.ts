// deno-lint-ignore-file no-console
/**
 * Smoke test of the release binaries `deno task build:all` left in dist/.
 * Each binary is first checked for its format with `file` (ELF or Mach-O,
 * the right CPU, musl's or glibc's loader). Where this machine can run it,
 * it then runs: natively (linux-x64), under Debian's `qemu-user` with the
 * `libc6-arm64-cross` root (linux-arm64), or with a musl root given in
 * SUPERVISOR_TS_MUSL_ROOT_X64 / SUPERVISOR_TS_MUSL_ROOT_ARM64 (a directory
 * holding `lib/ld-musl-<arch>.so.1` and a musl-built `libstdc++.so.6`, as an
 * Alpine root does; Debian packages no musl libstdc++, so without one the
 * musl binaries get the format check only). The run: `-v` prints 4.2.5; a
 * broken config exits 2 with supervisord's `Error:` line; a config with one
 * program starts it; `ctl status` answers RUNNING; SIGTERM stops the daemon
 * and the program; the main log has no `not available here` line (the C
 * library opened through FFI). `sha256sum -c SHA256SUMS` checks the checksums. A missing tool skips that part with a line saying so.
 *
 * Usage: deno run -A scripts/smoke_binaries.ts [dist-dir] [--only NAME ...]
 * Exits 1 when a check that could run failed.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

import { expectedFormat, runnerFor, type SmokeHost } from "./smoke_plan.ts";
import { TARGETS } from "./build.ts";

function which(cmd: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${cmd}`).isFile) return `${dir}/${cmd}`;
    } catch {
      // not here
    }
  }
  return null;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function run(argv: string[], opts: { stdin?: "null" } = {}): Promise<{ code: number; out: string }> {
  const [cmd, ...args] = argv;
  const p = new Deno.Command(cmd!, { args, stdout: "piped", stderr: "piped", stdin: opts.stdin ?? "null" });
  const { code, stdout, stderr } = await p.output();
  const dec = new TextDecoder();
  return { code, out: dec.decode(stdout) + dec.decode(stderr) };
}

function pidAlive(pid: number): boolean {
  return exists(`/proc/${pid}`) && !/^State:\s+Z/m.test(Deno.readTextFileSync(`/proc/${pid}/status`));
}

async function waitFor(what: string, ok: () => Promise<boolean> | boolean, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gave up waiting for ${what} after ${seconds}s`);
}

function config(dir: string): string {
  return `[unix_http_server]
file=${dir}/supervisor.sock

[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://${dir}/supervisor.sock

[program:sleeper]
command=/bin/sleep 1000
startsecs=0
`;
}

/** The run part of the smoke test with `prefix` (runner) + binary; throws on the first failure. */
async function runChecks(cmd: string[]): Promise<void> {
  const v = await run([...cmd, "-v"]);
  if (v.code !== 0 || v.out.trim() !== "4.2.5") throw new Error(`-v: exit ${v.code}, ${JSON.stringify(v.out)}`);
  const dir = await Deno.makeTempDir({ prefix: "supervisor-ts-smoke-" });
  try {
    await Deno.writeTextFile(`${dir}/bad.conf`, "[supervisord]\nminfds=abc\n");
    const bad = await run([...cmd, "-c", `${dir}/bad.conf`]);
    if (bad.code !== 2 || !bad.out.includes("Error: invalid literal for int() with base 10: 'abc'")) {
      throw new Error(`broken config: exit ${bad.code}, ${JSON.stringify(bad.out)}`);
    }
    await Deno.writeTextFile(`${dir}/supervisord.conf`, config(dir));
    const daemon = new Deno.Command(cmd[0]!, {
      args: [...cmd.slice(1), "-c", `${dir}/supervisord.conf`],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let sleeper = 0;
    try {
      await waitFor("ctl status to show sleeper RUNNING", async () => {
        const st = await run([...cmd, "ctl", "-c", `${dir}/supervisord.conf`, "status"]);
        const m = /^sleeper\s+RUNNING\s+pid (\d+)/m.exec(st.out);
        if (m !== null) sleeper = Number(m[1]);
        return m !== null;
      }, 120);
    } finally {
      daemon.kill("SIGTERM");
    }
    const status = await daemon.status;
    if (status.code !== 0) throw new Error(`daemon exited ${status.code} (signal ${status.signal}) on SIGTERM`);
    await waitFor(`the program (pid ${sleeper}) to be gone`, () => !pidAlive(sleeper), 10);
    const notice = (await Deno.readTextFile(`${dir}/supervisord.log`)).split("\n").find((l) =>
      l.includes("not available")
    );
    if (notice !== undefined) throw new Error(`on Linux every feature should be there: ${notice}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function main(args: string[]): Promise<number> {
  const only: string[] = [];
  let dist = new URL("../dist", import.meta.url).pathname;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--only") only.push(args[++i] ?? "");
    else dist = args[i]!;
  }
  const host: SmokeHost = {
    arch: Deno.build.arch,
    has: (tool) => which(tool) !== null,
    exists,
    env: (name) => Deno.env.get(name) ?? null,
  };
  const fileTool = which("file");
  let failed = 0;
  if (which("sha256sum") !== null && only.length === 0) {
    const sums = await new Deno.Command("sha256sum", { args: ["-c", "--quiet", "SHA256SUMS"], cwd: dist }).output();
    console.log(`${sums.success ? "ok  " : "FAIL"} SHA256SUMS: sha256sum -c`);
    if (!sums.success) failed++;
  }
  for (const t of TARGETS.filter((x) => only.length === 0 || only.includes(x.name))) {
    const bin = `${dist}/${t.file}`;
    if (!exists(bin)) {
      console.log(`FAIL ${t.name}: ${bin} is missing (run deno task build:all)`);
      failed++;
      continue;
    }
    if (fileTool === null) console.log(`skip ${t.name} format: no 'file' command`);
    else {
      const out = (await run([fileTool, "-b", bin])).out;
      if (!expectedFormat(t.name).test(out)) {
        console.log(`FAIL ${t.name} format: ${out.trim()}`);
        failed++;
        continue;
      }
      console.log(`ok   ${t.name} format: ${out.split(",").slice(0, 2).join(",").trim()}`);
    }
    const runner = runnerFor(t.name, host);
    if (typeof runner === "string") {
      console.log(`skip ${t.name} run: ${runner}`);
      continue;
    }
    try {
      await runChecks([...runner, bin]);
      console.log(
        `ok   ${t.name} run${
          runner.length > 0 ? ` (${runner.join(" ")})` : ""
        }: -v, broken config, start, ctl status, SIGTERM`,
      );
    } catch (e) {
      console.log(`FAIL ${t.name} run: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
