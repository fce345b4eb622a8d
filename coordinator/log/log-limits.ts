/**
 * Default bounds of the file decision log. Each is an option of `FileDecisionLog`; these
 * are the values a production coordinator runs with.
 */
export const logLimits = {
  /**
   * A segment is deleted only when every commit in it has ended, so its size trades
   * reclaim granularity against file count: 64 MiB holds ~400k typical commit records.
   */
  segmentBytesMax: 64 * 1024 * 1024,
  /** Records folded into one write + fdatasync; caps the latency of the batch's last record. */
  batchRecordsMax: 1024,
  /** Bytes folded into one write; one such buffer is built per batch. */
  batchBytesMax: 1024 * 1024,
  /**
   * One record's payload. A commit names its participants, a handful of ids; anything
   * near this size is a bug upstream, and replay reads whole records into memory.
   */
  recordBytesMax: 64 * 1024,
  /**
   * Encoded frames waiting for the writer. Appends beyond this fail fast instead of
   * growing memory while the disk is slow: the caller answers RESOURCE_EXHAUSTED.
   */
  pendingBytesMax: 16 * 1024 * 1024,
} as const;
