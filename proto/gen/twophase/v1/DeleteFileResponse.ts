// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteFileResponse {
  /**
   * The revision number of the tombstone.
   */
  'revision'?: (number | string | Long);
}

export interface DeleteFileResponse__Output {
  /**
   * The revision number of the tombstone.
   */
  'revision': (string);
}
