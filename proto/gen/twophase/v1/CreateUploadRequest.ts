// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateUploadRequest {
  /**
   * The file the upload is for; checked when it is committed, not here.
   */
  'namespace'?: (string);
  'path'?: (string);
  'contentType'?: (string);
  /**
   * The revision the file must be at when it is committed (If-Match); 0 for none.
   */
  'ifMatchRevision'?: (number | string | Long);
  /**
   * The file must not exist when it is committed (If-None-Match: *).
   */
  'ifNoneMatch'?: (boolean);
  /**
   * Lower-case hex SHA-256 the whole upload must have; empty: not checked.
   */
  'sha256'?: (string);
  /**
   * The total size in bytes.
   */
  'length'?: (number | string | Long);
  /**
   * The client's own description of the upload (tus Upload-Metadata), kept as it came.
   */
  'metadata'?: (string);
}

export interface CreateUploadRequest__Output {
  /**
   * The file the upload is for; checked when it is committed, not here.
   */
  'namespace': (string);
  'path': (string);
  'contentType': (string);
  /**
   * The revision the file must be at when it is committed (If-Match); 0 for none.
   */
  'ifMatchRevision': (string);
  /**
   * The file must not exist when it is committed (If-None-Match: *).
   */
  'ifNoneMatch': (boolean);
  /**
   * Lower-case hex SHA-256 the whole upload must have; empty: not checked.
   */
  'sha256': (string);
  /**
   * The total size in bytes.
   */
  'length': (string);
  /**
   * The client's own description of the upload (tus Upload-Metadata), kept as it came.
   */
  'metadata': (string);
}
