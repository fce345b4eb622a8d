// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface PutResponse {
  /**
   * Lower-case hex SHA-256 of the bytes received.
   */
  'sha256'?: (string);
  /**
   * Number of bytes received.
   */
  'size'?: (number | string | Long);
}

export interface PutResponse__Output {
  /**
   * Lower-case hex SHA-256 of the bytes received.
   */
  'sha256': (string);
  /**
   * Number of bytes received.
   */
  'size': (string);
}
