/**
 * The XML-RPC fault table and the one error class the RPC layer throws.
 *
 * Fault names and codes are part of the wire protocol: clients (the stock
 * supervisorctl among them) read the code and print the text, so both are
 * kept exactly as supervisord 4.2.5 defines them (SURFACE FAULT.table).
 *
 * Python counterpart: supervisor/xmlrpc.py (`Faults`, `getFaultDescription`,
 * `RPCError`).
 * @module
 */

/** Fault codes by name, as supervisor/xmlrpc.py defines them (there is no code 5). */
export const Faults = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

/** A fault name, e.g. `"BAD_NAME"`. */
export type FaultName = keyof typeof Faults;

/** A fault code from {@linkcode Faults}. */
export type FaultCode = typeof Faults[FaultName];

const NAMES: ReadonlyMap<number, FaultName> = new Map(
  (Object.entries(Faults) as [FaultName, FaultCode][]).map(([name, code]) => [code, name]),
);

/**
 * Returns the name of fault `code`, or `"UNKNOWN"` for a code not in the
 * table (Python `getFaultDescription`).
 *
 * @param code A fault code.
 * @returns The fault name, e.g. `"BAD_NAME"` for 10.
 */
export function faultName(code: number): FaultName | "UNKNOWN" {
  return NAMES.get(code) ?? "UNKNOWN";
}

/**
 * An error that goes on the wire as an XML-RPC fault. Its `message` is the
 * fault string: the fault name, or `NAME: detail` (`"BAD_NAME: foo"`), as
 * Python's `RPCError.text` is.
 *
 * @example Raising a fault from a method handler
 * ```ts
 * const handler = (name: string) => {
 *   throw new RpcError(Faults.BAD_NAME, name);
 * };
 * try {
 *   handler("grp:*");
 * } catch (e) {
 *   console.log((e as RpcError).code, (e as RpcError).faultString); // 10 BAD_NAME: grp:*
 * }
 * ```
 */
export class RpcError extends Error {
  /** The fault code. */
  readonly code: number;

  /**
   * Creates the error.
   *
   * @param code The fault code (normally one of {@linkcode Faults}).
   * @param detail Text after `NAME: `; Python renders its `extra` argument
   *   with `str()`, see `pyStr` in py_value.ts for non-string details.
   */
  constructor(code: number, detail?: string) {
    const name = faultName(code);
    super(detail === undefined ? name : `${name}: ${detail}`);
    this.name = "RpcError";
    this.code = code;
  }

  /** The text sent as `faultString` (the same as `message`). */
  get faultString(): string {
    return this.message;
  }
}
