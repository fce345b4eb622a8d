// Original file: proto/twophase/v1/participant.proto

import type { ParticipantLinkResponse as _twophase_v1_ParticipantLinkResponse, ParticipantLinkResponse__Output as _twophase_v1_ParticipantLinkResponse__Output } from '../../twophase/v1/ParticipantLinkResponse.js';

/**
 * The answers a server had ready at once, each tagged with its call's id.
 */
export interface ParticipantLinkResponses {
  'answers'?: (_twophase_v1_ParticipantLinkResponse)[];
}

/**
 * The answers a server had ready at once, each tagged with its call's id.
 */
export interface ParticipantLinkResponses__Output {
  'answers': (_twophase_v1_ParticipantLinkResponse__Output)[];
}
