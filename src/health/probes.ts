/**
 * Runs one health probe through the runtime seam and answers ok or not,
 * with a short detail: `http://` (a GET; the status must be in
 * `healthcheck_expect`, the first 64 KiB of the body must match
 * `healthcheck_body` when set), `tcp://` (a connect), `exec:` (a shell
 * command run as the program would be, in its own process group, whose exit
 * code must be in `healthcheck_expect`; the whole group gets SIGKILL at the
 * timeout) and `file:` (the file exists). Every probe is bounded by
 * `healthcheck_timeout`.
 *
 * Python counterpart: none (superlance's `httpok` is the nearest; the
 * peers: Docker HEALTHCHECK, Kubernetes probes).
 * @module
 */

import type { HealthCheckConfig } from "../config/schema.ts";
import type { Runtime, SpawnOptions } from "../runtime/types.ts";

/** A probe's answer. */
export interface ProbeResult {
  readonly ok: boolean;
  /** `HTTP 503`, `exit status 1: <output>`, `connect …: Connection refused`, `timed out after 1s`… */
  readonly detail: string;
}

/** What an exec probe runs as: the program's spawn options (user, env, directory, umask). */
export type ProgramSpawn = () => SpawnOptions;

const BODY_LIMIT = 64 * 1024;
const OUTPUT_LIMIT = 4096;

const inRanges = (n: number, ranges: ReadonlyArray<readonly [number, number]>) =>
  ranges.some(([lo, hi]) => n >= lo && n <= hi);

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs the probe of `config`; never rejects. */
export async function runProbe(rt: Runtime, config: HealthCheckConfig, program: ProgramSpawn): Promise<ProbeResult> {
  const timeoutMs = Math.max(1, config.timeout * 1000);
  const probe = config.probe;
  try {
    switch (probe.kind) {
      case "tcp":
        await rt.connect({ transport: "tcp", hostname: probe.host, port: probe.port }, timeoutMs);
        return { ok: true, detail: "connected" };
      case "file": {
        const info = await rt.fs.stat(probe.path);
        return info === null ? { ok: false, detail: `${probe.path} does not exist` } : { ok: true, detail: "exists" };
      }
      case "http":
        return await httpProbe(rt, config, timeoutMs);
      case "exec":
        return await execProbe(rt, config, program(), timeoutMs);
    }
  } catch (e) {
    return { ok: false, detail: message(e) };
  }
}

async function httpProbe(rt: Runtime, config: HealthCheckConfig, timeoutMs: number): Promise<ProbeResult> {
  const probe = config.probe;
  if (probe.kind !== "http") throw new Error("not an http probe");
  const abort = new AbortController();
  const timer = rt.clock.setTimeout(() => abort.abort(), timeoutMs);
  try {
    const urlHost = probe.host.includes(":") ? `[${probe.host}]` : probe.host;
    const hostHeader = probe.port === 80 ? urlHost : `${urlHost}:${probe.port}`;
    const req = new Request(`http://${hostHeader}${probe.path}`, {
      headers: { Host: hostHeader, "User-Agent": "supervisor-ts healthcheck" },
      signal: abort.signal,
    });
    const res = await rt.request({ transport: "tcp", hostname: probe.host, port: probe.port }, req);
    const ok = inRanges(res.status, config.expect);
    if (config.body === null) {
      await res.body?.cancel().catch(() => {});
      return { ok, detail: `HTTP ${res.status}` };
    }
    const body = await readPrefix(res.body, BODY_LIMIT);
    const matched = new RegExp(config.body).test(body);
    return { ok: ok && matched, detail: matched ? `HTTP ${res.status}` : `HTTP ${res.status}, body does not match` };
  } catch (e) {
    if (abort.signal.aborted) return { ok: false, detail: `timed out after ${config.timeout}s` };
    throw e;
  } finally {
    rt.clock.clearTimeout(timer);
  }
}

/** The first `limit` bytes of a stream as text; the rest is cancelled. */
async function readPrefix(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (stream === null) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, limit));
}

async function execProbe(
  rt: Runtime,
  config: HealthCheckConfig,
  program: SpawnOptions,
  timeoutMs: number,
): Promise<ProbeResult> {
  const probe = config.probe;
  if (probe.kind !== "exec") throw new Error("not an exec probe");
  const { stdinSocket: _socket, ...base } = program;
  const child = rt.spawn({
    ...base,
    path: "/bin/sh",
    argv: ["/bin/sh", "-c", probe.command],
    stdin: "null",
    stdout: "pipe",
    redirectStderr: true,
  });
  let timedOut = false;
  const timer = rt.clock.setTimeout(() => {
    timedOut = true;
    try {
      rt.kill(-child.pid, "SIGKILL");
    } catch { /* already gone */ }
  }, timeoutMs);
  const output = readPrefix(child.stdout, OUTPUT_LIMIT);
  const status = await child.exited;
  rt.clock.clearTimeout(timer);
  try {
    // Whatever the probe left behind in its group goes too (and lets its output end).
    rt.kill(-child.pid, "SIGKILL");
  } catch { /* the group is gone */ }
  const text = (await output.catch(() => "")).trim();
  if (timedOut) return { ok: false, detail: `timed out after ${config.timeout}s` };
  if (status.code === null) return { ok: false, detail: `killed by ${status.signal}` };
  const ok = inRanges(status.code, config.expect);
  return { ok, detail: `exit status ${status.code}${text === "" ? "" : `: ${text}`}` };
}
