/**
 * Listening sockets for `Runtime.bindSocket`, the part both adapters share:
 * the Linux constants, `struct sockaddr_un` and `struct sockaddr_in` as
 * bytes, the IPv4 parse that spares a name lookup, and the socket/bind/
 * listen/close sequence over a small libc interface that each adapter
 * implements with its own FFI (deno_socket.ts, bun_socket.ts).
 *
 * Sockets are created with SOCK_CLOEXEC: a child gets one only when the
 * adapter puts it on the child's fd 0 (dup2 clears the flag on the copy).
 *
 * Python counterpart: supervisor/datatypes.py (`InetStreamSocketConfig`,
 * `UnixStreamSocketConfig.create_and_bind`) and the C socket module's
 * address parsing (`setipaddr`, AF_UNIX path length).
 * @module
 */

import { AddressLookupError, errnoName, errorForCode, type RuntimeError, strerror } from "./errors.ts";
import type { BoundSocket, Endpoint } from "./types.ts";

export const AF_UNIX = 1;
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;

/** Bytes of `sun_path` in `struct sockaddr_un` on Linux. */
export const SUN_PATH_BYTES = 108;

/** `struct addrinfo` on 64-bit Linux: size and the offset of `ai_addr`. */
export const ADDRINFO_SIZE = 48;
export const ADDRINFO_FAMILY_OFFSET = 4;
export const ADDRINFO_ADDR_OFFSET = 24;

/** The libc calls behind a bound socket, as an adapter's FFI reaches them. */
export interface SocketLibc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  bind(fd: number, addr: Uint8Array): number;
  listen(fd: number, backlog: number): number;
  close(fd: number): number;
  /** errno of the call that just failed. */
  errno(): number;
  /**
   * getaddrinfo(host, NULL, {ai_family: AF_INET}): the first address's four
   * bytes, or the EAI_* code it failed with.
   */
  lookupIpv4(host: string): Uint8Array | number;
  /** gai_strerror(code). */
  gaiStrerror(code: number): string;
}

const encoder = new TextEncoder();

/**
 * `struct sockaddr_un` for `path` (NUL-terminated). Python refuses a path of
 * 108 bytes or more before calling bind(2); so does this (ENAMETOOLONG).
 */
export function sockaddrUn(path: string): Uint8Array {
  const bytes = encoder.encode(path);
  if (bytes.length >= SUN_PATH_BYTES) {
    throw errorForCode("ENAMETOOLONG", `bind ${path}: AF_UNIX path too long`);
  }
  const addr = new Uint8Array(2 + bytes.length + 1);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(bytes, 2);
  return addr;
}

/** `struct sockaddr_in` for four address bytes and a port. */
export function sockaddrIn(ip: Uint8Array, port: number): Uint8Array {
  const addr = new Uint8Array(16);
  const view = new DataView(addr.buffer);
  view.setUint16(0, AF_INET, true);
  view.setUint16(2, port, false);
  addr.set(ip.subarray(0, 4), 4);
  return addr;
}

/**
 * The four bytes of a dotted-quad IPv4 address as inet_pton(3) accepts it
 * (four decimal parts 0..255, no leading zeros), else null: Python's
 * `setipaddr` tries this before any name lookup.
 */
export function parseIpv4(host: string): Uint8Array | null {
  const parts = host.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    out[i] = Number(part);
  }
  return out;
}

function failure(lib: SocketLibc, what: string): RuntimeError {
  const code = errnoName(lib.errno()) ?? "EIO";
  return errorForCode(code, `${what}: ${strerror(code) ?? code}`);
}

/** The IPv4 address Python's bind would use for `host` ("" is INADDR_ANY). */
function resolveIpv4(lib: SocketLibc, host: string): Uint8Array {
  if (host === "") return new Uint8Array(4);
  if (host === "<broadcast>") return new Uint8Array([255, 255, 255, 255]);
  const numeric = parseIpv4(host);
  if (numeric !== null) return numeric;
  const found = lib.lookupIpv4(host);
  if (typeof found === "number") throw new AddressLookupError(found, lib.gaiStrerror(found), host);
  return found;
}

/**
 * socket(2) and bind(2) for `at` through `lib`: a blocking, close-on-exec
 * stream socket, SO_REUSEADDR for TCP. The descriptor is closed again when
 * binding fails.
 */
export function bindWith(lib: SocketLibc, at: Endpoint): BoundSocket {
  const tcp = at.transport === "tcp";
  const where = tcp ? `${at.hostname}:${at.port}` : at.path;
  const addr = tcp ? sockaddrIn(resolveIpv4(lib, at.hostname), at.port) : sockaddrUn(at.path);
  const fd = lib.socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw failure(lib, `socket ${where}`);
  if (tcp && lib.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new Uint8Array(new Int32Array([1]).buffer)) !== 0) {
    const e = failure(lib, `setsockopt ${where}`);
    lib.close(fd);
    throw e;
  }
  if (lib.bind(fd, addr) !== 0) {
    const e = failure(lib, `bind ${where}`);
    lib.close(fd);
    throw e;
  }
  let open = true;
  return {
    fd,
    listen(backlog) {
      if (lib.listen(fd, backlog) !== 0) throw failure(lib, `listen ${where}`);
    },
    close() {
      if (!open) return;
      open = false;
      lib.close(fd);
    },
  };
}
