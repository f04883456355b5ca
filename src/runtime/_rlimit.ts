/**
 * Shared, host-free pieces of the adapters' resource limits
 * (`Runtime.getRlimit`/`setRlimit`): the Linux resource numbers, the
 * conversion between `struct rlimit` (two u64, RLIM_INFINITY = 2^64-1) and the
 * seam's numbers (-1 for unlimited), the argument check setrlimit(2) makes,
 * and the fallback's parsing of /proc/self/limits and of util-linux
 * `prlimit` output.
 *
 * Python counterpart: the `resource` module as supervisor/options.py uses it
 * (`getrlimit`, `setrlimit`, `RLIMIT_NOFILE`, `RLIMIT_NPROC`).
 * @module
 */

import { errorForCode, type RuntimeError, strerror } from "./errors.ts";
import type { Rlimit, RlimitResource } from "./types.ts";

/** How an adapter reaches the limits: libc through FFI, or /proc/self/limits plus `prlimit`. */
export type RlimitMechanism = "ffi" | "prlimit";

/** The two Runtime methods for resource limits, as an adapter builds them. */
export interface RlimitFunctions {
  getRlimit(resource: RlimitResource): Rlimit | null;
  setRlimit(resource: RlimitResource, soft: number, hard: number): void;
}

/** What the adapters need to know about each resource. */
export interface ResourceInfo {
  /** The resource number on Linux x86_64 and aarch64 (asm-generic). */
  readonly number: number;
  /** The C name, for messages. */
  readonly name: string;
  /** The row label in /proc/<pid>/limits. */
  readonly procLabel: string;
  /** The util-linux `prlimit` option. */
  readonly prlimitOption: string;
}

/** The resources of {@linkcode RlimitResource}. */
export const RESOURCES: Readonly<Record<RlimitResource, ResourceInfo>> = {
  nproc: { number: 6, name: "RLIMIT_NPROC", procLabel: "Max processes", prlimitOption: "--nproc" },
  nofile: { number: 7, name: "RLIMIT_NOFILE", procLabel: "Max open files", prlimitOption: "--nofile" },
};

/** A `rlim_t` (u64) as the seam's number: RLIM_INFINITY becomes -1. */
export function fromRlim(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

/** The seam's number as a `rlim_t`: -1 becomes RLIM_INFINITY. */
export function toRlim(value: number): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/** One limit value for a message or for `prlimit`: "unlimited" for -1. */
export function limitText(value: number): string {
  return value === -1 ? "unlimited" : String(value);
}

function describe(resource: RlimitResource, soft: number, hard: number): string {
  return `setrlimit ${RESOURCES[resource].name} (${limitText(soft)}, ${limitText(hard)})`;
}

/** The errno names setrlimit(2) fails with. */
const SETRLIMIT_ERRORS = ["EPERM", "EINVAL", "EFAULT"];

/** The error setrlimit(2) failing with `code` stands for. */
export function setRlimitError(resource: RlimitResource, soft: number, hard: number, code: string): RuntimeError {
  return errorForCode(code, `${describe(resource, soft, hard)}: ${strerror(code) ?? code}`);
}

/**
 * The checks setrlimit(2) makes on its arguments before asking the kernel:
 * integers from -1 up, soft not above hard (-1 counting as infinite).
 * Throws the EINVAL RuntimeError the call would fail with.
 */
export function checkRlimitArgs(resource: RlimitResource, soft: number, hard: number): void {
  const valid = (n: number) => Number.isSafeInteger(n) && n >= -1;
  const above = (a: number, b: number) => b !== -1 && (a === -1 || a > b);
  if (!valid(soft) || !valid(hard) || above(soft, hard)) {
    throw setRlimitError(resource, soft, hard, "EINVAL");
  }
}

/** The limit of `resource` in the text of /proc/<pid>/limits; null when the row is missing. */
export function parseProcLimits(text: string, resource: RlimitResource): Rlimit | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(RESOURCES[resource].procLabel + " ")) continue;
    const [soft, hard] = line.slice(RESOURCES[resource].procLabel.length).trim().split(/\s+/);
    const value = (v: string | undefined) => (v === "unlimited" ? -1 : Number(v));
    const limit = { soft: value(soft), hard: value(hard) };
    return Number.isInteger(limit.soft) && Number.isInteger(limit.hard) ? limit : null;
  }
  return null;
}

/** The arguments of `prlimit` that set `resource` of process `pid`. */
export function prlimitArgs(pid: number, resource: RlimitResource, soft: number, hard: number): string[] {
  return ["--pid", String(pid), `${RESOURCES[resource].prlimitOption}=${limitText(soft)}:${limitText(hard)}`];
}

/** The errno name a failed `prlimit` reported on stderr ("…: Operation not permitted"). */
export function prlimitErrnoCode(stderr: string): string {
  return SETRLIMIT_ERRORS.find((code) => stderr.includes(strerror(code)!)) ?? "UNKNOWN";
}
