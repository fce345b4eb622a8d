import type { AbortCause } from '../../lib/abort-cause/abort-cause.js';
import type { CommitRecord, EndRecord } from './log-record.js';

export type Outcome = 'active' | 'preparing' | 'committed' | 'aborted';

/** gRPC status names the core may refuse with; the service binding maps them to codes. */
export type RefusalCode = 'NOT_FOUND' | 'FAILED_PRECONDITION' | 'RESOURCE_EXHAUSTED' | 'INVALID_ARGUMENT' | 'ALREADY_EXISTS';

export type Reply =
  | { readonly kind: 'begun'; readonly txId: string; readonly deadlineMs: number }
  | { readonly kind: 'enlisted'; readonly deadlineMs: number }
  | {
      readonly kind: 'outcome';
      readonly outcome: Outcome;
      /** Why the tx aborted, for humans. */
      readonly reason: string;
      /** Why the tx aborted, for programs (never the reason's words): set exactly when `outcome` is `aborted`. */
      readonly cause?: AbortCause;
      /** True when the tx is unknown and `aborted` is presumed. */
      readonly presumed: boolean;
      /** Participants that had not acked a commit when this was answered. */
      readonly pending: readonly string[];
      readonly participants: readonly string[];
    }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string };

/**
 * What the runtime must do. Contract (STYLE.md rule 2): effects are carried out in
 * order; an `appendCommit` is answered by a `decisionSynced` input only once the record
 * is on stable storage, and the core emits no Commit to a participant before that input.
 */
export type CoordinatorEffect =
  | { readonly kind: 'reply'; readonly requestId: number; readonly reply: Reply }
  | { readonly kind: 'sendPrepare'; readonly txId: string; readonly to: string }
  /**
   * Append and sync; then feed `decisionSynced`, or `decisionRefused` if the log refused it
   * and wrote nothing, or (shared log) `decisionLost` if an abort was decided first.
   */
  | { readonly kind: 'appendCommit'; readonly record: CommitRecord }
  /** Deliver the decision; then feed `ack` or `sendFailed`. */
  | { readonly kind: 'sendDecision'; readonly txId: string; readonly to: string; readonly decision: 'commit' | 'abort' }
  /**
   * Last-resource mode: ask `to` to commit its branch one-phase, with the decision marker
   * inside that transaction; then feed `lastResourceAnswered`.
   */
  | { readonly kind: 'commitLastResource'; readonly txId: string; readonly to: string; readonly participants: readonly string[] }
  /** Last-resource mode: compare-and-set the outcome at `to` (aborted unless committed); then feed `resolved`. */
  | { readonly kind: 'resolveAtLastResource'; readonly txId: string; readonly to: string }
  /** Shared log: compare-and-set the outcome in the decision log (an abort is inserted unless a commit exists); then feed `resolved`. */
  | { readonly kind: 'resolveInLog'; readonly txId: string }
  /**
   * Last-resource mode: the commit happened at the last resource; append this record
   * without sync, as a hint for re-driving phase 2 after a restart (losing it costs only
   * the in-doubt participants' own questions). Nothing is fed back.
   */
  | { readonly kind: 'appendCommitHint'; readonly record: CommitRecord }
  /** Append without sync: losing it only costs a redundant re-drive after a crash. */
  | { readonly kind: 'appendEnd'; readonly record: EndRecord };
