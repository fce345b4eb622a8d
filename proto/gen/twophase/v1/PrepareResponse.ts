// Original file: proto/twophase/v1/participant.proto

import type { Vote as _twophase_v1_Vote, Vote__Output as _twophase_v1_Vote__Output } from '../../twophase/v1/Vote.js';
import type { AbortCause as _twophase_v1_AbortCause, AbortCause__Output as _twophase_v1_AbortCause__Output } from '../../twophase/v1/AbortCause.js';

export interface PrepareResponse {
  /**
   * `yes` or `no`.
   */
  'vote'?: (_twophase_v1_Vote);
  /**
   * Why the vote is `no` (wrong checksum, unknown branch, ...), for humans. Empty on `yes`.
   */
  'reason'?: (string);
  /**
   * Why the vote is `no`, for the coordinator to pass on: CONFLICT or OUTAGE. UNSPECIFIED
   * on `yes`, or from a participant older than this field (read as OUTAGE).
   */
  'cause'?: (_twophase_v1_AbortCause);
}

export interface PrepareResponse__Output {
  /**
   * `yes` or `no`.
   */
  'vote': (_twophase_v1_Vote__Output);
  /**
   * Why the vote is `no` (wrong checksum, unknown branch, ...), for humans. Empty on `yes`.
   */
  'reason': (string);
  /**
   * Why the vote is `no`, for the coordinator to pass on: CONFLICT or OUTAGE. UNSPECIFIED
   * on `yes`, or from a participant older than this field (read as OUTAGE).
   */
  'cause': (_twophase_v1_AbortCause__Output);
}
