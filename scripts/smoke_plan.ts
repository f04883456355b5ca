/**
 * The plan of scripts/smoke_binaries.ts, host-free so it can be tested:
 * what `file` must say about each release binary, and how this machine can
 * run it (natively, under qemu-user, with a musl root) or why it cannot.
 *
 * Python counterpart: none (project tooling).
 * @module
 */

/** What the plan needs to know about the machine it runs on. */
export interface SmokeHost {
  /** `Deno.build.arch`: x86_64 or aarch64. */
  arch: string;
  /** Whether a command is on PATH. */
  has(tool: string): boolean;
  /** Whether a path exists. */
  exists(path: string): boolean;
  /** An environment variable, or null. */
  env(name: string): string | null;
}

const CPU: Record<string, { file: RegExp; musl: string; glibc: string; qemu: string; root: string }> = {
  x64: {
    file: /x86-64/,
    musl: "ld-musl-x86_64.so.1",
    glibc: "ld-linux-x86-64.so.2",
    qemu: "qemu-x86_64",
    root: "/usr/x86_64-linux-gnu",
  },
  arm64: {
    file: /ARM aarch64/,
    musl: "ld-musl-aarch64.so.1",
    glibc: "ld-linux-aarch64.so.1",
    qemu: "qemu-aarch64",
    root: "/usr/aarch64-linux-gnu",
  },
};

/** The pattern `file -b` output must match for target `name` (e.g. `linux-arm64-musl`). */
export function expectedFormat(name: string): RegExp {
  const [os, arch] = name.split("-") as [string, string];
  if (os === "darwin") return new RegExp(`^Mach-O 64-bit ${arch === "arm64" ? "arm64" : "x86_64"} executable`);
  const cpu = CPU[arch]!;
  const loader = name.endsWith("-musl") ? cpu.musl : cpu.glibc;
  return new RegExp(
    `^ELF 64-bit LSB executable, ${cpu.file.source}.*interpreter /lib(64)?/${loader.replace(/\./g, "\\.")}`,
  );
}

/**
 * How to run target `name` here: the command prefix (empty for natively),
 * or the reason it cannot run.
 */
export function runnerFor(name: string, host: SmokeHost): string[] | string {
  const [os, arch] = name.split("-") as [string, string];
  if (os === "darwin") return "a macOS binary (format checked only)";
  const cpu = CPU[arch]!;
  const native = (host.arch === "x86_64" && arch === "x64") || (host.arch === "aarch64" && arch === "arm64");
  const musl = name.endsWith("-musl");
  if (musl) {
    const envName = `SUPERVISOR_TS_MUSL_ROOT_${arch.toUpperCase()}`;
    const root = host.env(envName);
    if (root === null) return `no musl root (set ${envName}; Debian packages no musl-built libstdc++.so.6)`;
    if (!host.exists(`${root}/lib/${cpu.musl}`)) return `${root}/lib/${cpu.musl} is missing`;
    const loader = [`${root}/lib/${cpu.musl}`, "--library-path", `${root}/lib:${root}/usr/lib`];
    if (native) return loader;
    return host.has(cpu.qemu) ? [cpu.qemu, "-L", root] : `no ${cpu.qemu} (apt-get install qemu-user)`;
  }
  if (native) return [];
  if (!host.has(cpu.qemu)) return `no ${cpu.qemu} (apt-get install qemu-user)`;
  if (!host.exists(`${cpu.root}/lib/${cpu.glibc}`)) {
    return `no ${cpu.root} (apt-get install libc6-${arch === "arm64" ? "arm64" : "amd64"}-cross)`;
  }
  return [cpu.qemu, "-L", cpu.root];
}
