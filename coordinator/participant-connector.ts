import type { NoVoteCause } from '../lib/abort-cause/abort-cause.js';

/**
 * How the coordinator runtime reaches participants. The core decides; a connector only
 * delivers. Implementations: gRPC (coordinator/grpc), and in-memory fakes in tests.
 */
export interface ParticipantConnector {
  /**
   * Asks `participantId` to prepare its branch of `txId`, waiting at most until
   * `deadlineMs` (Unix ms). Resolves with the vote; a `no` carries the participant's
   * reason (for humans) and its cause (`conflict` or `outage`, for clients to act on; none
   * said reads as `outage`). Rejects when the participant could not be asked or did not
   * answer in time; the runtime treats that as a `no`.
   */
  prepare(participantId: string, txId: string, deadlineMs: number): Promise<{ vote: 'yes' | 'no'; reason: string; cause?: NoVoteCause }>;

  /** Delivers the commit decision. Resolves once the participant acked; rejects otherwise (retried). */
  commit(participantId: string, txId: string): Promise<void>;

  /** Delivers the abort decision. Resolves once the participant acked; rejects otherwise (retried). */
  abort(participantId: string, txId: string, reason: string): Promise<void>;

  /**
   * Last-resource mode: asks `participantId` to commit its branch of `txId` one-phase, with
   * the decision marker inside that transaction (its COMMIT is the commit point).
   * Resolves `committed`, or `aborted` when nothing committed and nothing can commit
   * later. Rejects when the answer is unknown (lost, timed out): either may have happened;
   * and with NotLastResourceError when the participant refused before doing anything, as
   * one that cannot be the last resource.
   */
  commitOnePhase(participantId: string, txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'>;
  /**
   * Last-resource mode: the outcome of `txId` at `participantId`, decided there by a
   * compare-and-set on the marker key (aborted unless it committed; a commit in flight is
   * waited for). Rejects when it could not be asked, with NotLastResourceError when the
   * participant cannot be the last resource.
   */
  resolveOutcome(participantId: string, txId: string): Promise<'committed' | 'aborted'>;
  /** Participant ids and addresses, as configured. */
  list(): readonly { participantId: string; address: string }[];

  /** Closes every connection. */
  close(): void;
}
