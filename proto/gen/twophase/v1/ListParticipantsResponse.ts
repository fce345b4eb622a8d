// Original file: proto/twophase/v1/coordinator.proto

import type { ParticipantInfo as _twophase_v1_ParticipantInfo, ParticipantInfo__Output as _twophase_v1_ParticipantInfo__Output } from '../../twophase/v1/ParticipantInfo.js';

export interface ListParticipantsResponse {
  /**
   * Every participant the coordinator was configured with.
   */
  'participants'?: (_twophase_v1_ParticipantInfo)[];
}

export interface ListParticipantsResponse__Output {
  /**
   * Every participant the coordinator was configured with.
   */
  'participants': (_twophase_v1_ParticipantInfo__Output)[];
}
