/**
 * A file path that no canonical form can fix (traversal, a backslash, a control
 * character, over a length limit). `problem` says why, for the caller to report in its
 * own terms: the metadata participant as INVALID_ARGUMENT on its `path` field, the
 * gateway as a 400.
 */
export class InvalidPathError extends Error {
  override readonly name = 'InvalidPathError';
  readonly field = 'path';
  constructor(readonly problem: string) {
    super(`invalid path: ${problem}`);
  }
}
