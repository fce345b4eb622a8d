// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface AppendUploadHeader {
  'uploadId'?: (string);
  /**
   * Where the bytes go: the upload's offset.
   */
  'offset'?: (number | string | Long);
  /**
   * A checksum the bytes of this append must have (tus Upload-Checksum): sha1, sha256
   * or md5, and its raw digest; empty algorithm for none.
   */
  'checksumAlgorithm'?: (string);
  'checksumDigest'?: (Buffer | Uint8Array | string);
}

export interface AppendUploadHeader__Output {
  'uploadId': (string);
  /**
   * Where the bytes go: the upload's offset.
   */
  'offset': (string);
  /**
   * A checksum the bytes of this append must have (tus Upload-Checksum): sha1, sha256
   * or md5, and its raw digest; empty algorithm for none.
   */
  'checksumAlgorithm': (string);
  'checksumDigest': (Buffer);
}
