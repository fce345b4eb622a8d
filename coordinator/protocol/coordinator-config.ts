import { limits } from '../../lib/limits/limits.js';

/** The knobs of the coordinator's protocol core. All durations are milliseconds of the input clock. */
export interface CoordinatorConfig {
  /** Participant ids that may enlist; an empty list accepts any valid id. */
  readonly knownParticipants: readonly string[];
  readonly txTimeoutMsDefault: number;
  readonly txTimeoutMsMax: number;
  readonly prepareTimeoutMs: number;
  readonly phase2WaitMs: number;
  readonly retryBackoffMsBase: number;
  readonly retryBackoffMsMax: number;
  readonly abortRetryForMs: number;
  readonly txInFlightMax: number;
  readonly participantsPerTxMax: number;
  readonly waitersPerTxMax: number;
  readonly finishedTxMax: number;
  readonly finishedRetentionMs: number;
  /**
   * Last-resource mode (DESIGN.md, *Last-resource commit*): the participant whose one-phase
   * COMMIT, with the decision marker inside it, is the commit point of every tx it is in.
   * '' (the default) is full two-phase commit.
   */
  readonly lastResource: string;
  /**
   * The decision log is shared (DESIGN.md, *Shared decision log*): a commit record is
   * written by compare-and-set on the tx's key and may lose to an abort another coordinator
   * wrote, and a tx this coordinator does not know is settled there by the same
   * compare-and-set (an abort is inserted unless a commit exists) instead of presumed
   * aborted. Not with a last resource.
   */
  readonly sharedLog: boolean;
}

export function coordinatorConfig(overrides: Partial<CoordinatorConfig> = {}): CoordinatorConfig {
  return {
    knownParticipants: [],
    txTimeoutMsDefault: limits.txTimeoutMsDefault,
    txTimeoutMsMax: limits.txTimeoutMsMax,
    prepareTimeoutMs: limits.prepareTimeoutMs,
    phase2WaitMs: limits.phase2WaitMs,
    retryBackoffMsBase: limits.retryBackoffMsBase,
    retryBackoffMsMax: limits.retryBackoffMsMax,
    abortRetryForMs: limits.abortRetryForMs,
    txInFlightMax: limits.txInFlightMax,
    participantsPerTxMax: limits.participantsPerTxMax,
    waitersPerTxMax: limits.waitersPerTxMax,
    finishedTxMax: limits.finishedTxMax,
    finishedRetentionMs: limits.finishedRetentionMs,
    lastResource: '',
    sharedLog: false,
    ...overrides,
  };
}
