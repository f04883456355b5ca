import assert from "node:assert/strict";
import { expectedFormat, runnerFor, type SmokeHost } from "./smoke_plan.ts";

const FILE_OUT = {
  "linux-x64":
    "ELF 64-bit LSB executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, for GNU/Linux 3.2.0",
  "linux-arm64":
    "ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-linux-aarch64.so.1, for GNU/Linux 3.7.0",
  "linux-x64-musl":
    "ELF 64-bit LSB executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-musl-x86_64.so.1",
  "linux-arm64-musl":
    "ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-musl-aarch64.so.1",
  "darwin-arm64": "Mach-O 64-bit arm64 executable, flags:<NOUNDEFS|DYLDLINK|TWOLEVEL|PIE>",
  "darwin-x64": "Mach-O 64-bit x86_64 executable, flags:<NOUNDEFS|DYLDLINK|TWOLEVEL|PIE>",
};

Deno.test("expectedFormat(): each binary matches its own `file` line and no other target's", () => {
  for (const [name, re] of Object.keys(FILE_OUT).map((n) => [n, expectedFormat(n)] as const)) {
    for (const [other, out] of Object.entries(FILE_OUT)) {
      assert.equal(re.test(out), other === name, `${name} vs ${other}`);
    }
  }
});

function host(
  over: Partial<SmokeHost> & { tools?: string[]; paths?: string[]; vars?: Record<string, string> },
): SmokeHost {
  return {
    arch: over.arch ?? "x86_64",
    has: (t) => (over.tools ?? []).includes(t),
    exists: (p) => (over.paths ?? []).includes(p),
    env: (n) => over.vars?.[n] ?? null,
  };
}

Deno.test("runnerFor(): native x64, arm64 under qemu with the cross root, or the reason it cannot run", () => {
  const full = host({ tools: ["qemu-aarch64"], paths: ["/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"] });
  assert.deepEqual(runnerFor("linux-x64", full), []);
  assert.deepEqual(runnerFor("linux-arm64", full), ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]);
  assert.match(runnerFor("linux-arm64", host({})) as string, /no qemu-aarch64 \(apt-get install qemu-user\)/);
  assert.match(runnerFor("linux-arm64", host({ tools: ["qemu-aarch64"] })) as string, /libc6-arm64-cross/);
  assert.match(runnerFor("darwin-arm64", full) as string, /format checked only/);
  assert.deepEqual(runnerFor("linux-arm64", host({ arch: "aarch64" })), []);
});

Deno.test("runnerFor(): musl binaries run only with a musl root, through its loader or qemu", () => {
  assert.match(runnerFor("linux-x64-musl", host({})) as string, /SUPERVISOR_TS_MUSL_ROOT_X64/);
  const x = host({ vars: { SUPERVISOR_TS_MUSL_ROOT_X64: "/alpine" }, paths: ["/alpine/lib/ld-musl-x86_64.so.1"] });
  assert.deepEqual(runnerFor("linux-x64-musl", x), [
    "/alpine/lib/ld-musl-x86_64.so.1",
    "--library-path",
    "/alpine/lib:/alpine/usr/lib",
  ]);
  const a = host({
    tools: ["qemu-aarch64"],
    vars: { SUPERVISOR_TS_MUSL_ROOT_ARM64: "/alp" },
    paths: ["/alp/lib/ld-musl-aarch64.so.1"],
  });
  assert.deepEqual(runnerFor("linux-arm64-musl", a), ["qemu-aarch64", "-L", "/alp"]);
  assert.match(
    runnerFor("linux-arm64-musl", host({ vars: { SUPERVISOR_TS_MUSL_ROOT_ARM64: "/alp" } })) as string,
    /missing/,
  );
});
