// Original file: proto/twophase/v1/participant.proto

import type { ParticipantLinkRequest as _twophase_v1_ParticipantLinkRequest, ParticipantLinkRequest__Output as _twophase_v1_ParticipantLinkRequest__Output } from '../../twophase/v1/ParticipantLinkRequest.js';

/**
 * The calls a client sent at once: what it asked for within one turn of its event loop,
 * so that one stream message carries many calls under load.
 */
export interface ParticipantLinkRequests {
  'calls'?: (_twophase_v1_ParticipantLinkRequest)[];
}

/**
 * The calls a client sent at once: what it asked for within one turn of its event loop,
 * so that one stream message carries many calls under load.
 */
export interface ParticipantLinkRequests__Output {
  'calls': (_twophase_v1_ParticipantLinkRequest__Output)[];
}
