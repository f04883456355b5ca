/**
 * Deno adapter, `Runtime.sendDatagram` (see _datagram.ts): libc
 * socket/sendto/close through `Deno.dlopen` (deno_libc.ts). Where the
 * platform has no Linux socket layout or FFI cannot reach libc, it throws
 * ENOSYS.
 *
 * Python counterpart: none (the `socket` module's AF_UNIX `sendto`).
 * @module
 */

import { RuntimeError } from "./errors.ts";
import { type DatagramLibc, sendDatagramWith } from "./_datagram.ts";
import { denoPlatform, ERRNO_SYMBOL, openDenoLibc } from "./deno_libc.ts";

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "u64", "i32", "buffer", "u32"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: ERRNO_SYMBOL,
} as const;

let libc: DatagramLibc | null | undefined;

function openLibc(): DatagramLibc {
  if (libc === undefined) {
    const lib = denoPlatform.linuxSyscalls ? openDenoLibc(SYMBOLS) : null;
    libc = lib === null ? null : {
      socket: (d, t, p) => lib.socket(d, t, p),
      sendto: (fd, buf, len, flags, addr, addrlen) =>
        Number(
          lib.sendto(fd, buf as Uint8Array<ArrayBuffer>, BigInt(len), flags, addr as Uint8Array<ArrayBuffer>, addrlen),
        ),
      close: (fd) => lib.close(fd),
      errno: () => {
        const where = lib.__errno_location();
        return where === null ? 0 : new Deno.UnsafePointerView(where).getInt32();
      },
    };
  }
  if (libc === null) throw new RuntimeError(`sendDatagram: not available on ${denoPlatform.os}`, "ENOSYS");
  return libc;
}

/** `Runtime.sendDatagram` on Deno. */
export function denoSendDatagram(path: string, data: Uint8Array): void {
  sendDatagramWith(openLibc(), path, data);
}
