/**
 * Deno adapter, processes: spawn through the exec shim with
 * `Deno.Command` (`clearEnv`, `uid`/`gid`, `detached` for a new session and
 * process group), signals with `Deno.kill`, and signal listeners. A
 * `stdinSocket` reaches the child through our own fd 0 (deno_socket.ts).
 *
 * Measured with Deno 2.9.6: children start with the glibc-internal signals 32
 * and 33 ignored in addition to the shim's SIGPIPE/SIGXFSZ
 * (`SigIgn: 0000000181001000`); a shell cannot reset signals ignored on
 * entry, so this stays.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.fork/execve/
 * kill/setpgrp`) and supervisor/process.py (`Subprocess._spawn_as_child`).
 * @module
 */

import type { ByteWriter, Child, ExitStatus, HandledSignal, Signal, SpawnOptions, StdioMode } from "./types.ts";
import { denoPlatform } from "./deno_libc.ts";
import { signalName } from "./types.ts";
import { buildShimCommand, findSetpriv } from "./exec_shim.ts";
import { NoSuchProcessError } from "./errors.ts";
import { mapError } from "./_map_error.ts";
import { denoSpawned } from "./deno_reap.ts";
import { withStdinSocket } from "./deno_socket.ts";

function stdio(mode: StdioMode | undefined): "piped" | "null" | "inherit" {
  return mode === "null" ? "null" : mode === "inherit" ? "inherit" : "piped";
}

let setpriv: string | null | undefined;

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Starts a child through the exec shim. */
export function denoSpawn(opts: SpawnOptions): Child {
  if (opts.groups !== undefined && denoPlatform.setpriv) setpriv ??= findSetpriv(exists);
  const shim = buildShimCommand(opts, setpriv ?? null);
  const options: Deno.CommandOptions = {
    args: shim.args,
    env: { ...opts.env },
    clearEnv: true,
    detached: true,
    // A socket for fd 0 is inherited through our own fd 0 (deno_socket.ts).
    stdin: opts.stdinSocket !== undefined ? "inherit" : stdio(opts.stdin),
    stdout: stdio(opts.stdout),
    stderr: opts.redirectStderr === true ? "null" : stdio(opts.stderr),
  };
  if (opts.uid !== undefined && !shim.switchesUser) options.uid = opts.uid;
  if (opts.gid !== undefined && !shim.switchesUser) options.gid = opts.gid;
  let proc: Deno.ChildProcess;
  try {
    const command = new Deno.Command(shim.file, options);
    const socket = opts.stdinSocket;
    proc = socket === undefined ? command.spawn() : withStdinSocket(socket, () => command.spawn());
  } catch (e) {
    throw mapError(e, `spawn ${opts.path}`);
  }
  denoSpawned.add(proc.pid);
  const exited: Promise<ExitStatus> = proc.status.then(
    (s) => (s.signal !== null ? { code: null, signal: s.signal } : { code: s.code, signal: null }),
    () => ({ code: null, signal: null }),
  ).finally(() => denoSpawned.delete(proc.pid));
  return {
    pid: proc.pid,
    stdin: options.stdin === "piped" ? streamWriter(proc.stdin) : null,
    stdout: options.stdout === "piped" ? proc.stdout : null,
    stderr: options.stderr === "piped" ? proc.stderr : null,
    exited,
  };
}

/**
 * A ByteWriter over a WritableStream, with errors mapped (EPIPE). The stream
 * is locked at the first write or close: most children never get stdin
 * input, and a writer per idle child is memory for nothing.
 */
function streamWriter(stream: WritableStream<Uint8Array>): ByteWriter {
  let writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  const locked = () => (writer ??= stream.getWriter());
  return {
    async write(data) {
      try {
        await locked().write(data);
      } catch (e) {
        throw mapError(e, "write to child stdin");
      }
    },
    async close() {
      try {
        await locked().close();
      } catch {
        // Closing a pipe whose reader has gone is not an error for the caller.
      }
    },
  };
}

/** Sends `signal` to `pid` (negative: a process group). */
export function denoKill(pid: number, signal: Signal): void {
  // Deno.kill has no signal 0 (the existence probe): look the process up instead.
  if (signal === 0) return probeProcess(pid);
  const name = typeof signal === "number" ? signalName(signal) : signal;
  if (name === undefined) throw new TypeError(`Unsupported signal number: ${signal}`);
  try {
    Deno.kill(pid, name as Deno.Signal);
  } catch (e) {
    throw mapError(e, `kill ${pid} ${name}`);
  }
}

/** kill(pid, 0): succeeds while the process (or, for a negative pid, its group leader) exists. */
function probeProcess(pid: number): void {
  try {
    if (denoPlatform.procRoot !== null) Deno.statSync(`${denoPlatform.procRoot}/${Math.abs(pid)}`);
    else if (
      !new Deno.Command("ps", { args: ["-p", String(Math.abs(pid))], stdout: "null", stderr: "null" }).outputSync()
        .success
    ) {
      throw new Error("no such process");
    }
  } catch {
    throw new NoSuchProcessError(`kill ${pid} 0: No such process`);
  }
}

/** Subscribes to a signal sent to this process. */
export function denoOnSignal(signal: HandledSignal, handler: () => void): () => void {
  const listener = () => handler();
  Deno.addSignalListener(signal, listener);
  return () => Deno.removeSignalListener(signal, listener);
}
