import { equal, ok } from "node:assert/strict";
import { faultName, Faults, RpcError } from "./faults.ts";

Deno.test("[FAULT.table] the fault table has supervisord's 18 names and codes, and no code 5", () => {
  equal(Object.keys(Faults).length, 18);
  equal(Faults.UNKNOWN_METHOD, 1);
  equal(Faults.SHUTDOWN_STATE, 6);
  equal(Faults.CANT_REREAD, 92);
  equal(faultName(10), "BAD_NAME");
  equal(faultName(5), "UNKNOWN");
  equal(faultName(999), "UNKNOWN");
});

Deno.test("[FAULT.table] RpcError's message is NAME or NAME: detail", () => {
  const bare = new RpcError(Faults.INCORRECT_PARAMETERS);
  equal(bare.message, "INCORRECT_PARAMETERS");
  equal(bare.faultString, "INCORRECT_PARAMETERS");
  equal(bare.code, 2);
  const detailed = new RpcError(Faults.BAD_NAME, "grp:*");
  equal(detailed.message, "BAD_NAME: grp:*");
  equal(new RpcError(Faults.NO_FILE, "").message, "NO_FILE: ");
  equal(new RpcError(77).message, "UNKNOWN");
  ok(detailed instanceof Error);
  equal(detailed.name, "RpcError");
});
