// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface StatResponse {
  /**
   * Size of the published object in bytes.
   */
  'size'?: (number | string | Long);
}

export interface StatResponse__Output {
  /**
   * Size of the published object in bytes.
   */
  'size': (string);
}
