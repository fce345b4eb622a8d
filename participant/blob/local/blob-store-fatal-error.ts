/**
 * An fsync failed. The store stops for good: after a failed fsync the kernel may have
 * dropped the dirty pages and cleared the error (fsyncgate), so a retry could report
 * durability for bytes that are gone. Only a restart, which sees what really reached the
 * disk, is safe.
 */
export class BlobStoreFatalError extends Error {
  override readonly name = 'BlobStoreFatalError';
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    super(`fsync of ${path} failed; the blob store is stopped`, options);
  }
}
