/**
 * Assertions for the contract suite. The suite lives in core code (not a
 * `*_test.ts` file), so it cannot import `node:assert`; these cover what it
 * needs, with the same names and argument order.
 *
 * Python counterpart: none (test support).
 * @module
 */

/** Thrown when a contract assertion fails. */
export class ContractAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractAssertionError";
  }
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function fail(message: string | undefined, detail: string): never {
  throw new ContractAssertionError(message === undefined ? detail : `${message}: ${detail}`);
}

/** Structural equality over primitives, arrays and plain objects. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && same(ra[k], rb[k]));
}

/** Asserts `value` is truthy. */
export function ok(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

/** Asserts `Object.is(actual, expected)`. */
export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Asserts `!Object.is(actual, expected)`. */
export function notEqual<T>(actual: T, expected: T, message?: string): void {
  if (Object.is(actual, expected)) fail(message, `expected anything but ${show(expected)}`);
}

/** Asserts structural equality. */
export function deepEqual<T>(actual: T, expected: T, message?: string): void {
  if (!same(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Asserts `text` matches `re`. */
export function match(text: string, re: RegExp, message?: string): void {
  if (!re.test(text)) fail(message, `${show(text)} does not match ${re}`);
}

/** Asserts `fn` throws a value accepted by `check`. */
export function throws(fn: () => unknown, check: (e: unknown) => boolean, message?: string): void {
  try {
    fn();
  } catch (e) {
    if (!check(e)) fail(message, `unexpected error ${String(e)}`);
    return;
  }
  fail(message, "expected an error, none was thrown");
}

/** Asserts `promise` rejects with a value accepted by `check`. */
export async function rejects(
  promise: Promise<unknown>,
  check: (e: unknown) => boolean,
  message?: string,
): Promise<void> {
  try {
    await promise;
  } catch (e) {
    if (!check(e)) fail(message, `unexpected error ${String(e)}`);
    return;
  }
  fail(message, "expected a rejection, the promise resolved");
}
