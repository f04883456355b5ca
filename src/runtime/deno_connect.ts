/**
 * Deno adapter, `connect`: a stream connection opened and closed at once
 * (the `tcp://` health probe), bounded by a timeout.
 *
 * Python counterpart: none (the peers: Kubernetes' and Docker's TCP probes).
 * @module
 */

import { mapError } from "./_map_error.ts";
import { RuntimeError } from "./errors.ts";
import type { Endpoint } from "./types.ts";

/** Connects to `at`, then closes; rejects on refusal, lookup failure or after `timeoutMs`. */
export function denoConnect(at: Endpoint, timeoutMs: number): Promise<void> {
  const where = at.transport === "tcp" ? `${at.hostname}:${at.port}` : at.path;
  const attempt = at.transport === "tcp"
    ? Deno.connect({ hostname: at.hostname, port: at.port, transport: "tcp" })
    : Deno.connect({ path: at.path, transport: "unix" });
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new RuntimeError(`connect ${where}: timed out`, "ETIMEDOUT"));
    }, timeoutMs);
    attempt.then((conn) => {
      conn.close();
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve();
    }, (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(mapError(e, `connect ${where}`));
    });
  });
}
