/**
 * Shared, host-free part of `Runtime.sendDatagram`: one datagram to a unix
 * datagram socket (what sd_notify(3) does with NOTIFY_SOCKET), through libc
 * socket/sendto/close with the Linux `struct sockaddr_un`. A name starting
 * with `@` is an abstract socket (its first byte becomes NUL), as systemd
 * spells those in NOTIFY_SOCKET.
 *
 * Python counterpart: none (supervisord 4.2.5 has no sd_notify; the
 * `socket` module's AF_UNIX/SOCK_DGRAM `sendto` is the equivalent).
 * @module
 */

import { errnoName, errorForCode, type RuntimeError, strerror } from "./errors.ts";
import { AF_UNIX, SOCK_CLOEXEC, SUN_PATH_BYTES } from "./_socket.ts";

/** socket(2) type for datagrams. */
export const SOCK_DGRAM = 2;
/** sendto(2) flag: no SIGPIPE. */
export const MSG_NOSIGNAL = 0x4000;

/** The libc calls a datagram send needs, as each adapter opens them. */
export interface DatagramLibc {
  socket(domain: number, type: number, protocol: number): number;
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array, addrlen: number): number;
  close(fd: number): number;
  /** errno of the call that just failed. */
  errno(): number;
}

const encoder = new TextEncoder();

/**
 * `struct sockaddr_un` for `path`: a filesystem path (NUL-terminated), or
 * for `@name` an abstract name (leading NUL, no terminator; the address
 * length counts exactly its bytes).
 */
export function datagramAddress(path: string): Uint8Array {
  const abstract = path.startsWith("@");
  const bytes = encoder.encode(abstract ? path.slice(1) : path);
  if (path === "" || bytes.length + 1 > SUN_PATH_BYTES) {
    throw errorForCode(path === "" ? "EINVAL" : "ENAMETOOLONG", `sendto ${path}: bad AF_UNIX address`);
  }
  const addr = new Uint8Array(3 + bytes.length); // family, then NUL + name or path + NUL
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(bytes, abstract ? 3 : 2);
  return addr;
}

function failure(lib: DatagramLibc, what: string): RuntimeError {
  const code = errnoName(lib.errno()) ?? "EIO";
  return errorForCode(code, `${what}: ${strerror(code) ?? code}`);
}

/** Sends `data` as one datagram to `path`; throws the RuntimeError of a failed call. */
export function sendDatagramWith(lib: DatagramLibc, path: string, data: Uint8Array): void {
  const addr = datagramAddress(path);
  const fd = lib.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw failure(lib, `socket ${path}`);
  try {
    if (lib.sendto(fd, data, data.length, MSG_NOSIGNAL, addr, addr.length) < 0) throw failure(lib, `sendto ${path}`);
  } finally {
    lib.close(fd);
  }
}
