// Original file: proto/twophase/v1/common.proto

/**
 * The fate of a transaction as the coordinator knows it.
 */
export const Outcome = {
  /**
   * Never sent; a reader that sees it has a newer or broken peer.
   */
  OUTCOME_UNSPECIFIED: 'OUTCOME_UNSPECIFIED',
  /**
   * Begun, still accepting work (Enlist succeeds).
   */
  OUTCOME_ACTIVE: 'OUTCOME_ACTIVE',
  /**
   * Commit was asked; votes are being collected or the decision is being made durable.
   * An in-doubt participant that hears this asks again later.
   */
  OUTCOME_PREPARING: 'OUTCOME_PREPARING',
  /**
   * The commit decision is durable in the coordinator's log. Every participant will commit.
   */
  OUTCOME_COMMITTED: 'OUTCOME_COMMITTED',
  /**
   * Aborted, or unknown to the coordinator (presumed abort: see `presumed`).
   */
  OUTCOME_ABORTED: 'OUTCOME_ABORTED',
} as const;

/**
 * The fate of a transaction as the coordinator knows it.
 */
export type Outcome =
  /**
   * Never sent; a reader that sees it has a newer or broken peer.
   */
  | 'OUTCOME_UNSPECIFIED'
  | 0
  /**
   * Begun, still accepting work (Enlist succeeds).
   */
  | 'OUTCOME_ACTIVE'
  | 1
  /**
   * Commit was asked; votes are being collected or the decision is being made durable.
   * An in-doubt participant that hears this asks again later.
   */
  | 'OUTCOME_PREPARING'
  | 2
  /**
   * The commit decision is durable in the coordinator's log. Every participant will commit.
   */
  | 'OUTCOME_COMMITTED'
  | 3
  /**
   * Aborted, or unknown to the coordinator (presumed abort: see `presumed`).
   */
  | 'OUTCOME_ABORTED'
  | 4

/**
 * The fate of a transaction as the coordinator knows it.
 */
export type Outcome__Output = typeof Outcome[keyof typeof Outcome]
