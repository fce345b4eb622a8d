// Original file: proto/twophase/v1/common.proto

/**
 * A participant's answer to Prepare.
 */
export const Vote = {
  VOTE_UNSPECIFIED: 'VOTE_UNSPECIFIED',
  /**
   * The branch is durable and will be committed if told to, whatever crashes.
   */
  VOTE_YES: 'VOTE_YES',
  /**
   * The branch cannot commit; it has been rolled back. `reason` says why.
   */
  VOTE_NO: 'VOTE_NO',
} as const;

/**
 * A participant's answer to Prepare.
 */
export type Vote =
  | 'VOTE_UNSPECIFIED'
  | 0
  /**
   * The branch is durable and will be committed if told to, whatever crashes.
   */
  | 'VOTE_YES'
  | 1
  /**
   * The branch cannot commit; it has been rolled back. `reason` says why.
   */
  | 'VOTE_NO'
  | 2

/**
 * A participant's answer to Prepare.
 */
export type Vote__Output = typeof Vote[keyof typeof Vote]
