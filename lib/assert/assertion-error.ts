/**
 * A broken invariant: a bug in this program, never a runtime failure.
 *
 * Kept apart from the typed failure errors (participant unavailable, log closed,
 * …) so that no `catch` that handles failures can swallow it by accident: code
 * should let an `AssertionError` propagate and stop whatever it was doing.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';

  constructor(message: string, options?: ErrorOptions) {
    super(`assertion failed: ${message}`, options);
  }
}
