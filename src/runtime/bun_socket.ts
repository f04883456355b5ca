/**
 * Bun adapter, bound sockets (see _socket.ts): libc socket/setsockopt/
 * bind/listen/close and getaddrinfo through `bun:ffi` (loaded lazily with
 * `import.meta.require`, so Deno can import this file and type-check it;
 * works in `bun build --compile` binaries). `Bun.spawn` takes the socket's
 * descriptor as a child's stdin directly (bun_spawn.ts).
 *
 * Python counterpart: the `socket` module as supervisor/datatypes.py
 * (`SocketConfig.create_and_bind`) uses it.
 * @module
 */

import { RuntimeError } from "./errors.ts";
import { bunPlatform, openBunLibc } from "./bun_libc.ts";
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

/** The slice of `bun:ffi` used here. */
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
  read: { i32(ptr: number, offset: number): number; ptr(ptr: number, offset: number): number };
  toArrayBuffer(ptr: number, offset: number, length: number): ArrayBuffer;
}

let libc: SocketLibc | null | undefined;

function open(): SocketLibc | null {
  const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
  const lib = openBunLibc({
    socket: { args: ["i32", "i32", "i32"], returns: "i32" },
    setsockopt: { args: ["i32", "i32", "i32", "ptr", "u32"], returns: "i32" },
    bind: { args: ["i32", "ptr", "u32"], returns: "i32" },
    listen: { args: ["i32", "i32"], returns: "i32" },
    close: { args: ["i32"], returns: "i32" },
    getaddrinfo: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "i32" },
    freeaddrinfo: { args: ["ptr"], returns: "void" },
    gai_strerror: { args: ["i32"], returns: "cstring" },
  });
  if (lib === null) return null;
  const s = lib.symbols;
  const call = (name: string, ...args: unknown[]) => s[name]!(...args);
  const lookupIpv4 = (host: string): Uint8Array | number => {
    const hints = new Uint8Array(ADDRINFO_SIZE);
    new DataView(hints.buffer).setInt32(ADDRINFO_FAMILY_OFFSET, AF_INET, true);
    const result = new BigUint64Array(1);
    const code = call("getaddrinfo", cString(host), null, hints, result) as number;
    if (code !== 0) return code;
    const list = Number(result[0]!);
    try {
      const addr = list === 0 ? 0 : ffi.read.ptr(list, ADDRINFO_ADDR_OFFSET);
      if (addr === 0) return -2;
      return new Uint8Array(ffi.toArrayBuffer(addr, 4, 4)).slice();
    } finally {
      if (list !== 0) call("freeaddrinfo", list);
    }
  };
  return {
    socket: (domain, type, protocol) => call("socket", domain, type, protocol) as number,
    setsockopt: (fd, level, name, value) => call("setsockopt", fd, level, name, value, value.length) as number,
    bind: (fd, addr) => call("bind", fd, addr, addr.length) as number,
    listen: (fd, backlog) => call("listen", fd, backlog) as number,
    close: (fd) => call("close", fd) as number,
    errno: lib.errno,
    lookupIpv4,
    gaiStrerror: (code) => String(call("gai_strerror", code)),
  };
}

function openLibc(): SocketLibc {
  if (libc === undefined) {
    libc = null;
    if (bunPlatform.linuxSyscalls) {
      try {
        libc = open();
      } catch {
        libc = null;
      }
    }
  }
  if (libc === null) {
    throw new RuntimeError(`bindSocket: not available on ${bunPlatform.os} (needs Linux libc through FFI)`, "ENOSYS");
  }
  return libc;
}

/** `Runtime.bindSocket` on Bun. */
export function bunBindSocket(at: Endpoint): BoundSocket {
  return bindWith(openLibc(), at);
}
