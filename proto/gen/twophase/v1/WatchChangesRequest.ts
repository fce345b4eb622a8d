// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchChangesRequest {
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * The last cursor the reader handled; 0 for the beginning.
   */
  'afterCursor'?: (number | string | Long);
}

export interface WatchChangesRequest__Output {
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * The last cursor the reader handled; 0 for the beginning.
   */
  'afterCursor': (string);
}
