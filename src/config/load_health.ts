/**
 * The health check keys of a program (EXTENSIONS.md §3): `healthcheck`
 * (`http://…`, `tcp://host:port`, `exec:CMD ARGS`, `file:/path`) with its
 * interval, timeout, initial delay, start period, start interval,
 * thresholds, action, expected codes and body, and the Go port's
 * `liveness_check_*` aliases. Python reads options by name, so it never
 * sees these keys: a config using them still loads in supervisord 4.2.5.
 *
 * Python counterpart: none (the peers: Docker HEALTHCHECK, Kubernetes probe
 * thresholds, the Go port's `liveness_check_*`).
 * @module
 */

import { integer } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { choice, duration } from "./ext_values.ts";
import { pyRepr } from "./pyrepr.ts";
import type { HealthAction, HealthCheckConfig, HealthProbeSpec } from "./schema.ts";

/** Reads one expanded option, or null when it is absent. */
type KeyReader = (key: string) => string | null;

/** Canonical key → the Go port's alias. */
const ALIASES: Readonly<Record<string, string>> = {
  healthcheck: "liveness_check_script",
  healthcheck_initial_delay: "liveness_check_initial_delay",
  healthcheck_interval: "liveness_check_period",
  healthcheck_timeout: "liveness_check_timeout",
  healthcheck_successes: "liveness_check_success_threshold",
  healthcheck_retries: "liveness_check_failure_threshold",
  healthcheck_action: "liveness_check_failure_action",
};

/** Reads a key or its alias (giving both is an error). */
function aliased(get: KeyReader, key: string): { value: string | null; alias: boolean } {
  const value = get(key);
  const aliasKey = ALIASES[key];
  const alias = aliasKey === undefined ? null : get(aliasKey);
  if (value !== null && alias !== null) throw new ValueConversionError(`${key} and ${aliasKey} are exclusive`);
  return value !== null ? { value, alias: false } : { value: alias, alias: alias !== null };
}

/**
 * The health check of one process, or null when `healthcheck` (or
 * `liveness_check_script`) is not set.
 */
export function readHealthKeys(get: KeyReader): HealthCheckConfig | null {
  const spec = aliased(get, "healthcheck");
  if (spec.value === null) return null;
  const probe = spec.alias ? goScript(spec.value) : probeSpec(spec.value);
  const num = (key: string, fallback: string) => duration(aliased(get, key).value ?? fallback);
  const count = (key: string, fallback: number) => {
    const raw = aliased(get, key).value;
    const n = raw === null ? fallback : integer(raw);
    if (n < 1) throw new ValueConversionError(`${key} must be >= 1`);
    return n;
  };
  const expectRaw = get("healthcheck_expect");
  const verify = get("healthcheck_tls_verify");
  const body = get("healthcheck_body");
  if (body !== null) {
    try {
      new RegExp(body);
    } catch (e) {
      throw new ValueConversionError(`invalid regular expression in healthcheck_body: ${(e as Error).message}`);
    }
  }
  return {
    probe,
    interval: num("healthcheck_interval", "10s"),
    timeout: num("healthcheck_timeout", "2s"),
    initial_delay: num("healthcheck_initial_delay", "0"),
    start_period: num("healthcheck_start_period", "0"),
    start_interval: num("healthcheck_start_interval", "1s"),
    retries: count("healthcheck_retries", 3),
    successes: count("healthcheck_successes", 1),
    action: action(aliased(get, "healthcheck_action")),
    expect: expectRaw === null ? (probe.kind === "http" ? [[200, 399]] : [[0, 0]]) : expectList(expectRaw),
    body,
    tls_verify: verify === null ? true : choice("healthcheck_tls_verify", verify, ["true", "false"]) === "true",
  };
}

function action(raw: { value: string | null; alias: boolean }): HealthAction {
  if (raw.value === null) return "restart";
  if (raw.alias) {
    const v = raw.value.trim().toLowerCase();
    if (v === "restart" || v === "stop") return v;
    throw new ValueConversionError("liveness_check_failure_action must be restart or stop (scripts are not supported)");
  }
  return choice("healthcheck_action", raw.value, ["restart", "stop", "none", "shutdown"]);
}

/** `healthcheck`'s value. */
export function probeSpec(raw: string): HealthProbeSpec {
  const v = raw.trim();
  if (v.startsWith("exec:")) {
    const command = v.slice(5).trim();
    if (command === "") throw new ValueConversionError("healthcheck exec: needs a command");
    return { kind: "exec", command };
  }
  if (v.startsWith("file:")) {
    const path = v.slice(5).trim();
    if (!path.startsWith("/")) throw new ValueConversionError("healthcheck file: needs an absolute path");
    return { kind: "file", path };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(v)?.[1]?.toLowerCase();
  if (scheme === "tcp") {
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/i.exec(v);
    const port = m === null ? NaN : Number(m[2]);
    if (m === null || !(port >= 1 && port <= 65535)) {
      throw new ValueConversionError("healthcheck tcp:// needs host:port");
    }
    return { kind: "tcp", host: m[1]!.replace(/^\[|\]$/g, ""), port };
  }
  if (scheme === "http") {
    const m = /^http:\/\/(\[[^\]]+\]|[^:/?#]+)(?::(\d{1,5}))?([/?][^#]*)?(?:#.*)?$/i.exec(v);
    if (m === null) throw new ValueConversionError(`healthcheck: invalid URL ${pyRepr(v)}`);
    const port = m[2] === undefined ? 80 : Number(m[2]);
    const path = m[3] === undefined ? "/" : m[3].startsWith("?") ? `/${m[3]}` : m[3];
    return { kind: "http", url: v, host: m[1]!.replace(/^\[|\]$/g, ""), port, path };
  }
  if (scheme === "https") throw new ValueConversionError("healthcheck https:// is not supported yet (use http://)");
  const shown = scheme ?? v.split(":")[0] ?? v;
  throw new ValueConversionError(
    `healthcheck: unsupported scheme ${pyRepr(shown)} (use http://, https://, tcp://, exec:, file:)`,
  );
}

/** The Go port's `liveness_check_script`: a URL, `tcp://…`, or a script; curl flags are refused. */
function goScript(raw: string): HealthProbeSpec {
  const v = raw.trim();
  if (/^(https?|tcp):\/\//i.test(v)) {
    const [url, ...flags] = v.split(/\s+/);
    if (flags.length > 0) {
      throw new ValueConversionError(
        `liveness_check_script: curl options are not supported: ${flags.filter((f) => f.startsWith("-")).join(" ")}`,
      );
    }
    return probeSpec(url!);
  }
  return probeSpec(`exec:${v}`);
}

/** `healthcheck_expect`: codes and ranges (`200-299, 304`). */
function expectList(raw: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== "")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (m === null) throw new ValueConversionError(`invalid healthcheck_expect ${pyRepr(item)}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new ValueConversionError(`invalid healthcheck_expect ${pyRepr(item)}`);
    out.push([lo, hi]);
  }
  if (out.length === 0) throw new ValueConversionError(`invalid healthcheck_expect ${pyRepr(raw.trim())}`);
  return out;
}
