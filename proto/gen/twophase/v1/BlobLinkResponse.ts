// Original file: proto/twophase/v1/blob.proto

import type { PutResponse as _twophase_v1_PutResponse, PutResponse__Output as _twophase_v1_PutResponse__Output } from '../../twophase/v1/PutResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from '../../twophase/v1/LinkError.js';
import type { Long } from '@grpc/proto-loader';

export interface BlobLinkResponse {
  /**
   * The call this answers.
   */
  'callId'?: (number | string | Long);
  'put'?: (_twophase_v1_PutResponse | null);
  'error'?: (_twophase_v1_LinkError | null);
  'result'?: "put"|"error";
}

export interface BlobLinkResponse__Output {
  /**
   * The call this answers.
   */
  'callId': (string);
  'put'?: (_twophase_v1_PutResponse__Output | null);
  'error'?: (_twophase_v1_LinkError__Output | null);
  'result'?: "put"|"error";
}
