/**
 * An UNSAFE failpoint (one that breaks a guarantee on purpose, such as committing before
 * the decision is durable) was armed in a process not started to allow it
 * (`--unsafe-failpoints`). Nothing of the spec was armed.
 */
export class UnsafeFailpointError extends Error {
  override readonly name = 'UnsafeFailpointError';

  constructor(
    /** The unsafe names that were asked for, sorted. */
    readonly names: readonly string[],
  ) {
    super(
      `failpoint${names.length === 1 ? '' : 's'} ${names.join(', ')} break${names.length === 1 ? 's' : ''} a guarantee on purpose` +
        ' and can be armed only in a process started with --unsafe-failpoints',
    );
  }
}
