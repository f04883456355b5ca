/**
 * Runs the adapter contract (contract.ts) against the Bun adapter. Under
 * Deno the suite is registered as ignored.
 * @module
 */

import { runtimeContract } from "./contract.ts";
import { createBunRuntime } from "./bun.ts";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

if (onBun) {
  runtimeContract(createBunRuntime(), (name, fn) => Deno.test(name, fn));
} else {
  Deno.test({ name: "[bun] runtime contract (Bun only)", ignore: true, fn: () => {} });
}
