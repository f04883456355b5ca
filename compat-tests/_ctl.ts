/**
 * The supervisorctl differential harness: one fixture config run by our
 * supervisord and by `/usr/bin/supervisord` side by side (each in its own
 * temp dir with its own unix socket, and a free 127.0.0.1 port when the
 * fixture has an inet server), both driven by the stock
 * `/usr/bin/supervisorctl` and by raw `xmlrpc.client` calls, with the
 * output masked (pids, times, dates, uptimes, ports, temp paths, AUTO log
 * suffixes) so the two transcripts can be compared line for line.
 *
 * Disposal kills each daemon's process group and every descendant (both
 * implementations put children in their own process groups), so nothing
 * outlives a scenario.
 *
 * Python counterpart: none (test support; the reference is the oracle).
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { type ClientOptions, type CtlOutput, freePort, killTree, runClient, watchdog } from "./_ctl_process.ts";
import { ForegroundDaemon, type Side } from "./_daemon.ts";
import { fixedEnv, REFERENCE_CTL, tempDir } from "./_harness.ts";
import { PYTHON } from "./_python.ts";
import { rawHttp } from "./_raw_http.ts";

export type { Side } from "./_daemon.ts";
export { type ClientOptions, type CtlOutput, descendants, freePort, killTree, runClient } from "./_ctl_process.ts";

/**
 * The common head of every fixture; `%(here)s` is the side's temp dir. The
 * server has the JSON API (on by default) and `/metrics` on, so every
 * differential step also proves that they change nothing for the stock
 * client (supervisord 4.2.5 ignores both keys).
 */
export const UNIX_HEADER = `[unix_http_server]
file=%(here)s/s.sock
metrics=true
metrics_families=native node supervisor_exporter

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
identifier=ctltest
loglevel=info

[supervisorctl]
serverurl=unix://%(here)s/s.sock
`;

/** The rpcinterface section the stock client needs. */
export const RPC_SECTION = `[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;

/** One raw XML-RPC call's outcome, as Python's xmlrpc.client saw it. */
export type RpcOutcome =
  | { ok: unknown }
  | { fault: number; string: string }
  | { error: string; msg: string };

/** A call for {@link CtlDaemon.rpc}: method name and parameters (JSON values; `{"$double": x}` for a float). */
export type RpcCall = [method: string, params?: unknown[]];

const RPC_SCRIPT = `
import json, sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
req = json.loads(sys.stdin.read())
def conv(v):
    if isinstance(v, dict):
        if '$double' in v: return float(v['$double'])
        return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    return v
t = SupervisorTransport(req['username'], req['password'], req['url'])
proxy = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=t, allow_none=True)
out = []
for method, params in req['calls']:
    try:
        out.append({'ok': getattr(proxy, method)(*conv(params))})
    except xmlrpc.client.Fault as f:
        out.append({'fault': f.faultCode, 'string': f.faultString})
    except Exception as e:
        out.append({'error': type(e).__name__, 'msg': str(e)})
sys.stdout.write(json.dumps(out, default=str))
`;

/**
 * Runs supervisorctl command lines one after the other in one interpreter,
 * through the same entry point `/usr/bin/supervisorctl` calls
 * (`supervisor.supervisorctl.main`), capturing each one's stdout, stderr and
 * exit status. Starting the binary costs ~0.2 s of imports per command; the
 * suite runs hundreds. Interactive mode and `tail -f` use the binary itself.
 */
const CTL_BATCH_SCRIPT = `
import contextlib, io, json, sys, traceback
from supervisor.options import ClientOptions
from supervisor.supervisorctl import main
sys.argv[0] = '${REFERENCE_CTL}'
out = []
for argv in json.loads(sys.stdin.read()):
    o, e = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        options = ClientOptions()
        options.stdout, options.stderr = o, e
        try:
            main(args=argv, options=options)
        except SystemExit as x:
            code = x.code if isinstance(x.code, int) else (0 if x.code is None else 1)
            if isinstance(x.code, str): e.write(x.code + '\\n')
        except BaseException:
            traceback.print_exc()
            code = 1
    out.append({'code': code, 'stdout': o.getvalue(), 'stderr': e.getvalue()})
