import type { NoVoteCause } from '../../lib/abort-cause/abort-cause.js';

/** What the participant runtime must do next. */
export type ParticipantEffect =
  /** Ask the coordinator to enlist us in `txId`; feed `enlistResult`. */
  | { readonly kind: 'enlist'; readonly txId: string }
  /** Run the client's operation now; feed `workDone` after it. */
  | { readonly kind: 'proceed'; readonly txId: string }
  /** Fail the client's operation: the tx is not (or no longer) active here. */
  | { readonly kind: 'refuseWork'; readonly txId: string; readonly code: 'notActive' | 'exhausted' | 'unavailable'; readonly reason: string }
  /** Call the resource manager's prepare; feed `prepareDone`. */
  | { readonly kind: 'runPrepare'; readonly txId: string }
  /** Answer Prepare with this vote; a `no` the resource manager gave a cause carries it (the others say none: `outage`). */
  | { readonly kind: 'vote'; readonly txId: string; readonly vote: 'yes' | 'no'; readonly reason: string; readonly cause?: NoVoteCause }
  /** Call the resource manager's commit (it verifies a forgotten branch); feed `commitDone`. */
  | { readonly kind: 'runCommit'; readonly txId: string }
  /** Answer a repeated commit: the resource manager committed this branch since the start (ParticipantState.committed). */
  | { readonly kind: 'committedHere'; readonly txId: string }
  /** Refuse a commit: this branch never prepared, so committing it would break atomicity. */
  | { readonly kind: 'refuseCommit'; readonly txId: string; readonly reason: string }
  /** Call the resource manager's abort; feed `abortDone`. */
  | { readonly kind: 'runAbort'; readonly txId: string }
  /** Refuse an abort: the branch is committing (the decision was commit). */
  | { readonly kind: 'refuseAbort'; readonly txId: string; readonly reason: string }
  /** Call the resource manager's one-phase commit (the commit point); feed `commitOnePhaseDone`. */
  | { readonly kind: 'runCommitOnePhase'; readonly txId: string }
  /**
   * Call the resource manager's compare-and-set on the marker (aborted unless committed;
   * an open branch of the tx is rolled back when aborted); feed `resolveDone`.
   */
  | { readonly kind: 'runResolve'; readonly txId: string }
  /** Ask the coordinator for the outcome of an in-doubt branch; feed `outcomeLearned`. */
  | { readonly kind: 'askOutcome'; readonly txId: string; readonly attempt: number }
  /** Apply a decision learned on our own (in-doubt resolution, idle limit) under the tx's lock. */
  | { readonly kind: 'resolve'; readonly txId: string; readonly decision: 'commit' | 'abort'; readonly reason: string };
