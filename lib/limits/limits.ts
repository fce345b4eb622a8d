/**
 * Every bound of the system, in one place (STYLE.md rule 5). A value past one of
 * these is refused with RESOURCE_EXHAUSTED or INVALID_ARGUMENT, never absorbed by
 * silent growth. Configurable ones are defaults; the config layer validates overrides.
 */
export const limits = {
  /** Transactions the coordinator holds in memory that have not finished. */
  txInFlightMax: 100_000,
  /** Participants one transaction may enlist. */
  participantsPerTxMax: 16,
  /** Concurrent Commit/Abort calls waiting on one transaction's outcome. */
  waitersPerTxMax: 64,
  /**
   * Transactions whose outcome the coordinator remembers for repeated calls and GetOutcome,
   * finished and unfinished together. An outcome is never forgotten before
   * `finishedRetentionMs` (a forgotten commit reads as a presumed abort), so past this Begin
   * is refused: one coordinator sustains at most finishedTxMax / finishedRetentionMs ≈ 1 667 tx/s.
   */
  finishedTxMax: 1_000_000,
  /** How long a finished transaction's outcome is remembered. */
  finishedRetentionMs: 10 * 60_000,
  /** Default lifetime of a transaction from Begin to Commit. */
  txTimeoutMsDefault: 60_000,
  /** Longest lifetime a client may ask for. */
  txTimeoutMsMax: 60 * 60_000,
  /** How long the coordinator waits for every vote after Commit was asked. */
  prepareTimeoutMs: 30_000,
  /** How long a Commit call waits for every ack once the decision is durable. */
  phase2WaitMs: 2_000,
  /** First phase-2 retry delay; doubles per attempt. */
  retryBackoffMsBase: 50,
  /** Longest phase-2 retry delay. */
  retryBackoffMsMax: 5_000,
  /** An abort no participant acks is dropped after this long: presumed abort answers for it. */
  abortRetryForMs: 10 * 60_000,
  /** Length of a transaction id. */
  txIdLengthMin: 21,
  txIdLengthMax: 64,
  /** Length of a participant id. */
  participantIdLengthMax: 64,
  /** A participant aborts a branch that saw no operation for this long and was never prepared. */
  branchIdleMsMax: 120_000,
  /** A prepared branch that has not heard the decision after this long asks the coordinator. */
  inDoubtAskAfterMs: 5_000,
  /** First delay between GetOutcome attempts of an in-doubt branch; doubles per attempt. */
  outcomeRetryMsBase: 100,
  /** Longest delay between GetOutcome attempts: in doubt, a participant asks forever. */
  outcomeRetryMsMax: 5_000,
  /** Branches one participant holds at once (open or prepared). */
  branchesMax: 10_000,
  /**
   * Calls of one tx waiting at a participant for that tx's lock behind the running one. A
   * tx has a few callers at once (the client's operations, Prepare, Commit, in-doubt
   * resolution); more means a hung call and its retries, refused with RESOURCE_EXHAUSTED.
   */
  branchCallsWaitingMax: 16,
  /** Length of an abort reason kept in memory and sent on the wire. */
  reasonLengthMax: 512,
  /** Characters of a namespace ([A-Za-z0-9._-]). */
  namespaceLengthMax: 128,
  /** UTF-8 bytes of a file path, and of one `/`-separated segment of it (the common filesystem NAME_MAX). */
  pathBytesMax: 1024,
  pathSegmentBytesMax: 255,
  /** Characters of a content type. */
  contentTypeLengthMax: 255,
  /** Entries in one ListFiles / ListRevisions page, and the size used when the client asks for none. */
  pageSizeMax: 1000,
  pageSizeDefault: 100,
  /** Characters of a page token a client hands back. */
  pageTokenLengthMax: 2048,
  /** Open (unprepared) metadata branches; each holds one PostgreSQL connection until it prepares. */
  metadataBranchesMax: 64,
  /** Writes one metadata branch may stage (each is a row lock held until the decision). */
  metadataWritesPerBranchMax: 1_000,
  /** PostgreSQL connections for reads, commitPrepared and rollbackPrepared, beside the branches'. */
  metadataSharedConnectionsMax: 8,
  /** Longest wait for a free PostgreSQL connection (the pool's queue is bounded in time, not length). */
  metadataConnectionWaitMsMax: 10_000,
  /** Default wait for a file's row lock before a write fails as a retryable conflict. */
  metadataLockTimeoutMsDefault: 2_000,
  /**
   * Default server-side limit of one statement of the metadata participant
   * (`statement_timeout`): above the lock timeout, so a lock wait ends as a conflict first.
   */
  metadataStatementTimeoutMsDefault: 10_000,
  /**
   * Default client-side limit of one round trip to PostgreSQL (node-postgres
   * `query_timeout`): above the statement timeout, so a live server always answers first;
   * past it the link or the server is gone, and the session is closed.
   */
  metadataQueryTimeoutMsDefault: 15_000,
  /**
   * TCP keepalive of the metadata participant's PostgreSQL connections, both ends: the
   * first probe after this long idle, then every interval, the peer declared dead after
   * the count unanswered (the OS default would wait two hours).
   */
  metadataKeepAliveIdleMs: 10_000,
  metadataKeepAliveIntervalMs: 5_000,
  metadataKeepAliveProbesMax: 3,
  /**
   * An open branch's session ends on the server (`idle_in_transaction_session_timeout`)
   * this long after the participant's own idle abort (`--branch-idle-ms`) should have
   * ended it: a backstop that releases the row locks if the participant cannot.
   */
  metadataIdleInTransactionMarginMs: 5_000,
  /** How long a marker row of a prepared-then-committed tx is kept to answer repeated Commits. */
  metadataMarkerRetentionMs: 7 * 24 * 60 * 60_000,
  /** How often expired marker rows are deleted, and how many per statement and per sweep. */
  metadataMarkerSweepIntervalMs: 60 * 60_000,
  metadataMarkerSweepBatchMax: 10_000,
  metadataMarkerSweepBatchesMax: 100,
  /** Log lines of an embedded PostgreSQL kept to explain a failed start. */
  embeddedPostgresLogLinesMax: 50,
  /**
   * Bytes of one blob object. Put streams to disk in constant memory, so this bounds disk
   * use per upload, not memory; 5 GiB is S3's single-PUT ceiling, which the S3 backend shares.
   */
  blobObjectBytesMax: 5 * 1024 ** 3,
  /** Bytes of one Put chunk message (below the server's 4 MiB receive limit). */
  blobPutChunkBytesMax: 1024 * 1024,
  /** Bytes of an object put whole, in one message of the BlobStore Link (larger ones stream through Put). */
  blobWholePutBytesMax: 256 * 1024,
  /** Whole puts (BlobStore Link) served at once: with their bytes in memory, at most 64 MiB. */
  blobWholePutsInFlightMax: 256,
  /** Bytes of one Get response message; a reader holds a few of these at most. */
  blobGetChunkBytesMax: 256 * 1024,
  /** Objects one tx may stage at the blob participant; bounds its manifest. */
  blobObjectsPerTxMax: 10_000,
  /** Unprepared blob branches tracked in memory (staged objects, or why one will vote no). */
  blobOpenBranchesMax: 100_000,
  /**
   * How long the blob participant keeps `committed/<txId>.json` after a commit: a Commit
   * whose ack was lost is re-sent, and the record is how that repeat is verified.
   */
  blobCommittedRetentionMs: 7 * 24 * 60 * 60_000,
  /** How often expired commit records are swept. */
  blobCommittedSweepIntervalMs: 60 * 60_000,
  /**
   * Put calls served at once. grpc-js reads up to 16 messages ahead per call (16 MiB of
   * 1 MiB chunks), so this bounds the blob participant's upload buffers to 512 MiB.
   */
  blobPutsInFlightMax: 32,
  /**
   * A Put that receives no message for this long is ended (DEADLINE_EXCEEDED) and its
   * staged bytes dropped, so a live but silent client cannot hold a Put slot for ever.
   */
  blobPutStallMsDefault: 30_000,
  /** Get calls served at once; each buffers up to 16 chunks of `blobGetChunkBytesMax` (4 MiB). */
  blobGetsInFlightMax: 128,
} as const;

export type Limits = typeof limits;
