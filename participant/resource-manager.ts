import type { NoVoteCause } from '../lib/abort-cause/abort-cause.js';

/**
 * One resource manager (the blob store, the metadata database) as the participant
 * runtime drives it. The runtime serializes every call for one tx (never two at once
 * for the same txId), enlists with the coordinator before the first work of a tx, and
 * decides when to call what; a resource manager only does its storage's part and
 * reports the truth about it.
 */
export interface ResourceManager {
  /** Stable id the coordinator knows this participant by: `blob`, `metadata`. */
  readonly participantId: string;

  /**
   * Called once at start, before any other call. Returns every branch that is durably
   * prepared (voted or about to vote yes): each is in doubt until the decision is
   * learned. Every unprepared leftover (work of a tx that never prepared: staged files,
   * open transactions) is aborted here, because the coordinator presumes it aborted.
   */
  recover(): Promise<RecoveryResult>;

  /**
   * Makes the branch of `txId` durable and votes. A `yes` means: whatever crashes now, a
   * later `commit(txId)` will succeed. It is returned only after the branch is on stable
   * storage (fsync / PREPARE TRANSACTION). A `no` leaves nothing behind. A branch that is
   * already prepared votes `yes` again; an unknown branch votes `no`.
   */
  prepare(txId: string): Promise<PrepareVote>;

  /**
   * Commits a prepared branch. Idempotent. When the branch is no longer there it must
   * verify that it was committed (marker row, published objects) and throw
   * `BranchNotCommittedError` if that cannot be shown — never report success on trust.
   */
  commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }>;

  /**
   * Aborts the branch, prepared or not, and removes every trace of it. Idempotent; an
   * unknown branch is already aborted.
   */
  abort(txId: string): Promise<{ readonly alreadyAborted: boolean }>;

  /** Releases connections and handles. In-flight calls may fail. */
  close(): Promise<void>;

  /**
   * Last-resource mode, only at the last resource: commits the open branch of `txId`
   * one-phase, inserting the decision marker `(txId, committed)` inside that same
   * transaction, so its COMMIT is the commit point of the tx. Resolves `committed`, or
   * `aborted` when nothing committed (the branch is gone, or a marker for the tx already
   * says aborted). Throws when the answer is unknown (a connection lost mid-COMMIT).
   */
  commitOnePhase?(txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'>;

  /**
   * Last-resource mode, only at the last resource: the compare-and-set that decides an
   * unknown outcome. Inserts the marker `(txId, aborted)` unless one exists — waiting for a
   * commit of the tx still in flight, which holds the key — and returns what the marker
   * says. When it says aborted, any open branch of the tx is rolled back; it can never
   * commit now.
   */
  resolveOutcome?(txId: string): Promise<'committed' | 'aborted'>;
}

/**
 * A vote. A no vote may say its cause: `conflict` when the tx's own work met another tx's
 * (a serialization failure, a deadlock), so the client may retry it as it is; none said
 * reads as `outage`.
 */
export type PrepareVote = { readonly vote: 'yes' } | { readonly vote: 'no'; readonly reason: string; readonly cause?: NoVoteCause };

export interface RecoveryResult {
  /** Branches durably prepared, with the time they were prepared (Unix ms) when known. */
  readonly prepared: readonly { readonly txId: string; readonly preparedAtMs: number }[];
  /** How many unprepared leftovers were aborted. */
  readonly abortedLeftovers: number;
}

/**
 * What a resource manager's client-facing service (BlobStore, Metadata) uses to do work
 * inside a tx. `run` validates the tx id, enlists the participant with the coordinator
 * on the first operation of the tx (no work is ever done for a tx the coordinator does
 * not know), serializes it with every other call of that tx, and records activity for
 * the idle limit. It throws `TxNotActiveError` (→ FAILED_PRECONDITION) when the
 * coordinator refuses the enlist or the branch is already preparing or ended,
 * `CoordinatorUnavailableError` (→ UNAVAILABLE) when the coordinator cannot be reached,
 * and `LimitExceededError` (→ RESOURCE_EXHAUSTED) when the coordinator is at a limit or
 * too many calls of the tx already wait here.
 */
export interface BranchWork {
  run<T>(txId: string, operation: () => Promise<T>): Promise<T>;
}
