// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface ListChangesRequest {
  'namespace'?: (string);
  'afterCursor'?: (number | string | Long);
  'pageSize'?: (number);
}

export interface ListChangesRequest__Output {
  'namespace': (string);
  'afterCursor': (string);
  'pageSize': (number);
}
