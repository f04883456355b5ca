/**
 * Contract suite, `sendDatagram`: a python3 child binds a unix datagram
 * socket (a path, then an abstract name) and prints what it receives; a
 * path nobody bound is ENOENT.
 *
 * Python counterpart: none (sd_notify(3) as systemd documents it).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import type { Runtime } from "./types.ts";
import { BASE_ENV, type ContractCase, readText, run, withChild, within, withTempDir } from "./_contract_util.ts";
import { RuntimeError } from "./errors.ts";

const RECEIVER = [
  "import socket, sys",
  "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
  "name = sys.argv[1]",
  "s.bind('\\0' + name[1:] if name.startswith('@') else name)",
  "print('ready', flush=True)",
  "for _ in range(2): print(s.recv(4096).decode(), flush=True)",
].join("\n");

async function pythonAbsent(rt: Runtime): Promise<boolean> {
  const probe = await run(rt, { path: "/usr/bin/python3", argv: ["python3", "-c", "pass"], env: BASE_ENV })
    .catch(() => null);
  return probe === null || probe.status.code !== 0;
}

async function receiveTwo(rt: Runtime, name: string, messages: [string, string]): Promise<string> {
  const argv = ["python3", "-c", RECEIVER, name];
  return await withChild(rt, { path: "/usr/bin/python3", argv, env: BASE_ENV }, async (child) => {
    const reader = child.stdout!.getReader();
    const first = await within(rt, reader.read(), 20_000, "the receiver to bind");
    assert.equal(new TextDecoder().decode(first.value), "ready\n");
    reader.releaseLock();
    for (const m of messages) rt.sendDatagram(name, new TextEncoder().encode(m));
    return await within(rt, readText(child.stdout), 20_000, "the receiver's output");
  });
}

/** The cases. */
export const datagramCases: ContractCase[] = [
  ["sendDatagram(): one datagram per call reaches a unix datagram socket bound at a path", async (rt) => {
    if (await pythonAbsent(rt)) return;
    await withTempDir(rt, async (dir) => {
      const out = await receiveTwo(rt, `${dir}/notify`, ["READY=1\nSTATUS=2 running", "STOPPING=1"]);
      assert.equal(out, "READY=1\nSTATUS=2 running\nSTOPPING=1\n");
    });
  }],
  ["sendDatagram(): a name starting with @ is an abstract socket, as NOTIFY_SOCKET spells it", async (rt) => {
    if (await pythonAbsent(rt)) return;
    const name = `@supervisor-ts-contract-${rt.pid}-${Math.floor(Math.random() * 1e9)}`;
    assert.equal(await receiveTwo(rt, name, ["READY=1", "STOPPING=1"]), "READY=1\nSTOPPING=1\n");
  }],
  ["sendDatagram(): a path nobody bound throws ENOENT", async (rt) => {
    await withTempDir(rt, (dir) => {
      let error: unknown = null;
      try {
        rt.sendDatagram(`${dir}/absent`, new TextEncoder().encode("READY=1"));
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof RuntimeError, String(error));
      assert.equal((error as RuntimeError).code, "ENOENT");
      return Promise.resolve();
    });
  }],
];
