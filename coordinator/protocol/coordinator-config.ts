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
    ...overrides,
  };
}
