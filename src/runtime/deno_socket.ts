/**
 * Deno adapter, bound sockets (see _socket.ts): libc socket/setsockopt/
 * bind/listen/close and getaddrinfo through `Deno.dlopen` (needs
 * `--allow-ffi`, included in `-A`).
 *
 * `Deno.Command` can give a child only a pipe, /dev/null or our own fd 0 as
 * its stdin, so {@linkcode withStdinSocket} puts the socket on this
 * process's fd 0 (dup2) for the synchronous spawn call, then puts the
 * previous fd 0 back: the child inherits the socket as its fd 0. JS runs
 * nothing else in between, and the daemon never reads its own stdin.
 *
 * Python counterpart: the `socket` module as supervisor/datatypes.py
 * (`SocketConfig.create_and_bind`) uses it, and the `dup2(sock, 0)` of
 * supervisor/process.py (`FastCGISubprocess._prepare_child_fds`).
 * @module
 */

import { RuntimeError } from "./errors.ts";
import { denoPlatform, ERRNO_SYMBOL, openDenoLibc } from "./deno_libc.ts";
import {
  ADDRINFO_ADDR_OFFSET,
  ADDRINFO_FAMILY_OFFSET,
  ADDRINFO_SIZE,
  AF_INET,
  bindWith,
  type SocketLibc,
} from "./_socket.ts";
import { cString } from "./_syslog.ts";
import type { BoundSocket, Endpoint } from "./types.ts";

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  getaddrinfo: { parameters: ["buffer", "pointer", "buffer", "buffer"], result: "i32" },
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  gai_strerror: { parameters: ["i32"], result: "pointer" },
  __errno_location: ERRNO_SYMBOL,
} as const;

/** fcntl(2) command: duplicate to the lowest fd >= arg, close-on-exec. */
const F_DUPFD_CLOEXEC = 1030;

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let symbols: Symbols | null | undefined;

function openLibc(): Symbols {
  if (symbols === undefined) {
    symbols = denoPlatform.linuxSyscalls ? openDenoLibc(SYMBOLS) : null;
  }
  if (symbols === null) {
    throw new RuntimeError(`bindSocket: not available on ${denoPlatform.os} (needs Linux libc through FFI)`, "ENOSYS");
  }
  return symbols;
}

function errno(lib: Symbols): number {
  const where = lib.__errno_location();
  return where === null ? 0 : new Deno.UnsafePointerView(where).getInt32();
}

function lookupIpv4(lib: Symbols, host: string): Uint8Array | number {
  const hints = new Uint8Array(ADDRINFO_SIZE);
  new DataView(hints.buffer).setInt32(ADDRINFO_FAMILY_OFFSET, AF_INET, true);
  const result = new BigUint64Array(1);
  const code = lib.getaddrinfo(cString(host), null, hints, result);
  if (code !== 0) return code;
  const list = Deno.UnsafePointer.create(result[0]!);
  try {
    const addr = list === null ? null : new Deno.UnsafePointerView(list).getPointer(ADDRINFO_ADDR_OFFSET);
    if (addr === null) return -2;
    return new Uint8Array(new Deno.UnsafePointerView(addr).getArrayBuffer(4, 4)).slice();
  } finally {
    lib.freeaddrinfo(list);
  }
}

function socketLibc(lib: Symbols): SocketLibc {
  return {
    socket: (domain, type, protocol) => lib.socket(domain, type, protocol),
    setsockopt: (fd, level, name, value) => lib.setsockopt(fd, level, name, value, value.length),
    bind: (fd, addr) => lib.bind(fd, addr, addr.length),
    listen: (fd, backlog) => lib.listen(fd, backlog),
    close: (fd) => lib.close(fd),
    errno: () => errno(lib),
    lookupIpv4: (host) => lookupIpv4(lib, host),
    gaiStrerror(code) {
      const text = lib.gai_strerror(code);
      return text === null ? `Unknown error ${code}` : Deno.UnsafePointerView.getCString(text);
    },
  };
}

/** `Runtime.bindSocket` on Deno. */
export function denoBindSocket(at: Endpoint): BoundSocket {
  return bindWith(socketLibc(openLibc()), at);
}

/**
 * Runs the synchronous `spawn` with `socket` on this process's fd 0, so the
 * child inherits it there; the previous fd 0 (or its absence) is restored
 * before returning, whether `spawn` succeeded or threw.
 */
export function withStdinSocket<T>(socket: BoundSocket, spawn: () => T): T {
  const lib = openLibc();
  // The copy of fd 0 is close-on-exec, so the child does not get it too.
  const saved = lib.fcntl(0, F_DUPFD_CLOEXEC, 3);
  if (lib.dup2(socket.fd, 0) < 0) {
    if (saved >= 0) lib.close(saved);
    throw new RuntimeError("dup2 onto fd 0 failed", "EBADF");
  }
  try {
    return spawn();
  } finally {
    if (saved >= 0) {
      lib.dup2(saved, 0);
      lib.close(saved);
    } else {
      lib.close(0);
    }
  }
}
