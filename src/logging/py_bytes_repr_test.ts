import { equal } from "node:assert/strict";
import { pyBytesRepr } from "./py_bytes_repr.ts";

const enc = new TextEncoder();

Deno.test("pyBytesRepr() matches Python's repr() of bytes", () => {
  // Expected values printed by python3 `repr(b'...')`.
  equal(pyBytesRepr(new Uint8Array()), "b''");
  equal(pyBytesRepr(enc.encode("it's")), `b"it's"`);
  equal(pyBytesRepr(enc.encode('say "hi"')), `b'say "hi"'`);
  equal(pyBytesRepr(enc.encode(`both ' and "`)), `b'both \\' and "'`);
  equal(pyBytesRepr(Uint8Array.of(0, 0x7f, 0xff, 9, 10, 13, 0x5c)), "b'\\x00\\x7f\\xff\\t\\n\\r\\\\'");
  equal(pyBytesRepr(enc.encode("ok\n")), "b'ok\\n'");
});
