/** The caller gave up (its deadline passed, or it cancelled) while waiting for its turn; the section did not run. */
export class KeyWaitAbandonedError extends Error {
  override readonly name = 'KeyWaitAbandonedError';

  constructor(
    readonly key: string,
    readonly why: 'deadline' | 'cancelled',
  ) {
    super(why === 'deadline' ? `the deadline passed while waiting for ${key}` : `the call was cancelled while waiting for ${key}`);
  }
}
