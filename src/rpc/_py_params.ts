/**
 * What supervisord's methods do with parameters of an unexpected type, so
 * our answers match its answers (checked against 4.2.5 with raw calls):
 *
 * - a process name goes through `split_namespec(name)`, which calls
 *   `name.split(':')`: a non-string raises AttributeError (HTTP 500; in a
 *   multicall `FAILED: <class 'AttributeError'>:'int' object has no
 *   attribute 'split'`);
 * - a group name is a dict key (`process_groups.get(name)`): a list or
 *   struct raises TypeError, which the dispatcher turns into a bare
 *   INCORRECT_PARAMETERS; any other non-string simply finds no group
 *   (`BAD_NAME: 5`);
 * - a signal goes through `signal_number(value)`: `int(value)` first (so
 *   `18.7` is 18 and `True` is 1), then `value.strip()` (AttributeError for
 *   lists, structs, None, dates), then the name table (BAD_SIGNAL);
 * - `wait` is used for its truth value (`[]`, `{}`, `""`, `0` are false).
 *
 * Python counterpart: supervisor/options.py (`split_namespec`),
 * supervisor/datatypes.py (`signal_number`), supervisor/xmlrpc.py
 * (`traverse` turning TypeError into INCORRECT_PARAMETERS).
 * @module
 */

import { signalNumber } from "../config/datatypes.ts";
import { Faults, RpcError } from "./faults.ts";
import { Double, isStruct, pyStr, pyTypeName, type XmlRpcValue } from "./xmlrpc_value.ts";

/** A Python exception that is not a fault: HTTP 500, or `FAILED: <class 'Name'>:message` in a multicall. */
export function pyException(pyClass: string, message: string): Error {
  const e = new Error(message);
  e.name = pyClass;
  return e;
}

/** A process namespec parameter (`split_namespec`): strings only. */
export function namespecParam(v: XmlRpcValue | undefined): string {
  if (typeof v === "string") return v;
  throw pyException("AttributeError", `'${pyTypeName(v)}' object has no attribute 'split'`);
}

/**
 * A group name parameter used as a dict key: the name, or null for a
 * hashable non-string (which names no group; BAD_NAME carries `str(value)`).
 *
 * @throws {RpcError} INCORRECT_PARAMETERS for a list or struct (unhashable).
 */
export function groupParam(v: XmlRpcValue | undefined): string | null {
  if (typeof v === "string") return v;
  if (Array.isArray(v) || isStruct(v) || v instanceof Map) throw new RpcError(Faults.INCORRECT_PARAMETERS);
  return null;
}

/** Python `int(value)` for the values `signal_number` may meet; null where `int()` raises. */
function pyInt(v: XmlRpcValue): string | null {
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v instanceof Double) {
    if (Number.isNaN(v.value)) return null;
    if (!Number.isFinite(v.value)) {
      throw pyException("OverflowError", "cannot convert float infinity to integer");
    }
    return String(Math.trunc(v.value));
  }
  return null;
}

/**
 * A signal parameter (`signal_number`): name or number.
 *
 * @throws {RpcError} BAD_SIGNAL when it names no signal.
 * @throws {Error} AttributeError (a Python exception) for values with no `strip()`.
 */
export function signalParam(v: XmlRpcValue): number {
  const asInt = pyInt(v);
  if (asInt === null && typeof v !== "string") {
    throw pyException("AttributeError", `'${pyTypeName(v)}' object has no attribute 'strip'`);
  }
  try {
    return signalNumber(asInt ?? (v as string));
  } catch {
    throw new RpcError(Faults.BAD_SIGNAL, pyStr(v));
  }
}

/** Python truth value of an optional flag parameter (absent: the default). */
export function truthParam(v: XmlRpcValue | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (v === null) return false;
  if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
  if (v instanceof Double) return v.value !== 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Date) return true;
  if (isStruct(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}
