/**
 * Assertions for what cannot happen (STYLE.md rule 6: assert bugs, return
 * failures). A failed assertion throws `AssertionError`; callers never catch it
 * to carry on, because the state that broke the invariant cannot be trusted.
 */
import { AssertionError } from './assertion-error.js';

export { AssertionError } from './assertion-error.js';

/**
 * Throws `AssertionError` unless `cond` is truthy; narrows `cond` afterwards.
 * `message` says what must be true, e.g. `tx ${txId} is preparing`.
 */
export function assert(cond: unknown, message: string): asserts cond {
  if (cond) return;
  const error = new AssertionError(message);
  // the frame of `assert` itself says nothing: start the stack at the caller
  Error.captureStackTrace(error, assert);
  throw error;
}

/**
 * Ends a `switch` over a discriminated union (STYLE.md rule 4): the compiler
 * rejects the call when a case is missing, and at run time it throws if a value
 * outside the union arrives anyway (e.g. from an unchecked cast or a newer peer).
 */
export function assertNever(x: never, message = 'unexpected value'): never {
  const error = new AssertionError(`${message}: ${describe(x)}`);
  Error.captureStackTrace(error, assertNever);
  throw error;
}

/** Best-effort rendering: the value is by definition one we did not expect. */
function describe(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    // cyclic structures and BigInts cannot be serialized; the type tag still helps
    return Object.prototype.toString.call(x);
  }
}
