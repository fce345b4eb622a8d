/**
 * The fault injected by a failpoint armed with `error`. Code under test must
 * handle it like the real failure the failpoint stands for (a failed write, a
 * lost connection): it is a failure, not a bug.
 */
export class FailpointError extends Error {
  override readonly name = 'FailpointError';

  constructor(
    /** The failpoint that fired. */
    readonly failpoint: string,
  ) {
    super(`failpoint ${failpoint} fired: injected error`);
  }
}
