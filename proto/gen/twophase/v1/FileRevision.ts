// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface FileRevision {
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * See StageRevisionRequest.
   */
  'path'?: (string);
  /**
   * Revision number, from 1, one per write (deletes included).
   */
  'revision'?: (number | string | Long);
  /**
   * Lower-case hex SHA-256 of the content; empty for a tombstone.
   */
  'sha256'?: (string);
  /**
   * Content size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * MIME type.
   */
  'contentType'?: (string);
  /**
   * Commit time of the revision's tx (Unix epoch ms).
   */
  'createdUnixMs'?: (number | string | Long);
  /**
   * The tx that wrote it.
   */
  'txId'?: (string);
  /**
   * True for a tombstone (the file was deleted by this revision).
   */
  'deleted'?: (boolean);
}

export interface FileRevision__Output {
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * See StageRevisionRequest.
   */
  'path': (string);
  /**
   * Revision number, from 1, one per write (deletes included).
   */
  'revision': (string);
  /**
   * Lower-case hex SHA-256 of the content; empty for a tombstone.
   */
  'sha256': (string);
  /**
   * Content size in bytes.
   */
  'size': (string);
  /**
   * MIME type.
   */
  'contentType': (string);
  /**
   * Commit time of the revision's tx (Unix epoch ms).
   */
  'createdUnixMs': (string);
  /**
   * The tx that wrote it.
   */
  'txId': (string);
  /**
   * True for a tombstone (the file was deleted by this revision).
   */
  'deleted': (boolean);
}
