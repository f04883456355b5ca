import assert from "node:assert/strict";
import { errnoCodeOf, mapError } from "./_map_error.ts";
import { argv0FromCmdline, writeAllSync } from "./_io.ts";
import {
  AddressInUseError,
  ConnectionRefusedError,
  NoSuchProcessError,
  NotFoundError,
  PermissionDeniedError,
  RuntimeError,
} from "./errors.ts";

function err(props: { code?: string; name?: string; message?: string }): Error {
  return Object.assign(new Error(props.message ?? ""), props);
}

Deno.test("errnoCodeOf() reads code, '(os error N)', a leading errno name, or Deno's class name", () => {
  assert.equal(errnoCodeOf(err({ code: "ENOENT" })), "ENOENT");
  assert.equal(
    errnoCodeOf(err({ message: "client error (Connect): Connection refused (os error 111)" })),
    "ECONNREFUSED",
  );
  assert.equal(errnoCodeOf(err({ name: "NotFound", message: "ESRCH: No such process" })), "ESRCH");
  assert.equal(errnoCodeOf(err({ name: "AddrInUse", message: "Address in use" })), "EADDRINUSE");
  assert.equal(errnoCodeOf(err({ code: "ERR_INVALID_ARG_TYPE" })), undefined);
  assert.equal(errnoCodeOf("text"), undefined);
});

Deno.test("mapError() converts host errors by errno and leaves other errors alone", () => {
  const cause = err({ code: "ENOENT", message: "no such file" });
  const mapped = mapError(cause, "stat '/x'");
  assert.ok(mapped instanceof NotFoundError);
  assert.equal(mapped.message, "stat '/x': no such file");
  assert.equal(mapped.cause, cause);
  assert.equal(mapped.errno, 2);
  assert.ok(mapError(err({ code: "EPERM" })) instanceof PermissionDeniedError);
  assert.equal((mapError(err({ code: "EPERM" })) as RuntimeError).code, "EPERM");
  assert.ok(mapError(err({ code: "ESRCH" })) instanceof NoSuchProcessError);
  assert.ok(mapError(err({ code: "ECONNREFUSED" })) instanceof ConnectionRefusedError);
  assert.ok(mapError(err({ code: "EADDRINUSE" })) instanceof AddressInUseError);
  const other = mapError(err({ code: "ENOSPC" }));
  assert.ok(other instanceof RuntimeError && other.code === "ENOSPC" && other.errno === 28);
  const bug = new TypeError("x is undefined");
  assert.equal(mapError(bug), bug);
  assert.equal(mapError(mapped), mapped);
});

Deno.test("writeAllSync() survives partial writes and EAGAIN", () => {
  const written: number[] = [];
  let calls = 0;
  writeAllSync((chunk) => {
    calls++;
    if (calls === 2) throw err({ code: "EAGAIN" });
    const n = Math.min(3, chunk.length);
    written.push(...chunk.subarray(0, n));
    return n;
  }, new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
  assert.deepEqual(written, [1, 2, 3, 4, 5, 6, 7]);
  assert.throws(() =>
    writeAllSync(() => {
      throw err({ code: "EBADF" });
    }, new Uint8Array(1)), /./);
});

Deno.test("argv0FromCmdline() returns the first NUL-separated field", () => {
  const enc = new TextEncoder();
  assert.equal(argv0FromCmdline(enc.encode("supervisorctl\0status\0")), "supervisorctl");
  assert.equal(argv0FromCmdline(enc.encode("/usr/bin/x")), "/usr/bin/x");
  assert.equal(argv0FromCmdline(new Uint8Array(0)), undefined);
});
