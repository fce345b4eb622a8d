// Original file: proto/twophase/v1/admin.proto

import type { FailpointInfo as _twophase_v1_FailpointInfo, FailpointInfo__Output as _twophase_v1_FailpointInfo__Output } from '../../twophase/v1/FailpointInfo.js';

export interface ListFailpointsResponse {
  /**
   * Sorted by name.
   */
  'failpoints'?: (_twophase_v1_FailpointInfo)[];
}

export interface ListFailpointsResponse__Output {
  /**
   * Sorted by name.
   */
  'failpoints': (_twophase_v1_FailpointInfo__Output)[];
}
