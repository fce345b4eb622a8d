// Original file: proto/twophase/v1/participant.proto

/**
 * How a tx ended at the last resource.
 */
export const LastResourceOutcome = {
  /**
   * Never sent; a reader that sees it has a newer or broken peer, and takes the call
   * as failed (the outcome unknown), never as either answer.
   */
  LAST_RESOURCE_OUTCOME_UNSPECIFIED: 'LAST_RESOURCE_OUTCOME_UNSPECIFIED',
  /**
   * The branch's one-phase COMMIT, the commit point of the tx, happened.
   */
  LAST_RESOURCE_OUTCOME_COMMITTED: 'LAST_RESOURCE_OUTCOME_COMMITTED',
  /**
   * Nothing of the tx committed here, and nothing of it can commit here any more.
   */
  LAST_RESOURCE_OUTCOME_ABORTED: 'LAST_RESOURCE_OUTCOME_ABORTED',
} as const;

/**
 * How a tx ended at the last resource.
 */
export type LastResourceOutcome =
  /**
   * Never sent; a reader that sees it has a newer or broken peer, and takes the call
   * as failed (the outcome unknown), never as either answer.
   */
  | 'LAST_RESOURCE_OUTCOME_UNSPECIFIED'
  | 0
  /**
   * The branch's one-phase COMMIT, the commit point of the tx, happened.
   */
  | 'LAST_RESOURCE_OUTCOME_COMMITTED'
  | 1
  /**
   * Nothing of the tx committed here, and nothing of it can commit here any more.
   */
  | 'LAST_RESOURCE_OUTCOME_ABORTED'
  | 2

/**
 * How a tx ended at the last resource.
 */
export type LastResourceOutcome__Output = typeof LastResourceOutcome[keyof typeof LastResourceOutcome]
