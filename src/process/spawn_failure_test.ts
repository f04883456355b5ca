import assert from "node:assert/strict";
import { PermissionDeniedError, RuntimeError } from "../runtime/types.ts";
import { spawnFailureText } from "./spawn_failure.ts";

Deno.test("[PROC.spawnerr] spawn failures by errno, with the process name as Python prints it", () => {
  const err = (code: string) => new RuntimeError(`spawn: ${code}`, code);
  assert.equal(spawnFailureText("web", err("EMFILE")), "too many open files to spawn 'web'");
  assert.equal(spawnFailureText("web", err("EAGAIN")), "Too many processes in process table to spawn 'web'");
  assert.equal(spawnFailureText("web", err("ENOMEM")), "unknown error during fork for 'web': ENOMEM");
  assert.equal(spawnFailureText("it's", err("ENOMEM")), "unknown error during fork for 'it's': ENOMEM");
  assert.equal(
    spawnFailureText("web", new PermissionDeniedError("x", "EPERM")),
    "unknown error during fork for 'web': EPERM",
  );
});

Deno.test("[PROC.spawnerr] ENFILE reads as a pipe-creation failure, as only pipe() raises it in Python", () => {
  assert.equal(
    spawnFailureText("web", new RuntimeError("pipe", "ENFILE")),
    "unknown error making dispatchers for 'web': ENFILE",
  );
});

Deno.test("spawnFailureText() falls back to the errno number, then to UNKNOWN", () => {
  const numbered = new RuntimeError("x", "UNKNOWN");
  Object.defineProperty(numbered, "errno", { value: 200 });
  assert.equal(spawnFailureText("p", numbered), "unknown error during fork for 'p': 200");
  assert.equal(spawnFailureText("p", new RuntimeError("x", "UNKNOWN")), "unknown error during fork for 'p': UNKNOWN");
  assert.equal(spawnFailureText("p", new TypeError("bad")), "unknown error during fork for 'p': UNKNOWN");
});
