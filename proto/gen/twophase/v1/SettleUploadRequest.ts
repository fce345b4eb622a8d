// Original file: proto/twophase/v1/blob.proto

import type { Long } from '@grpc/proto-loader';

export interface SettleUploadRequest {
  'uploadId'?: (string);
  'txId'?: (string);
  'revision'?: (number | string | Long);
}

export interface SettleUploadRequest__Output {
  'uploadId': (string);
  'txId': (string);
  'revision': (string);
}
