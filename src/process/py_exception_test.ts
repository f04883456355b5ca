import { equal } from "node:assert/strict";
import { AddressLookupError, errorForCode, RuntimeError } from "../runtime/errors.ts";
import { osError, PyException, tracebackText } from "./py_exception.ts";

Deno.test("osError() gives Python's OSError subclass and text, with the file name for path calls", () => {
  const line = (e: unknown, path?: string) => osError(e, path).lastLine;
  equal(line(errorForCode("ENOENT", "x")), "FileNotFoundError: [Errno 2] No such file or directory");
  equal(line(errorForCode("EADDRINUSE", "x")), "OSError: [Errno 98] Address already in use");
  equal(
    line(errorForCode("EPERM", "x"), "/run/a b.sock"),
    "PermissionError: [Errno 1] Operation not permitted: '/run/a b.sock'",
  );
  equal(line(errorForCode("EISDIR", "x"), "/d"), "IsADirectoryError: [Errno 21] Is a directory: '/d'");
  equal(
    line(new AddressLookupError(-2, "Name or service not known", "h")),
    "socket.gaierror: [Errno -2] Name or service not known",
  );
  equal(line(new RuntimeError("no text for this one", "EWHATEVER")), "OSError: no text for this one");
  const own = new PyException("ValueError", "kept");
  equal(osError(own), own);
});

Deno.test("tracebackText() is the traceback header and the exception's line", () => {
  equal(
    tracebackText(new PyException("OSError", "AF_UNIX path too long")),
    "Traceback (most recent call last):\nOSError: AF_UNIX path too long\n",
  );
});
