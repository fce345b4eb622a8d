/** A new revision of a file, written inside a tx. */
export interface StageRevisionInput {
  /** 1–128 characters of [A-Za-z0-9._-]. */
  readonly namespace: string;
  /** Normalized on the way in (see normalizePath); the response and reads use the normalized form. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
  readonly size: number;
  /** Empty means `application/octet-stream`. */
  readonly contentType: string;
  /** Write only if the file exists and its current revision is exactly this; 0 or absent: no condition. */
  readonly ifMatchRevision?: number;
  /** Write only if no live file is at the path (absent or deleted). */
  readonly ifNoneMatch?: boolean;
}

/** A tombstone, written inside a tx. */
export interface DeleteFileInput {
  readonly namespace: string;
  readonly path: string;
  /** Delete only if the current revision is exactly this; 0 or absent: no condition. */
  readonly ifMatchRevision?: number;
}

/** One committed revision of a file. */
export interface FileRevisionRecord {
  readonly namespace: string;
  readonly path: string;
  /** From 1, one per write, deletes included. */
  readonly revision: number;
  /** Empty for a tombstone. */
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  /** When the revision was staged inside its tx (Unix ms): before its commit, by at most the tx's lifetime. */
  readonly createdAtMs: number;
  readonly txId: string;
  /** A tombstone: the file was deleted by this revision. */
  readonly deleted: boolean;
}

/** One entry of the change feed: a committed revision and its place in the feed. */
export interface ChangeRecord {
  /** Increasing in the order changes became visible (see ChangeFeed). */
  readonly cursor: number;
  readonly revision: FileRevisionRecord;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back for the next page; empty on the last one. */
  readonly nextPageToken: string;
}

/**
 * Files and their revisions, as the Metadata service sees them. Writes happen inside a
 * tx and stay invisible until it commits; reads see committed data only. Every method
 * throws `InvalidInputError` for bad input, before anything is stored.
 */
export interface MetadataStore {
  /**
   * Adds a new revision (current + 1) of a file in the branch of `txId`, opening the
   * branch on its first write. The file's row stays locked until the tx ends, so
   * concurrent writers of one path serialize. Throws `PreconditionFailedError` when
   * If-Match / If-None-Match does not hold, `WriteConflictError` when the lock is not
   * granted within the lock timeout, `LimitExceededError` past the open branch or per
   * branch write limit. A failed write is undone alone: earlier writes of the tx stay.
   */
  stageRevision(txId: string, input: StageRevisionInput): Promise<{ readonly revision: number; readonly created: boolean }>;

  /**
   * Adds a tombstone revision in the branch of `txId`. Throws `NotFoundError` when no
   * live file is at the path; otherwise as `stageRevision`.
   */
  deleteFile(txId: string, input: DeleteFileInput): Promise<{ readonly revision: number }>;

  /** The latest committed revision of a live file, or the revision named. `NotFoundError` if absent, deleted or a tombstone. */
  getFile(namespace: string, path: string, revision?: number): Promise<FileRevisionRecord>;

  /** Committed revisions of a file, newest first, tombstones included; empty for an unknown file. */
  listRevisions(namespace: string, path: string, pageSize: number, pageToken: string): Promise<Page<FileRevisionRecord>>;

  /** The latest revision of each committed live file whose path starts with `prefix`, in byte order of the path. */
  listFiles(namespace: string, prefix: string, pageSize: number, pageToken: string): Promise<Page<FileRevisionRecord>>;

  /** The first committed revision `txId` wrote (tombstones included). `NotFoundError` when it wrote none. */
  getTransactionRevision(txId: string): Promise<FileRevisionRecord>;
  /** The change feed of a namespace after `afterCursor` (0: from the start), at most `limit` changes, in cursor order. */
  readChanges(namespace: string, afterCursor: number, limit: number): Promise<ChangeRecord[]>;
  /** Resolves when new changes may have been sequenced (here, or by another process after a while), or `signal` aborts. */
  waitForChanges(signal: AbortSignal): Promise<void>;
}
