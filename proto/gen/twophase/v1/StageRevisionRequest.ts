// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface StageRevisionRequest {
  /**
   * The tx the change belongs to.
   */
  'txId'?: (string);
  /**
   * Tenant or user space, e.g. `alice`: 1–128 characters of [A-Za-z0-9._-].
   */
  'namespace'?: (string);
  /**
   * File path within the namespace, e.g. `docs/a.txt`: normalized, `/`-separated, no
   * `.` or `..` segments, no NUL or control characters, 1–1024 bytes.
   */
  'path'?: (string);
  /**
   * Lower-case hex SHA-256 of the content (already staged at the blob participant).
   */
  'sha256'?: (string);
  /**
   * Content size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * MIME type, e.g. `text/plain`; empty for application/octet-stream.
   */
  'contentType'?: (string);
  /**
   * If > 0: the write happens only if the file's current revision is exactly this.
   */
  'ifMatchRevision'?: (number | string | Long);
  /**
   * If true: the write happens only if the file does not exist (or is deleted).
   */
  'ifNoneMatch'?: (boolean);
}

export interface StageRevisionRequest__Output {
  /**
   * The tx the change belongs to.
   */
  'txId': (string);
  /**
   * Tenant or user space, e.g. `alice`: 1–128 characters of [A-Za-z0-9._-].
   */
  'namespace': (string);
  /**
   * File path within the namespace, e.g. `docs/a.txt`: normalized, `/`-separated, no
   * `.` or `..` segments, no NUL or control characters, 1–1024 bytes.
   */
  'path': (string);
  /**
   * Lower-case hex SHA-256 of the content (already staged at the blob participant).
   */
  'sha256': (string);
  /**
   * Content size in bytes.
   */
  'size': (string);
  /**
   * MIME type, e.g. `text/plain`; empty for application/octet-stream.
   */
  'contentType': (string);
  /**
   * If > 0: the write happens only if the file's current revision is exactly this.
   */
  'ifMatchRevision': (string);
  /**
   * If true: the write happens only if the file does not exist (or is deleted).
   */
  'ifNoneMatch': (boolean);
}
