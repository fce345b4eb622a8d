// Original file: proto/twophase/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface EnlistResponse {
  /**
   * Deadline of the tx (Unix epoch ms), so the participant can bound its idle work.
   */
  'deadlineUnixMs'?: (number | string | Long);
}

export interface EnlistResponse__Output {
  /**
   * Deadline of the tx (Unix epoch ms), so the participant can bound its idle work.
   */
  'deadlineUnixMs': (string);
}
