/**
 * A manifest or commit record cannot be read. Both are written by tmp file + fsync +
 * rename, so a crash cannot tear them: this is damage or tampering, and guessing would
 * either drop a yes vote or publish bytes nobody voted for. The store refuses instead.
 */
export class ManifestCorruptError extends Error {
  override readonly name = 'ManifestCorruptError';
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`blob manifest ${path} is corrupt: ${detail}`, options);
  }
}