sys.stdout.write(json.dumps(out))
`;

/** Set to run every supervisorctl command through the binary instead of the batch driver. */
const ALWAYS_BINARY = process.env.SVTS_CTL_BINARY === "1";

/** Options for one side of a pair. */
export interface SideOptions {
  /** Patterns to wait for in the main log (with counts) before the side counts as ready. */
  ready?: ReadonlyArray<readonly [RegExp, number]>;
  /** Credentials the raw RPC helper sends. */
  username?: string;
  password?: string;
  /** Which server the RPC helper talks to: the unix socket (default) or the inet port. */
  via?: "unix" | "inet";
}

/** One supervisord (ours or the reference) on a fixture, with its client helpers. */
export class CtlDaemon {
  readonly #tmp: ReturnType<typeof tempDir>;
  readonly daemon: ForegroundDaemon;

  private constructor(
    readonly side: Side,
    readonly dir: string,
    readonly conf: string,
    readonly port: number,
    readonly opts: SideOptions,
    tmp: ReturnType<typeof tempDir>,
  ) {
    this.#tmp = tmp;
    this.daemon = new ForegroundDaemon(side, ["-n", "-c", conf], { cwd: dir, env: fixedEnv() });
    watchdog(this.daemon.pid, dir);
  }

  /** Writes `fixture` (with `{PORT}` replaced by a free port) and starts the daemon. */
  static async start(side: Side, fixture: string, opts: SideOptions = {}): Promise<CtlDaemon> {
    const tmp = tempDir(`svts-ctl-${side === "ours" ? "o" : "r"}-`);
    const port = fixture.includes("{PORT}") ? await freePort() : 0;
    const conf = join(tmp.path, "supervisord.conf");
    writeFileSync(conf, fixture.replaceAll("{PORT}", String(port)));
    const d = new CtlDaemon(side, tmp.path, conf, port, opts, tmp);
    try {
      await d.#answering();
      for (const [pattern, count] of opts.ready ?? []) await d.daemon.waitFor(pattern, 20_000, count);
    } catch (e) {
      await d[Symbol.asyncDispose]();
      throw e;
    }
    return d;
  }

  /** Resolves once the unix socket answers HTTP (whatever the log level, whatever the status). */
  async #answering(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.daemon.exited.then(() => exited = true);
    for (;;) {
      try {
        const r = await rawHttp({ path: `${this.dir}/s.sock` }, "GET / HTTP/1.0\r\n\r\n", { timeoutMs: 1000 });
        if (r.status !== 0) return;
      } catch { /* not there yet */ }
      if (exited || Date.now() > deadline) {
        throw new Error(
          `${this.side}: the daemon did not answer on its socket; log:\n${this.daemon.stdout}\n` +
            `stderr:\n${this.daemon.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The URL clients use: the unix socket, or the inet server. */
  get serverurl(): string {
    return this.opts.via === "inet" ? `http://127.0.0.1:${this.port}` : `unix://${this.dir}/s.sock`;
  }

  /** Replaces `<TMP>` and `<PORT>` in a client argument with this side's values. */
  fill(text: string): string {
    return text.replaceAll("<TMP>", this.dir).replaceAll("<PORT>", String(this.port));
  }

  /** Runs the stock supervisorctl with `-c <conf>` in front (unless `args` have a `-c` of their own). */
  ctl(args: readonly string[], opts: ClientOptions = {}): Promise<CtlOutput> {
    return runClient([REFERENCE_CTL, ...this.#ctlArgs(args)], { cwd: this.dir, ...opts });
  }

  /**
   * Runs several supervisorctl command lines (each an argument list, given
   * `-c <conf>` like {@link ctl}) in order, in one interpreter.
   */
  async ctlBatch(commands: ReadonlyArray<readonly string[]>): Promise<CtlOutput[]> {
    if (ALWAYS_BINARY) {
      const out: CtlOutput[] = [];
      for (const c of commands) out.push(await this.ctl(c));
      return out;
    }
    const argvs = commands.map((c) => this.#ctlArgs(c));
    const r = await runClient([PYTHON, "-c", CTL_BATCH_SCRIPT], { cwd: this.dir, stdin: JSON.stringify(argvs) });
    if (r.code !== 0) throw new Error(`supervisorctl batch failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as CtlOutput[];
  }

  #ctlArgs(args: readonly string[]): string[] {
    const filled = args.map((a) => this.fill(a));
    return filled.includes("-c") ? filled : ["-c", this.conf, ...filled];
  }

  /** Makes `calls` through Python's xmlrpc.client (one interpreter for the whole list). */
  async rpc(calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    const input = JSON.stringify({
      url: this.serverurl,
      username: this.opts.username ?? null,
      password: this.opts.password ?? null,
      calls: calls.map(([m, p]) => [m, p ?? []]),
    });
    const r = await runClient([PYTHON, "-I", "-c", RPC_SCRIPT], { stdin: input });
    if (r.code !== 0) throw new Error(`rpc helper failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as RpcOutcome[];
  }

  /** Rewrites the config file (for reread/update scenarios). */
  editConfig(edit: (text: string) => string): void {
    writeFileSync(this.conf, edit(readFileSync(this.conf, "utf8")));
  }

  /** Masks what differs between two runs (see the module documentation). */
  mask(text: string): string {
    let out = text.replaceAll(this.dir, "<TMP>");
    if (this.port !== 0) out = out.replaceAll(`:${this.port}`, ":<PORT>");
    return maskVolatile(out);
  }

  /** Kills the daemon and its children at once (SIGKILL; the socket file stays behind). */
  async kill(): Promise<void> {
    killTree(this.daemon.pid);
    await this.daemon.exited;
  }

  /** Stops everything: descendants first, then the daemon's process group; removes the temp dir. */
  async [Symbol.asyncDispose](): Promise<void> {
    killTree(this.daemon.pid);
    await Promise.race([this.daemon.exited, new Promise((r) => setTimeout(r, 5000))]);
    this.#tmp[Symbol.dispose]();
  }
}

/** Masks pids, uptimes, stop dates, log timestamps and AUTO log suffixes. */
export function maskVolatile(text: string): string {
  return text
    .replace(/\bpid \d+/g, "pid <PID>")
    .replace(/\buptime (\d+ days?, )?\d+:\d\d:\d\d/g, "uptime <UP>")
    .replace(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d [AP]M\b/g, "<DATE>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/g, "<TS>")
    .replace(/---ctltest-[a-z0-9_]{8}\.log/g, "---ctltest-<RAND>.log")
    .replace(/with pid \d+/g, "with pid <PID>")
    .replace(/^((?:supervisor> )*)[1-9]\d+$/gm, "$1<PID>");
}

/** Masks the volatile members of RPC results (pid, start, stop, now) and every string. */
export function maskValue(v: unknown, d: CtlDaemon): unknown {
  if (typeof v === "string") return d.mask(v);
  if (Array.isArray(v)) return v.map((x) => maskValue(x, d));
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        ["pid", "start", "stop", "now"].includes(k) && typeof x === "number" && x !== 0 ? "<N>" : maskValue(x, d),
      ]),
    );
  }
  return v;
}

/** Both sides on one fixture; every helper runs the two concurrently. */
export class CtlPair {
  private constructor(readonly ours: CtlDaemon, readonly reference: CtlDaemon) {}

  /** Starts both daemons concurrently; if one fails the other is disposed of. */
  static async start(fixture: string, opts: SideOptions = {}): Promise<CtlPair> {
    const [o, r] = await Promise.allSettled([
      CtlDaemon.start("ours", fixture, opts),
      CtlDaemon.start("reference", fixture, opts),
    ]);
    if (o.status === "fulfilled" && r.status === "fulfilled") return new CtlPair(o.value, r.value);
    if (o.status === "fulfilled") await o.value[Symbol.asyncDispose]();
    if (r.status === "fulfilled") await r.value[Symbol.asyncDispose]();
    throw (o.status === "rejected" ? o.reason : (r as PromiseRejectedResult).reason);
  }

  /** Runs `fn` on both sides at once. */
  async both<T>(fn: (d: CtlDaemon) => Promise<T>): Promise<{ ours: T; reference: T }> {
    const [ours, reference] = await Promise.all([fn(this.ours), fn(this.reference)]);
    return { ours, reference };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([this.ours[Symbol.asyncDispose](), this.reference[Symbol.asyncDispose]()]);
  }
}

/** What our daemon offers, probed once per test module: its method list and the tail routes. */
export interface OurFeatures {
  methods: ReadonlySet<string>;
  logtail: boolean;
  mainlogtail: boolean;
}

let probed: Promise<OurFeatures> | null = null;

/** Starts our daemon on a tiny fixture and asks it what it serves (memoised). */
export function ourFeatures(): Promise<OurFeatures> {
  return probed ??= (async () => {
    const fixture =
      `${UNIX_HEADER}\n${RPC_SECTION}\n[program:probe]\ncommand=/bin/sh -c 'echo probe; exec sleep 60'\n` +
      "startsecs=0\n";
    await using d = await CtlDaemon.start("ours", fixture, { ready: [[/success: probe /, 1]] });
    const [list] = await d.rpc([["system.listMethods"]]);
    const methods = new Set(list && "ok" in list ? list.ok as string[] : []);
    const status = async (path: string) =>
      (await rawHttp({ path: `${d.dir}/s.sock` }, `GET ${path} HTTP/1.1\r\nHost: \r\n\r\n`, { headOnly: true }))
        .status;
    return {
      methods,
      logtail: await status("/logtail/probe") === 200,
      mainlogtail: await status("/mainlogtail") === 200,
    };
  })();
}
