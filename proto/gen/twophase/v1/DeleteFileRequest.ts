// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteFileRequest {
  /**
   * The tx the change belongs to.
   */
  'txId'?: (string);
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * See StageRevisionRequest.
   */
  'path'?: (string);
  /**
   * If > 0: delete only if the current revision is exactly this.
   */
  'ifMatchRevision'?: (number | string | Long);
}

export interface DeleteFileRequest__Output {
  /**
   * The tx the change belongs to.
   */
  'txId': (string);
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * See StageRevisionRequest.
   */
  'path': (string);
  /**
   * If > 0: delete only if the current revision is exactly this.
   */
  'ifMatchRevision': (string);
}
