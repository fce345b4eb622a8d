// Original file: proto/twophase/v1/coordinator.proto

import type { Outcome as _twophase_v1_Outcome, Outcome__Output as _twophase_v1_Outcome__Output } from '../../twophase/v1/Outcome.js';
import type { AbortCause as _twophase_v1_AbortCause, AbortCause__Output as _twophase_v1_AbortCause__Output } from '../../twophase/v1/AbortCause.js';

export interface CommitResponse {
  /**
   * `committed` or `aborted` (never active/preparing).
   */
  'outcome'?: (_twophase_v1_Outcome);
  /**
   * Why the tx aborted (first `no` vote's reason, deadline, client abort, ...). Empty on commit.
   */
  'reason'?: (string);
  /**
   * Participants that had not yet acked the commit when the call returned.
   * They will be retried until they do.
   */
  'pendingParticipants'?: (string)[];
  /**
   * True when the tx was unknown and is reported aborted by presumption.
   */
  'presumed'?: (boolean);
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED on commit.
   */
  'cause'?: (_twophase_v1_AbortCause);
}

export interface CommitResponse__Output {
  /**
   * `committed` or `aborted` (never active/preparing).
   */
  'outcome': (_twophase_v1_Outcome__Output);
  /**
   * Why the tx aborted (first `no` vote's reason, deadline, client abort, ...). Empty on commit.
   */
  'reason': (string);
  /**
   * Participants that had not yet acked the commit when the call returned.
   * They will be retried until they do.
   */
  'pendingParticipants': (string)[];
  /**
   * True when the tx was unknown and is reported aborted by presumption.
   */
  'presumed': (boolean);
  /**
   * Why the tx aborted, for programs (never read `reason` for it). UNSPECIFIED on commit.
   */
  'cause': (_twophase_v1_AbortCause__Output);
}
