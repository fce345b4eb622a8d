// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface GetRequest {
  /**
   * Lower-case hex SHA-256 of the object.
   */
  'sha256'?: (string);
  /**
   * First byte to return (0-based).
   */
  'offset'?: (number | string | Long);
  /**
   * Number of bytes to return; -1 (or 0 with offset 0) for all to the end.
   */
  'length'?: (number | string | Long);
}

export interface GetRequest__Output {
  /**
   * Lower-case hex SHA-256 of the object.
   */
  'sha256': (string);
  /**
   * First byte to return (0-based).
   */
  'offset': (string);
  /**
   * Number of bytes to return; -1 (or 0 with offset 0) for all to the end.
   */
  'length': (string);
}
