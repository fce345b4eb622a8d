// Original file: proto/twophase/v1/coordinator.proto

import type { CoordinatorLinkRequest as _twophase_v1_CoordinatorLinkRequest, CoordinatorLinkRequest__Output as _twophase_v1_CoordinatorLinkRequest__Output } from '../../twophase/v1/CoordinatorLinkRequest.js';

/**
 * The calls a client sent at once: what it asked for within one turn of its event loop,
 * so that one stream message carries many calls under load.
 */
export interface CoordinatorLinkRequests {
  'calls'?: (_twophase_v1_CoordinatorLinkRequest)[];
}

/**
 * The calls a client sent at once: what it asked for within one turn of its event loop,
 * so that one stream message carries many calls under load.
 */
export interface CoordinatorLinkRequests__Output {
  'calls': (_twophase_v1_CoordinatorLinkRequest__Output)[];
}
