/**
 * The Deno adapter: `createDenoRuntime()` maps the {@linkcode Runtime}
 * interface onto Deno's APIs. Processes live in deno_spawn.ts, files in
 * deno_fs.ts, HTTP in deno_http.ts, resource limits in
 * deno_rlimit.ts; this file holds the process's own
 * identity, the clock and the standard streams.
 *
 * Needs `-A` (run, read, write, net, env and sys permissions) and a Deno
 * whose `Deno.CommandOptions` has `detached` (tested with Deno 2.9.6).
 *
 * Python counterpart: supervisor/options.py (`ServerOptions`, the syscall
 * façade of the real daemon).
 * @module
 */

import { denoConnect } from "./deno_connect.ts";
import { denoLibcName, denoPlatform } from "./deno_libc.ts";
import { denoSendDatagram } from "./deno_datagram.ts";
import { platformNotice, unavailableFeatures } from "./_platform.ts";
import { denoWatch } from "./deno_watch.ts";
import { geteuid } from "node:process";
import type { InputStream, OutputStream, Runtime } from "./types.ts";
import { systemClock } from "./_system_clock.ts";
import { mapError } from "./_map_error.ts";
import { argv0FromCmdline, toBytes, writeAllSync } from "./_io.ts";
import { denoKill, denoOnSignal, denoSpawn } from "./deno_spawn.ts";
import { denoFs } from "./deno_fs.ts";
import { denoRequest, denoServe } from "./deno_http.ts";
import { denoRlimits } from "./deno_rlimit.ts";
import { denoReapOrphans } from "./deno_reap.ts";
import { denoSyslog } from "./deno_syslog.ts";
import { denoImportModule } from "./deno_import.ts";
import { denoBindSocket } from "./deno_socket.ts";

function output(stream: typeof Deno.stdout | typeof Deno.stderr): OutputStream {
  return {
    write: (data) => writeAllSync((chunk) => stream.writeSync(chunk), toBytes(data)),
    async writeAsync(data) {
      try {
        for (let offset = 0; offset < data.length;) offset += await stream.write(data.subarray(offset));
      } catch (e) {
        throw mapError(e, "write");
      }
    },
    isTerminal: () => stream.isTerminal(),
    columns() {
      if (!stream.isTerminal()) return null;
      try {
        return Deno.consoleSize().columns;
      } catch {
        return null;
      }
    },
  };
}

/** Standard input through `Deno.stdin.readable`, its reader taken on the first read. */
function input(): InputStream {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return {
    async read() {
      reader ??= Deno.stdin.readable.getReader();
      const r = await reader.read();
      return r.done ? null : r.value;
    },
    isTerminal: () => Deno.stdin.isTerminal(),
    setRaw(raw) {
      if (!Deno.stdin.isTerminal()) return false;
      Deno.stdin.setRaw(raw);
      return true;
    },
  };
}

function invokedAs(): string {
  if (denoPlatform.selfCmdline === null) return Deno.execPath();
  try {
    return argv0FromCmdline(Deno.readFileSync(denoPlatform.selfCmdline)) ?? Deno.execPath();
  } catch {
    return Deno.execPath();
  }
}

/** The argv that runs this program again: the compiled binary, or `deno run -A <main>`. */
function selfCommand(): string[] {
  const exec = Deno.execPath();
  const base = exec.slice(exec.lastIndexOf("/") + 1);
  if (base !== "deno" || !Deno.mainModule.startsWith("file:")) return [exec];
  return [exec, "run", "-A", decodeURIComponent(new URL(Deno.mainModule).pathname)];
}

/**
 * Creates the Runtime for Deno.
 *
 * @example
 * ```ts
 * const rt = createDenoRuntime();
 * rt.stdout.write(`running as pid ${rt.pid}\n`);
 * ```
 */
export function createDenoRuntime(): Runtime {
  return {
    name: "deno",
    pid: Deno.pid,
    ppid: Deno.ppid,
    execPath: Deno.execPath(),
    argv0: invokedAs(),
    args: [...Deno.args],
    selfCommand: selfCommand(),
    spawn: denoSpawn,
    kill: denoKill,
    onSignal: denoOnSignal,
    reapOrphans: denoReapOrphans,
    syslog: denoSyslog,
    sendDatagram: denoSendDatagram,
    platformNotice: () =>
      platformNotice(Deno.build.os, Deno.build.arch, unavailableFeatures(denoPlatform, { libc: denoLibcName() })),
    importModule: denoImportModule,
    bindSocket: denoBindSocket,
    serve: denoServe,
    request: denoRequest,
    connect: denoConnect,
    watch: denoWatch,
    fs: denoFs,
    clock: systemClock,
    env: () => Deno.env.toObject(),
    cwd: () => Deno.cwd(),
    chdir(path) {
      try {
        Deno.chdir(path);
      } catch (e) {
        throw mapError(e);
      }
    },
    hostname: () => Deno.hostname(),
    uid: () => Deno.uid() ?? 0,
    gid: () => Deno.gid() ?? 0,
    euid: () => geteuid?.() ?? Deno.uid() ?? 0,
    umask: (mask) => (mask === undefined ? Deno.umask() : Deno.umask(mask)),
    ...denoRlimits(),
    stdin: input(),
    stdout: output(Deno.stdout),
    stderr: output(Deno.stderr),
    exit: (code) => Deno.exit(code),
  };
}
