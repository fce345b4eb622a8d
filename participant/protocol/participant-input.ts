import type { NoVoteCause } from '../../lib/abort-cause/abort-cause.js';

/**
 * What happens to a participant. The runtime feeds every input of one tx while holding
 * that tx's lock, so the inputs of a tx never interleave inside an operation.
 */
export type ParticipantInput =
  | { readonly kind: 'tick'; readonly nowMs: number }
  /** Start-up: the resource manager's durably prepared branches. */
  | { readonly kind: 'recovered'; readonly prepared: readonly { readonly txId: string; readonly preparedAtMs: number }[] }
  /** A client operation (Put, StageRevision…) wants to run in `txId`. */
  | { readonly kind: 'workRequested'; readonly txId: string }
  | {
      readonly kind: 'enlistResult';
      readonly txId: string;
      /** `exhausted`: the coordinator is at a limit (retryable); `refused`: the tx is not active there. */
      readonly result: 'enlisted' | 'refused' | 'exhausted' | 'unavailable';
      readonly txDeadlineMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'workDone'; readonly txId: string }
  | { readonly kind: 'prepareRequested'; readonly txId: string }
  /** A `no` may say its cause (`conflict`, `outage`; none said reads as `outage`), passed on in the vote. */
  | { readonly kind: 'prepareDone'; readonly txId: string; readonly vote: 'yes' | 'no'; readonly reason: string; readonly cause?: NoVoteCause }
  /** The coordinator (or a learned outcome) says commit. */
  | { readonly kind: 'commitRequested'; readonly txId: string }
  /**
   * `failed`: the resource manager could not commit now (retry); `refused`: it showed the
   * branch cannot be committed (never prepared, unverifiable), so there is nothing to retry.
   */
  | { readonly kind: 'commitDone'; readonly txId: string; readonly result: 'committed' | 'failed' | 'refused' }
  /** The coordinator (or a learned outcome, or the idle limit) says abort. */
  | { readonly kind: 'abortRequested'; readonly txId: string }
  | { readonly kind: 'abortDone'; readonly txId: string; readonly ok: boolean }
  /** Last-resource mode: the coordinator asks this participant, the last resource, to commit one-phase. */
  | { readonly kind: 'commitOnePhaseRequested'; readonly txId: string }
  /** `unknown`: the resource manager lost the answer (a broken connection mid-COMMIT); its marker tells. */
  | { readonly kind: 'commitOnePhaseDone'; readonly txId: string; readonly outcome: 'committed' | 'aborted' | 'unknown' }
  /** Last-resource mode: the coordinator asks how the tx ended here, to be settled by a compare-and-set on the marker. */
  | { readonly kind: 'resolveRequested'; readonly txId: string }
  | { readonly kind: 'resolveDone'; readonly txId: string; readonly outcome: 'committed' | 'aborted' }
  /** The answer to an `askOutcome` effect; `unknown` when the coordinator could not be asked. */
  | {
      readonly kind: 'outcomeLearned';
      readonly txId: string;
      readonly outcome: 'active' | 'preparing' | 'committed' | 'aborted' | 'unknown';
    };
