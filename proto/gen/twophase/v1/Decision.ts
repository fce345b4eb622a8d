// Original file: proto/twophase/v1/common.proto

/**
 * The global decision carried in phase 2.
 */
export const Decision = {
  DECISION_UNSPECIFIED: 'DECISION_UNSPECIFIED',
  DECISION_COMMIT: 'DECISION_COMMIT',
  DECISION_ABORT: 'DECISION_ABORT',
} as const;

/**
 * The global decision carried in phase 2.
 */
export type Decision =
  | 'DECISION_UNSPECIFIED'
  | 0
  | 'DECISION_COMMIT'
  | 1
  | 'DECISION_ABORT'
  | 2

/**
 * The global decision carried in phase 2.
 */
export type Decision__Output = typeof Decision[keyof typeof Decision]
