/**
 * Bun adapter, `Runtime.sendDatagram` (see _datagram.ts): libc
 * socket/sendto/close through `bun:ffi` (bun_libc.ts). Where the platform
 * has no Linux socket layout or FFI cannot reach libc, it throws ENOSYS.
 *
 * Python counterpart: none (the `socket` module's AF_UNIX `sendto`).
 * @module
 */

import { RuntimeError } from "./errors.ts";
import { type DatagramLibc, sendDatagramWith } from "./_datagram.ts";
import { bunPlatform, openBunLibc } from "./bun_libc.ts";

let libc: DatagramLibc | null | undefined;

function openLibc(): DatagramLibc {
  if (libc === undefined) {
    const lib = bunPlatform.linuxSyscalls
      ? openBunLibc({
        socket: { args: ["i32", "i32", "i32"], returns: "i32" },
        sendto: { args: ["i32", "ptr", "u64", "i32", "ptr", "u32"], returns: "i64" },
        close: { args: ["i32"], returns: "i32" },
      })
      : null;
    libc = lib === null ? null : {
      socket: (d, t, p) => lib.symbols.socket!(d, t, p) as number,
      sendto: (fd, buf, len, flags, addr, addrlen) =>
        Number(lib.symbols.sendto!(fd, buf, len, flags, addr, addrlen) as number | bigint),
      close: (fd) => lib.symbols.close!(fd) as number,
      errno: lib.errno,
    };
  }
  if (libc === null) throw new RuntimeError(`sendDatagram: not available on ${bunPlatform.os}`, "ENOSYS");
  return libc;
}

/** `Runtime.sendDatagram` on Bun. */
export function bunSendDatagram(path: string, data: Uint8Array): void {
  sendDatagramWith(openLibc(), path, data);
}
