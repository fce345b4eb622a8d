// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface PutHeader {
  /**
   * The tx the bytes belong to.
   */
  'txId'?: (string);
  /**
   * Hex SHA-256 the bytes must have; empty to skip the check.
   */
  'expectedSha256'?: (string);
  /**
   * Size the bytes must have; -1 to skip the check.
   */
  'expectedSize'?: (number | string | Long);
}

export interface PutHeader__Output {
  /**
   * The tx the bytes belong to.
   */
  'txId': (string);
  /**
   * Hex SHA-256 the bytes must have; empty to skip the check.
   */
  'expectedSha256': (string);
  /**
   * Size the bytes must have; -1 to skip the check.
   */
  'expectedSize': (string);
}
