// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface GetFileRequest {
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * See StageRevisionRequest.
   */
  'path'?: (string);
  /**
   * A given revision; 0 for the latest. A tombstone revision is NOT_FOUND.
   */
  'revision'?: (number | string | Long);
}

export interface GetFileRequest__Output {
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * See StageRevisionRequest.
   */
  'path': (string);
  /**
   * A given revision; 0 for the latest. A tombstone revision is NOT_FOUND.
   */
  'revision': (string);
}
