/**
 * Runs the adapter contract (contract.ts) against the Deno adapter. Under
 * Bun the suite is registered as ignored.
 * @module
 */

import { runtimeContract } from "./contract.ts";
import { createDenoRuntime } from "./deno.ts";

const onDeno = typeof (globalThis as { Bun?: unknown }).Bun === "undefined" &&
  typeof (globalThis as { Deno?: { pid?: unknown } }).Deno?.pid === "number";

if (onDeno) {
  runtimeContract(createDenoRuntime(), (name, fn) => Deno.test(name, fn));
} else {
  Deno.test({ name: "[deno] runtime contract (Deno only)", ignore: true, fn: () => {} });
}
