/**
 * The behaviour suite every adapter must pass. Test files call
 * `runtimeContract(createXRuntime(), register)` with their runner's
 * registration function; the suite reaches the host only through the
 * Runtime under test (children, /proc, temp directories, python3).
 *
 * Needs Linux (/proc), /bin/sh and coreutils. Tests that need root (uid/gid
 * switching, chown) or python3 with the supervisor package pass without
 * checking anything when those are missing.
 *
 * Python counterpart: none; it pins the ServerOptions behaviours the Python
 * daemon gets from the OS (supervisor/options.py, process.py, http.py).
 * @module
 */

import type { Runtime } from "./types.ts";
import { spawnCases } from "./_contract_spawn.ts";
import { httpCases } from "./_contract_http.ts";
import { fsCases } from "./_contract_fs.ts";
import { stdinCases } from "./_contract_stdin.ts";
import { rlimitCases } from "./_contract_rlimit.ts";
import { importCases } from "./_contract_import.ts";
import { socketCases } from "./_contract_socket.ts";
import { datagramCases } from "./_contract_datagram.ts";
import type { ContractCase } from "./_contract_util.ts";
import * as assert from "./_contract_assert.ts";

/** The platform choice: the suite runs on Linux x64/arm64, where FFI opens the C library and /proc is read. */
const platformCases: ContractCase[] = [
  ["platformNotice(): null on Linux with a C library (nothing left out)", (rt) => {
    assert.equal(rt.platformNotice(), null);
    return Promise.resolve();
  }],
];
import { watchCases } from "./_contract_watch.ts";

/**
 * Registers the contract tests for `rt`.
 *
 * @param rt The runtime under test.
 * @param test The runner's registration function, e.g. `(n, f) => Deno.test(n, f)`.
 *
 * @example List the cases (a test file registers them with its runner instead)
 * ```ts
 * import { FakeRuntime } from "./fake.ts";
 *
 * const names: string[] = [];
 * runtimeContract(new FakeRuntime(), (name) => names.push(name));
 * console.log(names.length > 0); // true
 * ```
 */
export function runtimeContract(rt: Runtime, test: (name: string, fn: () => Promise<void>) => void): void {
  for (
    const [name, fn] of [
      ...spawnCases,
      ...httpCases,
      ...fsCases,
      ...stdinCases,
      ...rlimitCases,
      ...importCases,
      ...socketCases,
      ...platformCases,
      ...datagramCases,
      ...watchCases,
    ]
  ) {
    test(`[${rt.name}] ${name}`, () => fn(rt));
  }
}
