/**
 * Bun adapter, `connect`: a stream connection opened and closed at once
 * (the `tcp://` health probe) through node:net, whose socket can be
 * destroyed when the timeout passes.
 *
 * Python counterpart: none (the peers: Kubernetes' and Docker's TCP probes).
 * @module
 */

import { createConnection } from "node:net";
import { mapError } from "./_map_error.ts";
import { RuntimeError } from "./errors.ts";
import type { Endpoint } from "./types.ts";

/** Connects to `at`, then closes; rejects on refusal, lookup failure or after `timeoutMs`. */
export function bunConnect(at: Endpoint, timeoutMs: number): Promise<void> {
  const where = at.transport === "tcp" ? `${at.hostname}:${at.port}` : at.path;
  return new Promise((resolve, reject) => {
    const sock = at.transport === "tcp"
      ? createConnection({ host: at.hostname, port: at.port })
      : createConnection({ path: at.path });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new RuntimeError(`connect ${where}: timed out`, "ETIMEDOUT"));
    }, timeoutMs);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    });
    sock.once("error", (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(mapError(e, `connect ${where}`));
    });
  });
}
