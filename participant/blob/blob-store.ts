import type { Readable } from 'node:stream';
import type { ResourceManager } from '../resource-manager.js';

/**
 * A blob participant's store, as the BlobStore service and the participant runtime drive
 * it: a resource manager for the branches (staged objects, prepared, published by commit)
 * that also receives their bytes and serves what is published. `LocalBlobStore` keeps it
 * in a local directory; another backend (an object store) implements the same promises:
 *
 * - `put` makes the bytes durable as they arrive and checks them; they are seen by no read
 *   until their tx commits;
 * - `prepare` votes yes only once a later `commit` cannot fail whatever crashes;
 * - `get` and `stat` see published objects only, by content address (SHA-256).
 */
export interface BlobStore extends ResourceManager {
  /**
   * Streams `source` into a new staged object of the branch of `txId`, in constant memory.
   * `LimitExceededError` past the object size limit or when the storage is full,
   * `ChecksumMismatchError` when the bytes are not the expected ones (the branch then votes
   * no), `TxNotActiveError` for a branch that is prepared or ended. Nothing of a failed
   * Put is kept. The caller (BranchWork) has enlisted the participant and serializes
   * calls of one tx.
   */
  put(txId: string, source: AsyncIterable<Uint8Array>, expected?: PutExpectation): Promise<PutResult>;
  /**
   * Optional: stages `file` — complete, durable, never to change again, on the store's
   * own disk — as a new object of the branch of `txId` without copying its bytes. A
   * store without it is given the file's bytes through `put`.
   */
  adopt?(txId: string, file: string, expected: { readonly sha256: string; readonly size: number }): Promise<PutResult>;
  /** Size of a published object. `NotFoundError` if it is not published. */
  stat(sha256: string): Promise<{ readonly size: number }>;
  /**
   * Opens a published object for reading, whole or a range. `NotFoundError` if it is not
   * published; `RangeNotSatisfiableError` if the range reaches past its end (a range that
   * starts at the end is empty, not an error).
   */
  get(sha256: string, range?: ByteRange): Promise<BlobRead>;
}

/** What the bytes of a `put` must be; an absent field is not checked. */
export interface PutExpectation {
  /** Lower-case hex SHA-256. */
  readonly sha256?: string;
  readonly size?: number;
}

export interface PutResult {
  /** Lower-case hex SHA-256 of the bytes received. */
  readonly sha256: string;
  readonly size: number;
}

/** Bytes `[offset, offset + length)` of an object; by default all of it. */
export interface ByteRange {
  readonly offset?: number;
  /** Absent: to the end of the object. */
  readonly length?: number;
}

export interface BlobRead {
  readonly objectSize: number;
  readonly offset: number;
  readonly length: number;
  /**
   * The bytes of the range, in chunks of at most `limits.blobGetChunkBytesMax`. Holds an
   * open resource until it ends or is destroyed: consume it or destroy it.
   */
  readonly chunks: Readable;
}
