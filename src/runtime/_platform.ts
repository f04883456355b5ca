/**
 * The per-platform choices the adapters make at start, as data: which C
 * library FFI opens (glibc's `libc.so.6`, musl's `libc.musl-<arch>.so.1`,
 * plain `libc.so`, macOS's `libSystem.B.dylib`), how `errno` is reached,
 * the resource numbers and RLIM_INFINITY of getrlimit(2), whether /proc is
 * there to read, and which util-linux tools may be run. This file is the
 * only place under src/runtime that names a Linux-only library, path or
 * tool (scripts/check_platform.ts enforces it); the adapters ask
 * {@linkcode platformProfile} and do without what it leaves out.
 *
 * Python counterpart: none (Python's `os`, `resource` and `syslog` modules
 * make these choices when CPython is built for the platform).
 * @module
 */

/** The operating systems a release binary is built for. */
export type PlatformOs = "linux" | "darwin" | "other";

/** Everything platform-specific the adapters need. */
export interface PlatformProfile {
  readonly os: PlatformOs;
  /** C library names FFI tries in order; empty where FFI is not used. */
  readonly libcNames: readonly string[];
  /** The function returning the calling thread's `errno` address. */
  readonly errnoSymbol: string;
  /** getrlimit(2) resource numbers; null where limits cannot be reached. */
  readonly rlimitNumbers: { readonly nproc: number; readonly nofile: number } | null;
  /** The `rlim_t` value meaning "unlimited". */
  readonly rlimInfinity: bigint;
  /** The file a process's command line is read from, or null. */
  readonly selfCmdline: string | null;
  /** The file a process's limits are read from, or null. */
  readonly selfLimits: string | null;
  /** The /proc root orphan reaping scans, or null where there is none. */
  readonly procRoot: string | null;
  /** The util-linux tool that sets another process's limits, or null. */
  readonly prlimit: string | null;
  /** Whether `util-linux setpriv` may be looked for (supplementary groups). */
  readonly setpriv: boolean;
  /** Whether the Linux struct layouts of socket(2)/bind(2) and pipe2(2) apply. */
  readonly linuxSyscalls: boolean;
}

const LINUX_ARCHES: Record<string, string> = { x64: "x86_64", x86_64: "x86_64", arm64: "aarch64", aarch64: "aarch64" };

/**
 * The profile for a host, from `Deno.build` or `process.platform`/`arch`
 * (both spellings of the arch are accepted).
 */
export function platformProfile(os: string, arch: string): PlatformProfile {
  const linuxArch = LINUX_ARCHES[arch];
  if (os === "linux" && linuxArch !== undefined) {
    return {
      os: "linux",
      libcNames: ["libc.so.6", `libc.musl-${linuxArch}.so.1`, "libc.so"],
      errnoSymbol: "__errno_location",
      rlimitNumbers: { nproc: 6, nofile: 7 },
      rlimInfinity: 0xffffffffffffffffn,
      selfCmdline: "/proc/self/cmdline",
      selfLimits: "/proc/self/limits",
      procRoot: "/proc",
      prlimit: "prlimit",
      setpriv: true,
      linuxSyscalls: true,
    };
  }
  if (os === "darwin" && (arch === "arm64" || arch === "aarch64" || arch === "x64" || arch === "x86_64")) {
    return {
      os: "darwin",
      libcNames: ["libSystem.B.dylib", "/usr/lib/libSystem.B.dylib"],
      errnoSymbol: "__error",
      rlimitNumbers: { nproc: 7, nofile: 8 },
      rlimInfinity: 0x7fffffffffffffffn,
      selfCmdline: null,
      selfLimits: null,
      procRoot: null,
      prlimit: null,
      setpriv: false,
      linuxSyscalls: false,
    };
  }
  return {
    os: "other",
    libcNames: [],
    errnoSymbol: "__errno_location",
    rlimitNumbers: null,
    rlimInfinity: 0xffffffffffffffffn,
    selfCmdline: null,
    selfLimits: null,
    procRoot: null,
    prlimit: null,
    setpriv: false,
    linuxSyscalls: false,
  };
}

/** What an adapter found at start: whether the C library opened. */
export interface PlatformProbe {
  /** The C library name FFI opened, or null when none did. */
  readonly libc: string | null;
}

/**
 * The features this platform (and the probe's result) leaves out, in the
 * words of the one line the daemon logs at start; empty when all are there.
 */
export function unavailableFeatures(profile: PlatformProfile, probe: PlatformProbe): string[] {
  const out: string[] = [];
  const noLibc = probe.libc === null;
  if (noLibc && profile.libcNames.length > 0) out.push(`C library (tried ${profile.libcNames.join(", ")})`);
  if (profile.procRoot === null || noLibc) out.push("orphan reaping as PID 1");
  if (noLibc) out.push("syslog");
  if (profile.rlimitNumbers === null || (noLibc && profile.prlimit === null)) out.push("minfds/minprocs limits");
  if (!profile.linuxSyscalls || noLibc) out.push("socket binding ahead of spawn (fcgi-program sockets)");
  if (!profile.setpriv) out.push("supplementary groups for user= (setpriv)");
  return out;
}

/** The one line logged at start, or null when nothing is missing. */
export function platformNotice(os: string, arch: string, features: readonly string[]): string | null {
  if (features.length === 0) return null;
  return `platform ${os}-${arch}: not available here: ${features.join("; ")}`;
}

/** A `rlim_t` as the seam's number: the profile's RLIM_INFINITY becomes -1. */
export function rlimToNumber(profile: PlatformProfile, value: bigint): number {
  return value === profile.rlimInfinity ? -1 : Number(BigInt.asIntN(64, value));
}

/** The seam's number as a `rlim_t`: -1 becomes the profile's RLIM_INFINITY. */
export function numberToRlim(profile: PlatformProfile, value: number): bigint {
  return value === -1 ? profile.rlimInfinity : BigInt.asUintN(64, BigInt(value));
}
