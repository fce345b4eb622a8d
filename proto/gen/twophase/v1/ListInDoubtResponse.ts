// Original file: proto/twophase/v1/participant.proto

import type { InDoubtBranch as _twophase_v1_InDoubtBranch, InDoubtBranch__Output as _twophase_v1_InDoubtBranch__Output } from '../../twophase/v1/InDoubtBranch.js';

export interface ListInDoubtResponse {
  /**
   * Every branch that voted yes and awaits the decision, oldest first.
   */
  'branches'?: (_twophase_v1_InDoubtBranch)[];
}

export interface ListInDoubtResponse__Output {
  /**
   * Every branch that voted yes and awaits the decision, oldest first.
   */
  'branches': (_twophase_v1_InDoubtBranch__Output)[];
}
