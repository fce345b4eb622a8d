// Original file: proto/twophase/v1/participant.proto

import type { LastResourceOutcome as _twophase_v1_LastResourceOutcome, LastResourceOutcome__Output as _twophase_v1_LastResourceOutcome__Output } from '../../twophase/v1/LastResourceOutcome.js';

export interface ResolveOutcomeResponse {
  /**
   * COMMITTED or ABORTED.
   */
  'outcome'?: (_twophase_v1_LastResourceOutcome);
}

export interface ResolveOutcomeResponse__Output {
  /**
   * COMMITTED or ABORTED.
   */
  'outcome': (_twophase_v1_LastResourceOutcome__Output);
}
