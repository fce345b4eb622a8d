// Original file: proto/twophase/v1/coordinator.proto

import type { CoordinatorLinkResponse as _twophase_v1_CoordinatorLinkResponse, CoordinatorLinkResponse__Output as _twophase_v1_CoordinatorLinkResponse__Output } from '../../twophase/v1/CoordinatorLinkResponse.js';

/**
 * The answers a server had ready at once, each tagged with its call's id.
 */
export interface CoordinatorLinkResponses {
  'answers'?: (_twophase_v1_CoordinatorLinkResponse)[];
}

/**
 * The answers a server had ready at once, each tagged with its call's id.
 */
export interface CoordinatorLinkResponses__Output {
  'answers': (_twophase_v1_CoordinatorLinkResponse__Output)[];
}
