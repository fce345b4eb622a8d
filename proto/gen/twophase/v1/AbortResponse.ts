// Original file: proto/twophase/v1/coordinator.proto

import type { Outcome as _twophase_v1_Outcome, Outcome__Output as _twophase_v1_Outcome__Output } from '../../twophase/v1/Outcome.js';
import type { AbortCause as _twophase_v1_AbortCause, AbortCause__Output as _twophase_v1_AbortCause__Output } from '../../twophase/v1/AbortCause.js';

export interface AbortResponse {
  /**
   * `aborted`, or `committed` when the commit decision came first.
   */
  'outcome'?: (_twophase_v1_Outcome);
  /**
   * The reason recorded for the abort.
   */
  'reason'?: (string);
  /**
   * True when the tx was unknown and is reported aborted by presumption.
   */
  'presumed'?: (boolean);
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED on commit.
   */
  'cause'?: (_twophase_v1_AbortCause);
}

export interface AbortResponse__Output {
  /**
   * `aborted`, or `committed` when the commit decision came first.
   */
  'outcome': (_twophase_v1_Outcome__Output);
  /**
   * The reason recorded for the abort.
   */
  'reason': (string);
  /**
   * True when the tx was unknown and is reported aborted by presumption.
   */
  'presumed': (boolean);
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED on commit.
   */
  'cause': (_twophase_v1_AbortCause__Output);
}
