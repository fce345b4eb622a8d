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
   * Txs a participant remembers having committed since its start, so that a repeated
   * Commit (after a restart, the coordinator's re-driven one reaches a branch that already
   * resolved itself) is answered without verifying at the resource manager again: twice
   * branchesMax, so every branch a restart finds in doubt fits. Older ones are verified.
   */
  participantCommittedRememberedMax: 20_000,
  /**
   * Decisions a participant applies on its own at once (in-doubt branches resolving after a
   * restart, idle aborts); the others wait their turn, not in the resource manager's own
   * queue, whose wait is bounded in time. Above the metadata participant's 24 shared
   * connections, so they all stay busy.
   */
  participantResolutionsInFlightMax: 64,
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
  /**
   * PostgreSQL connections for reads, commitPrepared, rollbackPrepared and housekeeping,
   * beside the branches'. COMMIT PREPARED waits for its WAL flush, and PostgreSQL flushes the
   * commits waiting together, so the in-doubt branches a restart ends at once go faster on
   * more connections: 10,000 prepared transactions took 3.8 s to commit on 8, 2.3 s on 16
   * and 2.0 s on 32 here (2 cores, loaded). With the branches' 64, 88 of PostgreSQL's
   * default max_connections of 100. Opened only when needed.
   */
  metadataSharedConnectionsMax: 24,
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

  // --- the ranges operators may set (flags and TWOPHASE_* variables), checked at start ---

  /** Shortest `--tx-timeout-ms`: a tx shorter than a few round trips could do no work. */
  txTimeoutMsSettingMin: 100,
  /** Range of `--prepare-timeout-ms`: at least a round trip to every participant, at most what a Commit caller waits. */
  prepareTimeoutMsSettingMin: 100,
  prepareTimeoutMsSettingMax: 10 * 60_000,
  /** Longest `--phase2-wait-ms` (0 answers once the decision is durable): a Commit caller waits at most this for acks. */
  phase2WaitMsSettingMax: 60_000,
  /** Default deadline of one phase-2 Commit or Abort call to a participant; a slower one is retried with backoff. */
  phase2CallTimeoutMsDefault: 5_000,
  /**
   * Phase-2 Commit and Abort calls in flight to one participant; more wait at the coordinator
   * until one is answered, their deadline not yet running. A restart re-drives every unacked
   * commit at once (10,000 and more): sent all together they queue at the participant behind
   * its own in-doubt resolution, pass their deadline and are retried, which only adds work.
   * 256 is four times the calls 64 concurrent uploads keep in flight, so it never paces them.
   */
  phase2CallsInFlightMax: 256,
  /** Range of `--phase2-call-timeout-ms`: at least a round trip, and short enough that a hung participant is retried soon. */
  phase2CallTimeoutMsSettingMin: 100,
  phase2CallTimeoutMsSettingMax: 60_000,
  /** Range of `--branch-idle-ms`: at least a second between two operations of a tx, at most a day of held row locks. */
  branchIdleMsSettingMin: 1_000,
  branchIdleMsSettingMax: 24 * 3_600_000,
  /** Range of `--put-stall-ms`: at least a round trip between two Put messages, at most an hour of a held Put slot. */
  putStallMsSettingMin: 100,
  putStallMsSettingMax: 60 * 60_000,
  /** Range of `--lock-timeout-ms`: a writer waits this long at most for another tx's row lock. */
  lockTimeoutMsSettingMin: 1,
  lockTimeoutMsSettingMax: 10 * 60_000,
  /** Range of `--statement-timeout-ms` and `--query-timeout-ms`: the minimum is above the lock timeout's, which they must exceed. */
  statementTimeoutMsSettingMin: 2,
  statementTimeoutMsSettingMax: 60 * 60_000,
  queryTimeoutMsSettingMin: 2,
  queryTimeoutMsSettingMax: 60 * 60_000,
  /**
   * A resumable upload (tus, `/v1/uploads`) untouched for this long is deleted with its
   * bytes; its `Upload-Expires` says when. A finished one is kept as long, so that a
   * retried last PATCH or HEAD still learns its revision.
   */
  uploadSessionIdleMs: 24 * 60 * 60 * 1000,
  /** How often expired resumable uploads are looked for. */
  uploadSessionSweepMs: 10 * 60 * 1000,
  /** Resumable uploads open at once at one blob participant (each is a few small files and an open slot). */
  uploadSessionsMax: 10_000,
  /** While a PATCH streams, its bytes are fdatasynced and the offset recorded at least this often. */
  uploadSyncEveryBytes: 64 * 1024 * 1024,
  /** A HEAD or PATCH meeting a PATCH still being received waits this long for it to end. */
  uploadBusyWaitMs: 5_000,
  /** Length of `Upload-Metadata` accepted. */
  uploadMetadataLengthMax: 4096,
  /** How many times `uploads.finish` looks at an upload again after another finish took it or its tx aborted. */
  uploadFinishAttemptsMax: 3,
  /** Default `--max-upload-bytes` of the gateway: an upload is one blob object, so the blob store's own limit (5 GiB). */
  gatewayUploadBytesDefault: 5 * 1024 ** 3,
  /** Largest `--max-upload-bytes`: the gateway streams bodies, so this bounds disk, not memory. */
  gatewayUploadBytesSettingMax: 64 * 1024 ** 3,
  /** Range of the gateway's `--call-timeout-ms`: at least a round trip, at most ten minutes a request may wait on one call. */
  gatewayCallTimeoutMsSettingMin: 100,
  gatewayCallTimeoutMsSettingMax: 600_000,

  // --- the file decision log (defaults of FileDecisionLog's options) ---

  /**
   * A segment is deleted only when every commit in it has ended, so its size trades
   * reclaim granularity against file count: 64 MiB holds ~400k typical commit records.
   */
  logSegmentBytesMax: 64 * 1024 * 1024,
  /** Records folded into one write + fdatasync; caps the latency of the batch's last record. */
  logBatchRecordsMax: 1024,
  /** Bytes folded into one write; one such buffer is built per batch. */
  logBatchBytesMax: 1024 * 1024,
  /**
   * One record's payload. A commit names its participants, a handful of ids; anything
   * near this size is a bug upstream, and replay reads whole records into memory.
   */
  logRecordBytesMax: 64 * 1024,
  /**
   * Encoded frames waiting for the writer. Appends beyond this fail fast instead of
   * growing memory while the disk is slow: the caller answers RESOURCE_EXHAUSTED.
   */
  logPendingBytesMax: 16 * 1024 * 1024,

  // --- the runtimes' timers ---

  /** How often the coordinator runtime feeds its core a tick (deadlines, retries, phase-2 pacing). */
  coordinatorTickIntervalMs: 10,
  /** How long a coordinator stop waits for work in flight (log appends, phase-2 calls) before it closes anyway. */
  coordinatorStopWaitMs: 5_000,
  /** How often the participant runtime feeds its core a tick (idle limits, in-doubt asks). */
  participantTickIntervalMs: 50,
  /** How often a participant logs the branches it holds in doubt. */
  participantInDoubtReportMs: 10_000,

  // --- the coordinator's service ---

  /** Characters of a participant's incarnation id kept from an Enlist (a random id per process start). */
  incarnationLengthMax: 64,

  // --- the SDK (defaults of TwoPhaseClientOptions, and its own retries) ---

  /** Default deadline of one unary call (or Link call) of the SDK. */
  sdkCallTimeoutMsDefault: 10_000,
  /** Default deadline of one streamed upload or download. */
  sdkStreamTimeoutMsDefault: 10 * 60_000,
  /** Default time a Commit whose reply was lost keeps asking GetOutcome before OutcomeUnknownError. */
  sdkOutcomeWaitMsDefault: 30_000,
  /** Attempts in all of an idempotent call (reads, GetOutcome, Abort, ListParticipants); retried on UNAVAILABLE only. */
  sdkIdempotentCallAttemptsMax: 3,
  /** Delay before a call's second attempt, doubling per attempt up to the max. */
  sdkCallRetryMsBase: 100,
  sdkCallRetryMsMax: 2_000,
  /** Delay between GetOutcome attempts after a lost Commit reply, doubling up to the max. */
  sdkOutcomeRetryMsBase: 100,
  sdkOutcomeRetryMsMax: 1_000,
  /** Delay between attempts to open a download of a restarting blob participant, doubling up to the max. */
  sdkReadRetryMsBase: 100,
  sdkReadRetryMsMax: 1_000,
  /** Bytes of one chunk of a streamed Put; the server refuses chunks over `blobPutChunkBytesMax`. */
  sdkPutChunkBytes: 256 * 1024,
  /**
   * How long after Begin the SDK trusts a presumed abort as an answer: a minute inside
   * `finishedRetentionMs` (10 min), past which an unknown tx may be a forgotten commit.
   */
  sdkPresumedAbortTrustMs: 9 * 60_000,
  /** Characters of a failed `transaction()` callback's message sent as the abort reason. */
  sdkClientAbortReasonLengthMax: 200,
  /** With several coordinators: how long one whose call failed as unreachable is passed over for Begin. */
  sdkCoordinatorDownMs: 2_000,
  /**
   * With several coordinators: the deadline of a Begin at each but the last one tried (a
   * paused coordinator accepts the call and never answers; the next one is asked instead).
   */
  sdkBeginAttemptMsShared: 2_000,
  /**
   * With several coordinators: how long a tx's own coordinator must stay unreachable before
   * its outcome is asked of the others (which settle an undecided tx as aborted). A
   * coordinator that restarts is back well within it.
   */
  sdkOwnerUnreachableGraceMs: 3_000,

  // --- gRPC channels and servers, every process ---

  /** Bytes of one received gRPC message, client and server: every message of ours is far smaller (chunks are 1 MiB). */
  grpcMessageBytesMax: 4 * 1024 * 1024,
  /**
   * Reconnect backoff of a channel: the default grows to two minutes, far longer than a
   * crash-restart takes. A peer back from a restart is found within the max: at 2 s, the
   * in-doubt branches of a participant that waited for a restarting coordinator sat up to
   * 2 s after it was serving before their first ask reached it. At 500 ms, a restarted
   * coordinator was found up to 0.5 s late by the gateway and again by the participants
   * (`npm run bench:restart`). A connect to a peer that is down costs a refused SYN, five
   * times a second per channel.
   */
  grpcReconnectBackoffMsBase: 50,
  grpcReconnectBackoffMsMax: 200,
  /** Keepalive ping interval of clients and servers, and how long a ping's answer may take before the connection is dead. */
  grpcKeepaliveIntervalMs: 30_000,
  grpcKeepaliveTimeoutMs: 10_000,
  /**
   * HTTP/2 receive windows: bytes a peer may send on one stream (and on one connection, all
   * its streams) before we consume them. Node's default, 64 KiB, lets a streamed Put carry
   * only 64 KiB per round trip of window updates; 1 MiB let one stream carry about 2.8× as
   * much on loopback here. What a connection may hold unconsumed is bounded by the second.
   */
  grpcStreamWindowBytes: 1024 * 1024,
  grpcConnectionWindowBytes: 4 * 1024 * 1024,
  /** Shortest interval between a client's pings a server accepts on an idle connection. */
  grpcPingIntervalMsMin: 5_000,
  /** How long a server drains its calls at shutdown before it forces them closed. */
  grpcShutdownGraceMs: 5_000,
  /** Callers (client certificates) a server remembers the access policy's answer for; past it the memory starts afresh. */
  tlsCallersCachedMax: 1_024,
  /** Namespaces one bearer token may name for reading, and for writing. */
  jwtNamespacesMax: 1_000,
  /** Leeway for the clocks of token issuers when checking `exp` and `nbf`. */
  jwtClockToleranceSeconds: 30,
  /** Shortest HS256 secret the gateway accepts (RFC 7518: at least the hash's 256 bits). */
  jwtSecretBytesMin: 32,
  /** The gateway's time to receive a request's headers, from its first byte (a client trickling them is cut off). */
  gatewayHeadersTimeoutMs: 20_000,
  /** Bytes of a request's headers the gateway reads (431 above). */
  gatewayHeaderBytesMax: 16 * 1024,
  /** Bytes of the JSON body of a `POST …:move` or `…:copy` (a destination and its conditions). */
  gatewayMoveBodyBytesMax: 16 * 1024,
  /** A gateway connection with no byte either way for this long is closed (a body trickling slower than this too). */
  gatewayIdleTimeoutMs: 60_000,
  /** Open connections the gateway keeps from one client address; more are closed at once. */
  gatewayConnectionsPerClientMax: 256,
  gatewayConnectionsPerClientSettingMax: 1_000_000,
  gatewayHeadersTimeoutMsSettingMin: 100,
  gatewayHeadersTimeoutMsSettingMax: 10 * 60_000,
  gatewayIdleTimeoutMsSettingMin: 100,
  gatewayIdleTimeoutMsSettingMax: 60 * 60_000,
  /** How often the gateway looks for connections past their headers timeout (Node checks every 30 s unless told). */
  gatewayTimeoutCheckIntervalMs: 250,
  /** Characters of an If-Match or If-None-Match list the gateway reads (400 above). */
  conditionalHeaderLengthMax: 4_096,
  /** Lifetime of the certificates `dev --tls` makes. */
  devCertificateDays: 30,
  /** `dev --tls` makes new certificates when the ones it made expire within this long. */
  devCertificateRenewBeforeMs: 24 * 60 * 60_000,
  /** One openssl run of `dev --tls`. */
  devOpensslTimeoutMs: 30_000,
  /** Lifetime of the token `dev --auth jwt` prints. */
  devTokenHours: 24,
  /** Coordinators `twophase dev --coordinators N` may run (on one shared decision log). */
  devCoordinatorsMax: 9,
  /** Metadata shards `twophase dev --metadata-shards N` may run. */
  devMetadataShardsMax: 4,
  /** With several coordinators in dev: coordinator i listens (gRPC and metrics) this many ports after coordinator i-1. */
  devCoordinatorPortStep: 10,
  /** Longest validity `twophase certs --days` makes. */
  certificateDaysMax: 3_650,
  /** Part size of an S3 blob store's multipart upload; a Put holds at most `s3UploadPartsInFlight` of them in memory. */
  s3UploadPartBytes: 8 * 1024 * 1024,
  s3UploadPartsInFlight: 2,
  /** How long a moto_server (the S3 API server of tests and fault-injection runs) may take to answer once started, and how often it is asked. */
  motoStartTimeoutMs: 30_000,
  motoStartPollMs: 100,
  /**
   * Calls sent in one Link stream message at most: they are small (a tx id and a few
   * fields), so this keeps a message far below `grpcMessageBytesMax`, and bounds what one
   * stream write holds.
   */
  linkBatchCallsMax: 512,
  /** Request bytes (as the caller declares them) sent in one Link stream message at most, below `grpcMessageBytesMax`. */
  linkBatchBytesMax: 1024 * 1024,

  // --- the participant's client of the coordinator ---

  /** Deadline of a participant's Enlist and GetOutcome calls to the coordinator. */
  participantCoordinatorCallTimeoutMs: 5_000,

  // --- the HTTP gateway ---

  /** Decimal digits of a revision in an ETag: every 15-digit number is a safe integer. */
  etagRevisionDigitsMax: 15,

  // --- the shared decision log (coordinator --decision-log postgres://…) ---

  /** Batches of commit decisions written at once, each on a connection of its own. */
  sharedLogConnectionsMax: 4,
  /** Connections for settles, ends, the sweep and reads, beside the batches' own. */
  sharedLogSideConnectionsMax: 2,
  /** Commit and end records waiting for the shared log; past it an append is refused (LogQueueFullError: the tx aborts, retryable). */
  sharedLogPendingRecordsMax: 20_000,
  /** Rows of one multi-row INSERT (or UPDATE of ends); more wait for the next batch. */
  sharedLogBatchRowsMax: 1_000,
  /** A statement (or a connection attempt) of the shared log unanswered this long fails, and is sent again. */
  sharedLogStatementTimeoutMs: 10_000,
  /** Backoff between attempts of a shared-log statement that failed: doubling from the base, capped. */
  sharedLogRetryMsBase: 50,
  sharedLogRetryMsMax: 2_000,
  /**
   * An ended commit's row is deleted this long after its end: every participant had acked
   * it, so only a client asks after it, and a client trusts a presumed abort only within
   * sdkPresumedAbortTrustMs (well under this).
   */
  sharedLogEndedRetentionMs: 60 * 60_000,
  /** How often ended commits past their retention are deleted. */
  sharedLogSweepIntervalMs: 60_000,

  // --- processes: the CLI, the supervisor of `twophase dev`, the embedded PostgreSQL ---

  /** A process asked to stop (SIGTERM, SIGINT) that has not stopped after this long exits at once. */
  shutdownForceAfterMs: 15_000,
  /** `twophase dev` asks a process left by an earlier run to stop, then checks this often, this many times, before SIGKILL. */
  devLeftoverStopPollMs: 100,
  devLeftoverStopPollsMax: 100,
  /** Messages (chunks of at most 1 MiB) a blob Put's stream reads ahead of the disk (the Readable's high-water mark; its default is 16). */
  blobPutQueuedMessagesMax: 2,
  /** Attempts `twophase admin resolve` makes of a statement on a shared decision log before it gives up and says so. */
  adminSharedLogAttemptsMax: 5,
  /** The deadline of each call of `twophase admin`: an operator waits this long for an answer at most. */
  adminCallTimeoutMs: 10_000,
  /** How long a readiness check (TwoPhaseClient.health, the gateway's /readyz) waits for each service's health answer. */
  sdkHealthCheckTimeoutMs: 1_000,
  /** Begin times of finished txs the coordinator may hold before it forgets them in one sweep (for `twophase admin txs`). */
  coordinatorBeganAtSlackMax: 1_024,
  /** After this long ready (serving), a supervised child's restart backoff starts again from its first step. */
  supervisorHealthyAfterMs: 1_000,
  /** A child's standby (ChildSpec.standby) is started this long after the child's ready line, once the start's CPU is spent. */
  supervisorStandbyDelayMs: 1_000,
  /**
   * Delays before restarting a supervised child, by the number of restarts since it was last
   * healthy (the last repeats): the first is short, because a killed process that served is
   * what a user waits on; a child that keeps dying while it starts backs off.
   */
  supervisorRestartDelaysMs: [50, 500, 1_000, 2_000, 5_000, 10_000],
  /** How long a supervised child has between SIGTERM and SIGKILL when `dev` stops. */
  supervisorStopGraceMs: 10_000,
  /**
   * How long a supervised child that saw `dev` gone (its stdin pipe closed: dev died, SIGKILL
   * included) has for its graceful stop before it exits anyway: nobody waits for it, and a
   * dev started again wants its ports. Nothing of a killed dev runs 5 s after it (README,
   * test/e2e/dev), which leaves room for a busy machine to schedule and reap the exiting.
   */
  supervisorGoneExitMs: 2_000,
  /** Characters of a child's latest output kept to find its ready line in. */
  supervisorOutputTailLengthMax: 65_536,
  /**
   * Default `max_prepared_transactions` of an embedded PostgreSQL: PostgreSQL's own default,
   * 0, refuses PREPARE TRANSACTION; this many branches may be prepared (in doubt) at once.
   */
  embeddedPostgresPreparedTransactionsDefault: 128,
  /** How long an embedded PostgreSQL may take to start, and to stop before it is killed. */
  embeddedPostgresStartTimeoutMs: 60_000,
  embeddedPostgresStopTimeoutMs: 30_000,
  /**
   * The same, when `twophase postgres` stops because dev is gone: within supervisorGoneExitMs,
   * by which the postmaster must have been ended (it does not watch its parent, and would
   * outlive the process). Past it the cluster is SIGKILLed, and the next start recovers
   * from the WAL (fsync is on).
   */
  embeddedPostgresOrphanStopTimeoutMs: 1_000,
  /** How often the processes of an embedded PostgreSQL cluster are looked at while waiting for them to start or end. */
  embeddedPostgresPollIntervalMs: 20,
  /** How often `twophase postgres` checks that its postmaster still lives (a killed one does not tell). */
  postmasterPollIntervalMs: 500,
  /** Characters of a PostgreSQL identifier (a database name): its NAMEDATALEN less one. */
  postgresIdentifierLengthMax: 63,

  // --- fault injection (test tools shipped with the command) ---

  /** Longest failpoint name; names are identifiers, not prose. */
  failpointNameLengthMax: 128,
  /** Longest `delay(ms)` of a failpoint: one hour, far past any deadline a test would provoke. */
  failpointDelayMsMax: 3_600_000,
  /** Highest `@n` of a failpoint: keeps the hit counter an exact integer. */
  failpointNthMax: 1_000_000_000,
  /**
   * Bytes one direction of one fault-proxy connection may hold in its delay queue before
   * the proxy stops reading from the sending socket. 8 MiB covers a 100 ms delay at 640
   * Mbit/s before backpressure slows the sender, which is more than a chaos run needs.
   */
  faultProxyQueuedBytesMaxDefault: 8 * 1024 * 1024,
  /** Smallest queue bound a fault proxy's caller may choose: below one socket read the bound means nothing. */
  faultProxyQueuedBytesMaxMin: 64 * 1024,
  /** Largest queue bound a fault proxy's caller may choose. */
  faultProxyQueuedBytesMaxMax: 256 * 1024 * 1024,
  /** Connections one fault proxy carries at once; past it a new connection is reset at accept. */
  faultProxyConnectionsMaxDefault: 1024,
  faultProxyConnectionsMaxMax: 65_536,
  /** Longest fault-proxy delay: an hour is past every deadline a chaos run provokes. */
  faultProxyDelayMsMax: 3_600_000,
  /** Characters of a fault proxy's name, which only labels logs. */
  faultProxyNameLengthMax: 128,
  /** Concurrent clients of a `twophase chaos` workload: each is a connection to the gateway. */
  chaosWorkersMax: 256,
  /** `twophase chaos --parallel`: runs at once, each with its own system of processes and PostgreSQL. */
  chaosParallelRunsMax: 16,
  /** After a commit, the change feed's sequencer runs this much later: the commits in between share its synced transaction. */
  feedSequenceDelayMs: 10,
  /** The change feed's sequencer runs at least this often (it also runs after each commit). */
  feedSequenceIntervalMs: 1_000,
  /** Revisions one sequencer transaction numbers at most (it runs again while there are more). */
  feedSequenceBatchMax: 1_000,
  /** A reader of the change feed waiting for changes looks again this often (another process may have sequenced some). */
  feedPollIntervalMs: 1_000,
  /** Changes read from the database at once for one reader. */
  feedReadBatchMax: 500,
  /** Longest `wait` of a long-poll GET /v1/changes (and within the idle timeout less its margin). */
  gatewayChangesWaitMsMax: 60_000,
  /** A long poll that got its first change answers after gathering those that follow within this. */
  gatewayChangesGatherMs: 20,
  /** Changes in one long-poll answer by default (`limit`, at most pageSizeMax). */
  gatewayChangesPageDefault: 100,
  /** A long poll answers this long before the gateway's idle timeout would cut its connection. */
  gatewayLongPollIdleMarginMs: 2_000,
  /** A comment line on an idle event stream this often, so that proxies keep it open. */
  gatewayEventStreamHeartbeatMs: 15_000,
  /** Coordinators `twophase chaos --coordinators` may start on its shared log. */
  chaosCoordinatorsMax: 5,
  /**
   * Prepared transactions a last-resource `twophase chaos` run remembers having seen at the
   * last resource, where there should be none: the first ones name the violation, and
   * past them the run keeps counting none (a run that prepares does so on every tx).
   */
  chaosPreparedSeenMax: 100,
  /** `twophase sync`: a changed file is uploaded once it has not changed for this long (editors write in steps). */
  syncDebounceMs: 500,
  /** `twophase sync`: paths synced at once. */
  syncConcurrency: 4,
  /** Files of at least this many bytes are uploaded by `twophase sync` over tus (resumable), smaller ones by one PUT. */
  syncResumableBytesMin: 8 * 1024 * 1024,
  /** tus-js-client's waits before it retries a failed request of a resumable upload (then the file is retried as any failed path). */
  syncResumableRetryDelaysMs: [500, 1_000, 2_000, 4_000] as readonly number[],
  /** `twophase sync`: a whole rescan of the folder this often, for what a watcher may miss. */
  syncRescanMs: 60_000,
  /**
   * `twophase sync`: a directory that appeared or went away is rescanned at once and again
   * this much later. The watcher reports a new directory before it watches it (and reads a
   * busy directory at most once a second), so a file placed in it and removed in between
   * gives no event; the second rescan finds it.
   */
  syncDirSettleMs: 2_000,
  /** `twophase sync`: the change feed's long poll, when nothing local waits (under the gateway's idle timeout). */
  syncLongPollMs: 25_000,
  /** `twophase sync`: the first wait before trying a gateway that does not answer again, doubled up to syncRetryMaxMs. */
  syncRetryBaseMs: 500,
  syncRetryMaxMs: 30_000,
  /** `twophase sync`: how long a pass with paths to retry waits for the server's changes first. */
  syncRetryWaitMs: 1_000,
  /** `twophase sync`: changes asked for per page of the feed (at most pageSizeMax). */
  syncFeedPage: 1_000,
  /** `twophase sync`: during a long pass, the state is saved at least this often. */
  syncStateSaveEveryMs: 2_000,
  /** `twophase sync`: times one path is decided again after a condition did not hold, before it waits for the next pass. */
  syncDecideRounds: 4,
  /**
   * `twophase sync`: a file modified less than this before it was recorded is read again
   * on the next pass instead of trusted by its stat (an edit in the same clock tick keeps
   * size and mtime).
   */
  syncRacyMs: 2_000,
} as const;

export type Limits = typeof limits;
