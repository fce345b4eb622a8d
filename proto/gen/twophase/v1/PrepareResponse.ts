// Original file: proto/twophase/v1/participant.proto

import type { Vote as _twophase_v1_Vote, Vote__Output as _twophase_v1_Vote__Output } from '../../twophase/v1/Vote.js';

export interface PrepareResponse {
  /**
   * `yes` or `no`.
   */
  'vote'?: (_twophase_v1_Vote);
  /**
   * Why the vote is `no` (wrong checksum, unknown branch, ...). Empty on `yes`.
   */
  'reason'?: (string);
}

export interface PrepareResponse__Output {
  /**
   * `yes` or `no`.
   */
  'vote': (_twophase_v1_Vote__Output);
  /**
   * Why the vote is `no` (wrong checksum, unknown branch, ...). Empty on `yes`.
   */
  'reason': (string);
}
