// Original file: proto/twophase/v1/blob.proto

import type { PutWholeRequest as _twophase_v1_PutWholeRequest, PutWholeRequest__Output as _twophase_v1_PutWholeRequest__Output } from '../../twophase/v1/PutWholeRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface BlobLinkRequest {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId'?: (number | string | Long);
  'put'?: (_twophase_v1_PutWholeRequest | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent'?: (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs'?: (number | string | Long);
  'call'?: "put";
}

export interface BlobLinkRequest__Output {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId': (string);
  'put'?: (_twophase_v1_PutWholeRequest__Output | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent': (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs': (string);
  'call'?: "put";
}
