// Original file: proto/twophase/v1/metadata.proto

import type { StageRevisionRequest as _twophase_v1_StageRevisionRequest, StageRevisionRequest__Output as _twophase_v1_StageRevisionRequest__Output } from '../../twophase/v1/StageRevisionRequest.js';
import type { DeleteFileRequest as _twophase_v1_DeleteFileRequest, DeleteFileRequest__Output as _twophase_v1_DeleteFileRequest__Output } from '../../twophase/v1/DeleteFileRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface MetadataLinkRequest {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId'?: (number | string | Long);
  'stageRevision'?: (_twophase_v1_StageRevisionRequest | null);
  'deleteFile'?: (_twophase_v1_DeleteFileRequest | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent'?: (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs'?: (number | string | Long);
  'call'?: "stageRevision"|"deleteFile";
}

export interface MetadataLinkRequest__Output {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId': (string);
  'stageRevision'?: (_twophase_v1_StageRevisionRequest__Output | null);
  'deleteFile'?: (_twophase_v1_DeleteFileRequest__Output | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent': (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs': (string);
  'call'?: "stageRevision"|"deleteFile";
}
