/// <reference types="./_bun_types.d.ts" />
/**
 * The Bun adapter: `createBunRuntime()` maps the {@linkcode Runtime}
 * interface onto Bun's APIs and its node:* modules. Processes live in
 * bun_spawn.ts, files in bun_fs.ts, HTTP in bun_http.ts, resource limits in
 * bun_rlimit.ts; this file holds the
 * process's own identity, the clock and the standard streams.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions`, the syscall
 * façade of the real daemon).
 * @module
 */

import { bunConnect } from "./bun_connect.ts";
import { bunIsatty, bunLibcName, bunPlatform } from "./bun_libc.ts";
import { bunSendDatagram } from "./bun_datagram.ts";
import { platformNotice, unavailableFeatures } from "./_platform.ts";
import { bunWatch } from "./bun_watch.ts";
import fs from "node:fs";
import { hostname } from "node:os";
import nodeProcess from "node:process";
import type { InputStream, OutputStream, Runtime } from "./types.ts";
import { systemClock } from "./_system_clock.ts";
import { mapError } from "./_map_error.ts";
import { argv0FromCmdline, toBytes, writeAllSync } from "./_io.ts";
import { bunKill, bunOnSignal, bunSpawn } from "./bun_spawn.ts";
import { bunFs } from "./bun_fs.ts";
import { bunRequest, bunServe } from "./bun_http.ts";
import { bunRlimits } from "./bun_rlimit.ts";
import { bunReapOrphans } from "./bun_reap.ts";
import { bunSyslog } from "./bun_syslog.ts";
import { bunImportModule } from "./bun_import.ts";
import { bunBindSocket } from "./bun_socket.ts";

function output(fd: number): OutputStream {
  return {
    write: (data) => writeAllSync((chunk) => fs.writeSync(fd, chunk), toBytes(data)),
    // The stream queues and writes when the descriptor can take more; the callback comes once it is written.
    writeAsync: (data) =>
      new Promise((resolve, reject) => {
        const stream = fd === 2 ? nodeProcess.stderr : nodeProcess.stdout;
        // A failed write is reported to the callback; without a listener the stream's error event would throw.
        if (stream.listenerCount("error") === 0) stream.on("error", () => {});
        stream.write(data, (e) => e ? reject(mapError(e, "write")) : resolve());
      }),
    isTerminal: () => bunIsatty(fd),
    columns: () => (bunIsatty(fd) ? (fd === 2 ? nodeProcess.stderr : nodeProcess.stdout).columns ?? null : null),
  };
}

/** Standard input through `Bun.stdin.stream()`, its reader taken on the first read. */
function input(): InputStream {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return {
    async read() {
      reader ??= Bun.stdin.stream().getReader();
      const r = await reader.read();
      return r.done ? null : r.value;
    },
    isTerminal: () => bunIsatty(0),
    setRaw(raw) {
      if (!bunIsatty(0)) return false;
      (nodeProcess.stdin as unknown as { setRawMode(raw: boolean): void }).setRawMode(raw);
      return true;
    },
  };
}

function invokedAs(): string {
  if (bunPlatform.selfCmdline === null) return nodeProcess.execPath;
  try {
    return argv0FromCmdline(fs.readFileSync(bunPlatform.selfCmdline)) ?? nodeProcess.execPath;
  } catch {
    return nodeProcess.execPath;
  }
}

/** The argv that runs this program again: the compiled binary, or `bun <main>`. */
function selfCommand(): string[] {
  const exec = nodeProcess.execPath;
  return Bun.main.startsWith("/$bunfs/") ? [exec] : [exec, Bun.main];
}

function environment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(nodeProcess.env)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Creates the Runtime for Bun.
 *
 * @example
 * ```ts
 * // Only under Bun: the adapter reads Bun's globals.
 * if ("Bun" in globalThis) {
 *   const rt = createBunRuntime();
 *   rt.stdout.write(`running as pid ${rt.pid}\n`);
 * }
 * ```
 */
export function createBunRuntime(): Runtime {
  return {
    name: "bun",
    pid: nodeProcess.pid,
    ppid: nodeProcess.ppid,
    execPath: nodeProcess.execPath,
    argv0: invokedAs(),
    args: nodeProcess.argv.slice(2),
    selfCommand: selfCommand(),
    spawn: bunSpawn,
    kill: bunKill,
    onSignal: bunOnSignal,
    reapOrphans: bunReapOrphans,
    syslog: bunSyslog,
    sendDatagram: bunSendDatagram,
    platformNotice: () =>
      platformNotice(
        nodeProcess.platform,
        nodeProcess.arch,
        unavailableFeatures(bunPlatform, { libc: bunLibcName() }),
      ),
    importModule: bunImportModule,
    bindSocket: bunBindSocket,
    serve: bunServe,
    request: bunRequest,
    connect: bunConnect,
    watch: bunWatch,
    fs: bunFs,
    clock: systemClock,
    env: environment,
    cwd: () => nodeProcess.cwd(),
    chdir(path) {
      try {
        nodeProcess.chdir(path);
      } catch (e) {
        throw mapError(e);
      }
    },
    hostname: () => hostname(),
    uid: () => nodeProcess.getuid?.() ?? 0,
    gid: () => nodeProcess.getgid?.() ?? 0,
    euid: () => nodeProcess.geteuid?.() ?? 0,
    umask: (mask) => (mask === undefined ? nodeProcess.umask() : nodeProcess.umask(mask)),
    ...bunRlimits(),
    stdin: input(),
    stdout: output(1),
    stderr: output(2),
    exit: (code) => nodeProcess.exit(code),
  };
}
