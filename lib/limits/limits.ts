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
  /** Finished transactions whose outcome is remembered for repeated calls and GetOutcome. */
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
  /** Length of an abort reason kept in memory and sent on the wire. */
  reasonLengthMax: 512,
} as const;

export type Limits = typeof limits;
