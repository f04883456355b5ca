/// <reference types="./_bun_types.d.ts" />
/**
 * Bun adapter, processes: spawn through the exec shim with `Bun.spawn`
 * (`detached` for a new session and process group, `uid`/`gid`, a complete
 * `env`, a `stdinSocket` passed by its descriptor), signals with
 * `process.kill`, listeners with `process.on`.
 *
 * The child's stdin, stdout and stderr are pipes made here (bun_pipe.ts),
 * not `Bun.spawn`'s socket pairs, so it can open `/dev/stdout` and
 * `/proc/self/fd/N`; where FFI cannot reach libc, Bun's own are used.
 * Writes after the child has exited are refused with BrokenPipeError.
 *
 * Measured with Bun 1.4.5 (512 MiB from `head -c` through a stdout pipe):
 * `Bun.spawn` ≈ 2,000–2,200 MiB/s, node:child_process ≈ 1,950–2,100 MiB/s
 * (through a ReadableStream), so the native API is used; it also throws
 * spawn errors synchronously, where node:child_process reports them later.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.fork/execve/
 * kill/setpgrp`) and supervisor/process.py (`Subprocess._spawn_as_child`).
 * @module
 */

import nodeProcess from "node:process";
import { existsSync } from "node:fs";
import type {
  BoundSocket,
  ByteWriter,
  Child,
  ExitStatus,
  HandledSignal,
  Signal,
  SpawnOptions,
  StdioMode,
} from "./types.ts";
import { buildShimCommand, findSetpriv } from "./exec_shim.ts";
import { bunPlatform } from "./bun_libc.ts";
import { mapError } from "./_map_error.ts";
import { bunSpawned } from "./bun_reap.ts";
import { openPipe, type OwnedFd, pipeReadable, pipeWriter, setNonBlocking, stdinWriter } from "./bun_pipe.ts";

type BunStdio = "pipe" | "ignore" | "inherit";

function stdio(mode: StdioMode | undefined): BunStdio {
  return mode === "null" ? "ignore" : mode === "inherit" ? "inherit" : "pipe";
}

/** How one standard stream is connected: what `Bun.spawn` gets, and our end of a pipe. */
interface Slot {
  spawnArg: BunStdio | number;
  parent: OwnedFd | null;
  child: OwnedFd | null;
}

/** A pipe for `mode` "pipe" (Bun's own socket pair where FFI is missing); nothing to open otherwise. */
function slotFor(mode: BunStdio, childWrites: boolean): Slot {
  const pipe = mode === "pipe" ? openPipe() : null;
  if (pipe === null) return { spawnArg: mode, parent: null, child: null };
  const [parent, child] = childWrites ? [pipe.read, pipe.write] : [pipe.write, pipe.read];
  setNonBlocking(parent);
  return { spawnArg: child.fd, parent, child };
}

/**
 * The three slots; on a failure, whatever was opened is closed again. A
 * socket for fd 0 is passed by its descriptor (Bun dup2s it onto the
 * child's fd 0) and stays ours.
 */
function openSlots(modes: [BunStdio, BunStdio, BunStdio], stdinSocket: BoundSocket | undefined): [Slot, Slot, Slot] {
  const slots: Slot[] = [];
  try {
    for (const [i, mode] of modes.entries()) {
      const socket = i === 0 && stdinSocket !== undefined;
      slots.push(socket ? { spawnArg: stdinSocket.fd, parent: null, child: null } : slotFor(mode, i > 0));
    }
  } catch (e) {
    closeSlots(slots, true);
    throw mapError(e, "spawn");
  }
  return slots as [Slot, Slot, Slot];
}

function closeSlots(slots: readonly Slot[], parentsToo: boolean): void {
  for (const slot of slots) {
    slot.child?.close();
    if (parentsToo) slot.parent?.close();
  }
}

let setpriv: string | null | undefined;

/** Starts a child through the exec shim. */
export function bunSpawn(opts: SpawnOptions): Child {
  if (opts.groups !== undefined && bunPlatform.setpriv) setpriv ??= findSetpriv((p) => existsSync(p));
  const shim = buildShimCommand(opts, setpriv ?? null);
  const errMode = opts.redirectStderr === true ? "ignore" : stdio(opts.stderr);
  const slots = openSlots([stdio(opts.stdin), stdio(opts.stdout), errMode], opts.stdinSocket);
  const [inSlot, outSlot, errSlot] = slots;
  const options: Bun.SpawnOptions = {
    cmd: [shim.file, ...shim.args],
    env: { ...opts.env },
    detached: true,
    stdin: inSlot.spawnArg,
    stdout: outSlot.spawnArg,
    stderr: errSlot.spawnArg,
  };
  if (opts.uid !== undefined && !shim.switchesUser) options.uid = opts.uid;
  if (opts.gid !== undefined && !shim.switchesUser) options.gid = opts.gid;
  let proc: Bun.Subprocess;
  try {
    proc = Bun.spawn(options);
  } catch (e) {
    closeSlots(slots, true);
    throw mapError(e, `spawn ${opts.path}`);
  }
  closeSlots(slots, false);
  let gone = false;
  bunSpawned.add(proc.pid);
  const stdin = inSlot.parent !== null
    ? pipeWriter(inSlot.parent, proc.pid, () => gone)
    : options.stdin === "pipe" && proc.stdin
    ? bunSinkWriter(proc.stdin, proc.pid, () => gone)
    : null;
  const exited: Promise<ExitStatus> = proc.exited.then(
    (
      code,
    ) => (proc.signalCode !== null
      ? { code: null, signal: proc.signalCode }
      : { code: proc.exitCode ?? code, signal: null }),
    () => ({ code: null, signal: null }),
  ).then((status) => {
    gone = true;
    bunSpawned.delete(proc.pid);
    // Python closes the parent's pipes once the child is reaped; output still buffered is drained by the reader.
    void stdin?.close();
    return status;
  });
  return {
    pid: proc.pid,
    stdin,
    stdout: outputOf(outSlot, proc.stdout),
    stderr: outputOf(errSlot, proc.stderr),
    exited,
  };
}

/** Stdin through Bun's own socket pair (where FFI is missing). */
function bunSinkWriter(sink: Bun.FileSink, pid: number, isGone: () => boolean): ByteWriter {
  return stdinWriter(pid, isGone, () => sink, async () => void await sink.end());
}

function outputOf(slot: Slot, own: ReadableStream<Uint8Array> | null | undefined): ReadableStream<Uint8Array> | null {
  if (slot.parent !== null) return pipeReadable(slot.parent);
  return slot.spawnArg === "pipe" ? own ?? null : null;
}

/** Sends `signal` to `pid` (negative: a process group). */
export function bunKill(pid: number, signal: Signal): void {
  try {
    nodeProcess.kill(pid, signal);
  } catch (e) {
    throw mapError(e, `kill ${pid} ${signal}`);
  }
}

/** Subscribes to a signal sent to this process. */
export function bunOnSignal(signal: HandledSignal, handler: () => void): () => void {
  const listener = () => handler();
  nodeProcess.on(signal, listener);
  return () => void nodeProcess.off(signal, listener);
}
