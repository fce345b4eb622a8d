// Original file: proto/twophase/v1/coordinator.proto

import type { Outcome as _twophase_v1_Outcome, Outcome__Output as _twophase_v1_Outcome__Output } from '../../twophase/v1/Outcome.js';
import type { AbortCause as _twophase_v1_AbortCause, AbortCause__Output as _twophase_v1_AbortCause__Output } from '../../twophase/v1/AbortCause.js';

export interface GetOutcomeResponse {
  /**
   * The outcome as the coordinator knows it now.
   */
  'outcome'?: (_twophase_v1_Outcome);
  /**
   * Why the tx aborted, when known.
   */
  'reason'?: (string);
  /**
   * True when the tx is unknown to the coordinator and `aborted` is presumed.
   * A tx that committed and finished long ago (its log segment reclaimed
   * before a restart) also reads as presumed aborted: clients should ask soon.
   */
  'presumed'?: (boolean);
  /**
   * Participants enlisted in the tx, when known.
   */
  'participants'?: (string)[];
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED unless aborted.
   */
  'cause'?: (_twophase_v1_AbortCause);
}

export interface GetOutcomeResponse__Output {
  /**
   * The outcome as the coordinator knows it now.
   */
  'outcome': (_twophase_v1_Outcome__Output);
  /**
   * Why the tx aborted, when known.
   */
  'reason': (string);
  /**
   * True when the tx is unknown to the coordinator and `aborted` is presumed.
   * A tx that committed and finished long ago (its log segment reclaimed
   * before a restart) also reads as presumed aborted: clients should ask soon.
   */
  'presumed': (boolean);
  /**
   * Participants enlisted in the tx, when known.
   */
  'participants': (string)[];
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED unless aborted.
   */
  'cause': (_twophase_v1_AbortCause__Output);
}
