// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadInfo {
  'uploadId'?: (string);
  'namespace'?: (string);
  'path'?: (string);
  'contentType'?: (string);
  'ifMatchRevision'?: (number | string | Long);
  'ifNoneMatch'?: (boolean);
  'sha256'?: (string);
  'length'?: (number | string | Long);
  'metadata'?: (string);
  /**
   * Bytes received and durable.
   */
  'offset'?: (number | string | Long);
  /**
   * receiving, complete, finishing or committed.
   */
  'phase'?: (string);
  /**
   * The tx finishing it (phase finishing or committed); empty before.
   */
  'txId'?: (string);
  /**
   * The revision committed from it (phase committed); 0 before.
   */
  'revision'?: (number | string | Long);
  /**
   * When it is deleted unless touched again (Unix ms).
   */
  'expiresAtUnixMs'?: (number | string | Long);
}

export interface UploadInfo__Output {
  'uploadId': (string);
  'namespace': (string);
  'path': (string);
  'contentType': (string);
  'ifMatchRevision': (string);
  'ifNoneMatch': (boolean);
  'sha256': (string);
  'length': (string);
  'metadata': (string);
  /**
   * Bytes received and durable.
   */
  'offset': (string);
  /**
   * receiving, complete, finishing or committed.
   */
  'phase': (string);
  /**
   * The tx finishing it (phase finishing or committed); empty before.
   */
  'txId': (string);
  /**
   * The revision committed from it (phase committed); 0 before.
   */
  'revision': (string);
  /**
   * When it is deleted unless touched again (Unix ms).
   */
  'expiresAtUnixMs': (string);
}
