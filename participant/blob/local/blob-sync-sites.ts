/**
 * Every durability call of the local blob store, one name per call site (see `SyncSite`):
 * a simulated disk that ignores one of them shows what the store would lose without it.
 * Each name is passed, as a literal, at exactly one call in `participant/blob/`.
 */
export const blobStoreSyncSites = [
  /** Put: the received bytes, before the file gets the name that says what it is. */
  'blob.staged.fdatasync',
  /** Prepare: staging/, so the marker and the staged names are durable: the yes vote. */
  'blob.staging-dir.prepare',
  /** Commit: committed/, so the commit record is durable before the marker goes and the ack. */
  'blob.committed-dir.commit',
  /** After commit: an object directory, so the links are durable before the staged names go. */
  'blob.object-dir.retire',
  /** Abort: staging/, so the removed marker does not come back in doubt after a restart. */
  'blob.staging-dir.abort',
  /**
   * Recover: the data dir and each of its parents, on every start, so that the names
   * created for it (by this start or an earlier, killed one) are durable before it serves.
   */
  'blob.dirs.recover',
  /** Recover: objects/, on every start, so that its object directories (created by this start or an earlier, killed one) are durable. */
  'blob.objects-root.recover',
  /** Recover: staging/, after a branch of the earlier layout got its flat names, before its old directory goes. */
  'blob.staging-dir.migrate',
  /** Recover: committed/, so every record seen is durable before what it vouches for is removed. */
  'blob.committed-dir.recover',
  /** Recover: each object directory holding an object of a committed branch found staged, so its link is durable before the staged name goes. */
  'blob.object-dir.recover',
  /** Sweep: every object directory, before the records that vouch for staged names go. */
  'blob.object-dir.sweep',
  /** Sweep: staging/, before the records that vouch for removed markers and names go. */
  'blob.staging-dir.sweep',
] as const;

export type BlobStoreSyncSite = (typeof blobStoreSyncSites)[number];
